"""A whole plan is approved and cancelled in a constant number of SQL statements (issue 11):
a plan of a handful of allocations and one of hundreds cost the same, and the books come out
as they did one allocation at a time (one ledger row per allocation, one audit event each)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.app_support import StatementCounter
from tests.plans.plan_helpers import file_request
from ukg_aid.audit.models import AuditEvent
from ukg_aid.db import Database
from ukg_aid.principal import Role
from ukg_aid.stockpiles.models import StockLedger


async def _plan(
    client: httpx.AsyncClient, headers: dict[str, dict[str, str]], lines: list[tuple[str, int]]
) -> dict[str, Any]:
    desk = headers["desk"]
    req = await file_request(client, desk, "27100", lines)
    resp = await client.post(
        "/api/v1/plans", json={"request_ids": [req["id"]]}, headers=headers["coord"]
    )
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


async def _counted(db: Database, call: Any) -> tuple[httpx.Response, int]:
    with StatementCounter(db.engine) as counter:
        resp = await call
    assert resp.status_code == 200, resp.text
    return resp, counter.count


async def _stock(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[tuple[int, str], int]:
    resp = await client.get("/api/v1/stock", params={"limit": 1000}, headers=headers)
    return {(r["depot_id"], r["item_code"]): r["reserved"] for r in resp.json()["items"]}


async def _ledger_rows(session: AsyncSession, plan: dict[str, Any]) -> int:
    refs = [f"allocation:{a['id']}" for a in plan["allocations"]]
    query = select(func.count()).select_from(StockLedger).where(StockLedger.ref.in_(refs))
    return int(await session.scalar(query) or 0)


async def _cancel_events(session: AsyncSession, plan: dict[str, Any]) -> int:
    ids = [str(a["id"]) for a in plan["allocations"]]
    query = select(func.count()).where(
        AuditEvent.action == "allocation.cancel", AuditEvent.entity_id.in_(ids)
    )
    return int(await session.scalar(query) or 0)


@pytest.mark.sqlite
async def test_approve_and_cancel_cost_the_same_statements_for_5_or_500_allocations(
    client: httpx.AsyncClient, tokens, db: Database, session: AsyncSession
) -> None:
    headers = {
        "desk": await tokens.headers(Role.desk, "27100"),
        "coord": await tokens.headers(Role.coordinator),
    }
    items = (await client.get("/api/v1/items", headers=headers["coord"])).json()["items"]
    small = await _plan(client, headers, [("water", 600_000)])
    big = await _plan(client, headers, [(i["code"], 10_000_000) for i in items])
    assert 2 <= len(small["allocations"]) * 10 <= len(big["allocations"]), (
        len(small["allocations"]),
        len(big["allocations"]),
    )
    coord = headers["coord"]
    counts = {}
    for name, plan in (("small", small), ("big", big)):
        before = await _stock(client, coord)
        approve = client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
        approved, counts[f"approve {name}"] = await _counted(db, approve)
        assert approved.json()["status"] == "approved"
        after = await _stock(client, coord)
        wanted: Counter[tuple[int, str]] = Counter()
        for a in plan["allocations"]:
            wanted[(a["depot_id"], a["item_code"])] += a["quantity"]
        assert {k: after[k] - before[k] for k in wanted} == dict(wanted)
        assert await _ledger_rows(session, plan) == len(plan["allocations"])
        cancel = client.post(f"/api/v1/plans/{plan['id']}/cancel", headers=coord)
        cancelled, counts[f"cancel {name}"] = await _counted(db, cancel)
        assert cancelled.json()["status"] == "cancelled"
        assert {a["status"] for a in cancelled.json()["allocations"]} == {"cancelled"}
        assert await _stock(client, coord) == before
        assert await _ledger_rows(session, plan) == 2 * len(plan["allocations"])
        assert await _cancel_events(session, plan) == len(plan["allocations"])
    assert counts["approve small"] == counts["approve big"], counts
    assert counts["cancel small"] == counts["cancel big"], counts
    print("statements:", counts, "allocations:", len(small["allocations"]), len(big["allocations"]))
