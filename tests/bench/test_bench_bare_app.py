"""The bare app of bench/api.py answers like the service and writes what the service writes,
on the same committed database, so the benchmark compares like with like."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select

from bench import bare_app
from tests.app_support import make_settings
from ukg_aid.app import create_app
from ukg_aid.audit.models import AuditEvent
from ukg_aid.audit.service import EVENTS_CHANNEL
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.principal import Role
from ukg_aid.stockpiles.models import Depot, Stock, StockLedger

OSAKA_POINT = {"name": "Osaka Castle Park", "lat": 34.6873, "lon": 135.5262}


@dataclass
class Pair:
    service: httpx.AsyncClient
    bare: httpx.AsyncClient
    db: Database
    observer: dict[str, str]
    desk: dict[str, str]
    depot_id: int
    item: str


async def _token(db: Database, role: Role, member: str | None) -> dict[str, str]:
    async with db.transaction() as s:
        issued = await auth_service.create_token(
            s,
            name=f"bench-{role.value}-{uuid.uuid4().hex[:6]}",
            role=role,
            member_code=member,
            expires_in_days=1,
        )
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
async def pair(bench_db: Database) -> AsyncIterator[Pair]:
    observer = await _token(bench_db, Role.observer, None)
    desk = await _token(bench_db, Role.desk, "27")
    async with bench_db.transaction() as s:
        row = (
            await s.execute(
                select(Stock.depot_id, Stock.item_code)
                .join(Depot, Depot.id == Stock.depot_id)
                .where(Depot.member_code == "27")
                .order_by(Stock.id)
                .limit(1)
            )
        ).one()
    service_app = create_app(make_settings(bench_db.url), database=bench_db)
    bare = bare_app.create_app(bench_db.url.replace("+asyncpg", ""), pool_max=2)
    async with (
        bare.router.lifespan_context(bare),
        httpx.AsyncClient(transport=httpx.ASGITransport(service_app), base_url="http://s") as s,
        httpx.AsyncClient(transport=httpx.ASGITransport(bare), base_url="http://b") as b,
    ):
        yield Pair(s, b, bench_db, observer, desk, row.depot_id, row.item_code)


async def both(pair: Pair, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
    """The same request to the service, then to the bare app: their (status, JSON)."""
    s = await pair.service.request(method, path, headers=headers, **kw)
    b = await pair.bare.request(method, path, headers=headers, **kw)
    return (s.status_code, s.json()), (b.status_code, b.json())


async def _count(db: Database, model: type[Any]) -> int:
    async with db.transaction() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_reads_answer_the_same_json(pair: Pair) -> None:
    depot = await both(pair, "GET", f"/api/v1/depots/{pair.depot_id}", pair.observer)
    assert depot[0] == depot[1]
    assert depot[0][0] == 200
    stock = await both(pair, "GET", "/api/v1/stock", pair.observer, params={"limit": 7})
    assert stock[0] == stock[1]
    assert len(stock[0][1]["items"]) == 7
    assert stock[0][1]["total"] > 7


async def test_refusals_match_the_service(pair: Pair) -> None:
    wrong = {"Authorization": "Bearer not-a-token"}
    (s_status, _), (b_status, body) = await both(pair, "GET", "/api/v1/depots/1", wrong)
    assert s_status == b_status == 401
    assert body["status"] == 401
    path = f"/api/v1/depots/{pair.depot_id}/stock/{pair.item}/adjustments"
    (s_status, _), (b_status, _) = await both(
        pair, "POST", path, pair.observer, json={"delta": 1, "reason": "x"}
    )
    assert s_status == b_status == 403


async def test_stock_adjustment_writes_what_the_service_writes(pair: Pair) -> None:
    ledger, audit = await _count(pair.db, StockLedger), await _count(pair.db, AuditEvent)
    path = f"/api/v1/depots/{pair.depot_id}/stock/{pair.item}/adjustments"
    notified: asyncio.Queue[str] = asyncio.Queue()
    listener = await asyncpg.connect(pair.db.url.replace("+asyncpg", ""))
    await listener.add_listener(EVENTS_CHANNEL, lambda *args: notified.put_nowait(args[3]))
    try:
        (s_status, s), (b_status, b) = await both(
            pair, "POST", path, pair.desk, json={"delta": 2, "reason": "bench: receipt"}
        )
        woken = [await asyncio.wait_for(notified.get(), 10) for _ in range(2)]
    finally:
        await listener.close()
    assert (s_status, b_status) == (200, 200)
    assert s.keys() == b.keys()
    assert b["on_hand"] == s["on_hand"] + 2
    assert b["available"] == s["available"] + 2
    assert {k: v for k, v in s.items() if k not in ("on_hand", "available", "updated_at")} == {
        k: v for k, v in b.items() if k not in ("on_hand", "available", "updated_at")
    }
    assert await _count(pair.db, StockLedger) == ledger + 2
    assert await _count(pair.db, AuditEvent) == audit + 2
    async with pair.db.transaction() as session:
        events = list(
            await session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(2))
        )
    bare_event, service_event = events
    assert woken == [str(service_event.id), str(bare_event.id)]  # both wake event streams
    assert (bare_event.action, bare_event.entity, bare_event.entity_id) == (
        service_event.action,
        service_event.entity,
        service_event.entity_id,
    )
    assert bare_event.before == service_event.after


async def test_filing_a_request_answers_the_same_shape(pair: Pair) -> None:
    audit = await _count(pair.db, AuditEvent)
    body = {
        "member_code": "27",
        "delivery": OSAKA_POINT,
        "priority": "high",
        "lines": [{"item_code": "water", "quantity": 50}, {"item_code": "meals", "quantity": 9}],
    }
    (s_status, s), (b_status, b) = await both(
        pair, "POST", "/api/v1/aid-requests", pair.desk, json=body
    )
    assert (s_status, b_status) == (201, 201)
    varying = {"id", "filed_at", "updated_at"}
    assert {k: v for k, v in s.items() if k not in varying | {"lines"}} == {
        k: v for k, v in b.items() if k not in varying | {"lines"}
    }
    assert [{k: v for k, v in ln.items() if k != "id"} for ln in s["lines"]] == [
        {k: v for k, v in ln.items() if k != "id"} for ln in b["lines"]
    ]
    assert b["id"] == s["id"] + 1
    assert b["filed_at"].endswith("+09:00")
    assert await _count(pair.db, AuditEvent) == audit + 2
    outside = body | {"delivery": {"name": "Tokyo", "lat": 35.68, "lon": 139.77}}
    (s_status, _), (b_status, _) = await both(
        pair, "POST", "/api/v1/aid-requests", pair.desk, json=outside
    )
    assert s_status == b_status == 422
