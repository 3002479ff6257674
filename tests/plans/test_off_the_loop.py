"""The pieces that keep a Nankai plan's work off the event loop (issue 11) give what the plain
way gave: the answer written in chunks is the serialiser's own JSON, rows sent as one array
literal per column come back as they went (quotes, backslashes, NULLs, Japanese, offsets,
JSON), and locked rows read through a cursor in chunks are every row, in key order, locked
in one statement."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.app_support import StatementCounter
from ukg_aid import offload
from ukg_aid.audit.models import AuditEvent
from ukg_aid.catalog.models import Item
from ukg_aid.db import Database, bulk, locking
from ukg_aid.plans import answer
from ukg_aid.plans.enums import AllocationStatus, PlanPolicy, PlanStatus
from ukg_aid.plans.schemas import AllocationRow, PlanRead, SolverRead, UnmetRead

JST = timezone(timedelta(hours=9))
TRICKY = ['a "quoted" word', "back\\slash", "NULL", "", " spaced ", "{,}", "神戸市役所", None]


def _row(k: int) -> AllocationRow:
    return AllocationRow.model_validate(
        {
            "id": k,
            "plan_id": 1,
            "request_id": 10 + k % 7,
            "line_id": 100 + k,
            "item_code": "water_2l",
            "depot_id": 5,
            "supplier_code": "26",
            "requester_code": "28100",
            "quantity": k + 1,
            "distance_km": 12.5 + k / 3,
            "eta_minutes": 61.0,
            "reason": TRICKY[k % 7],
            "status": AllocationStatus.planned,
            "dispatched_at": None,
            "expected_at": datetime(2026, 12, 1, 3, tzinfo=UTC) if k % 2 else None,
            "delivered_at": None,
            "late": k % 3 == 0,
            "shipment_id": None,
            "received": None,
            "loss_reason": None,
            "decline_reason": None,
            "depot_name": f"depot {k}",
            "depot_name_ja": "備蓄倉庫",
            "supplier_name_ja": "京都府",
            "supplier_name_en": "Kyoto",
            "requester_name_ja": "神戸市",
            "requester_name_en": "Kobe City",
            "delivery": {"name": "Kobe City Hall", "lat": 34.69, "lon": 135.195},
            "item_name_ja": "飲料水",
            "item_name_en": "water",
            "unit": "bottle",
            "unit_weight_kg": 2.1,
            "weight_kg": round((k + 1) * 2.1, 3),
        }
    )


def _plan(allocations: int) -> PlanRead:
    return PlanRead(
        id=7,
        incident_id=1,
        status=PlanStatus.proposed,
        policy=PlanPolicy.optimized,
        include_stricken_suppliers=False,
        request_ids=[10, 11],
        allocations=[_row(k) for k in range(allocations)],
        unmet=[UnmetRead(request_id=10, line_id=3, item_code="rice", quantity=4, cause="none")],
        solver=SolverRead(status="optimal", wall_ms=12.0, objective={"units": 5.0}),
        created_by="coord",
        created_at=datetime(2026, 12, 1, 9, tzinfo=JST),
        decided_by=None,
        decided_at=None,
        closed_at=None,
    )


@pytest.mark.parametrize("allocations", [0, 1, answer.CHUNK, 2 * answer.CHUNK + 51])
def test_the_chunked_answer_is_the_serialisers_own_json(allocations: int) -> None:
    out = _plan(allocations)
    assert answer.dump(out) == out.model_dump_json().encode()


async def test_offload_runs_large_work_in_a_worker_thread() -> None:
    here = threading.get_ident()
    assert await offload.run(offload.OFFLOAD_ROWS - 1, threading.get_ident) == here
    assert await offload.run(offload.OFFLOAD_ROWS, threading.get_ident) != here


def _events(n: int, at: datetime) -> list[dict[str, object]]:
    return [
        {
            "at": at + timedelta(seconds=k),
            "actor": TRICKY[k % 7] or "x",
            "role": "coordinator",
            "member_code": None if k % 5 == 0 else "28100",
            "action": "test.bulk",
            "entity": "thing",
            "entity_id": str(k),
            "before": None if k % 4 == 0 else {"say": TRICKY[k % 8], "n": k, "nested": [1, "\\"]},
            "after": {"k": k},
            "note": TRICKY[k % 8],
        }
        for k in range(n)
    ]


async def _stored(session: AsyncSession, at: datetime) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == "test.bulk", AuditEvent.at >= at)
    return list(await session.scalars(query.order_by(AuditEvent.at)))


async def test_bulk_rows_come_back_as_they_went(session: AsyncSession) -> None:
    """More rows than ``OFFLOAD_ROWS``: the arrays are made in the worker thread."""
    at = datetime(2026, 12, 1, 19, 30, tzinfo=JST)
    rows = _events(offload.OFFLOAD_ROWS + 37, at)
    await bulk.insert_rows(session, AuditEvent, rows)
    stored = await _stored(session, at)
    assert len(stored) == len(rows)
    for event, row in zip(stored, rows, strict=True):
        got = {name: getattr(event, name) for name in row}
        assert got == row


async def test_bulk_updates_keep_every_character(session: AsyncSession) -> None:
    codes = list(await session.scalars(select(Item.code).order_by(Item.code)))
    changed = [{"code": c, "name_en": TRICKY[k % 7]} for k, c in enumerate(codes)]
    await bulk.update_rows(session, Item, "code", changed)
    session.expire_all()
    got = await session.execute(select(Item.code, Item.name_en).order_by(Item.code))
    assert [{"code": c, "name_en": n} for c, n in got] == changed


async def test_array_literals_round_trip_through_postgresql(session: AsyncSession) -> None:
    cases: dict[str, list[Any]] = {
        "text[]": TRICKY,
        "timestamptz[]": [datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=JST), None],
        "float8[]": [0.1, 1e-300, 2.5, -7.0, 123456.789012345, None],
        "bool[]": [True, False, None],
        "int[]": [0, -1, 2**31 - 1, None],
    }
    for kind, values in cases.items():
        got = await session.scalar(
            text(f"SELECT CAST(CAST(:v AS text) AS {kind})"), {"v": bulk.array_literal(values)}
        )
        assert got == values, kind


async def test_many_locked_rows_come_in_chunks_in_key_order_in_one_statement(
    session: AsyncSession, db: Database
) -> None:
    at = datetime(2026, 12, 1, 20, tzinfo=JST)
    await bulk.insert_rows(session, AuditEvent, _events(2 * locking.STREAM_ROWS + 5, at))
    ids = [e.id for e in await _stored(session, at)]
    with StatementCounter(db.engine) as counter:
        locked = await locking.lock_keys(session, AuditEvent, (AuditEvent.id,), reversed(ids))
    assert [e.id for e in locked] == sorted(ids)
    assert counter.count == 1
    assert "FOR NO KEY UPDATE" in counter.statements[0]
