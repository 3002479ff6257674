"""A whole plan is approved and cancelled, and a whole shipment dispatched and counted in, in a
constant number of SQL statements (issue 11): a handful of allocations and hundreds cost the
same, and the books come out as they did one allocation at a time (one ledger row per
allocation, one audit event each). Statements are counted as the server runs them: an
``executemany`` of n rows (an ORM flush of n objects) counts n."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.app_support import StatementCounter
from tests.plans.plan_helpers import KOBE_CITY_HALL, file_request, stock_row
from tests.plans.shipment_helpers import approved_plan, line_of, shipments, stocked
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


async def _counted(db: Database, call: Any) -> tuple[httpx.Response, tuple[int, int | None]]:
    """The answer, and (statements sent, statements PostgreSQL executed). SQLite is given a
    batch as one ``executemany`` by design (``ukg_aid.db.bulk``): only its first count holds."""
    with StatementCounter(db.engine) as counter:
        resp = await call
    assert resp.status_code == 200, resp.text
    postgres = db.engine.dialect.name == "postgresql"
    return resp, (counter.count, counter.executions if postgres else None)


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


SHIPPED_ITEMS = [f"bulk_{k:02d}" for k in range(12)]


async def _shipment_cycle(
    client: httpx.AsyncClient,
    db: Database,
    headers: dict[str, dict[str, str]],
    request: dict[str, Any],
) -> tuple[dict[str, tuple[int, int | None]], dict[str, Any], list[dict[str, Any]]]:
    """Approve a plan of ``request`` (one shipment), dispatch it, count it in with the first
    allocation 3 units short: (statements per call, the shipment, its allocations)."""
    plan = await approved_plan(client, headers["coord"], [request["id"]])
    (shipment,) = await shipments(client, headers["coord"], plan_id=plan["id"])
    url = f"/api/v1/shipments/{shipment['id']}"
    counts = {}
    sent, counts["dispatch"] = await _counted(
        db, client.post(f"{url}/dispatch", headers=headers["nara"])
    )
    assert sent.json()["status"] == "dispatched", sent.text
    allocations = sorted(plan["allocations"], key=lambda a: a["id"])
    first = allocations[0]["id"]
    body = {"received": [{"allocation_id": first, "received": 7, "reason": "damaged"}]}
    got, counts["deliver"] = await _counted(
        db, client.post(f"{url}/deliver", headers=headers["desk"], json=body)
    )
    assert got.json()["status"] == "delivered", got.text
    return counts, shipment, allocations


@pytest.mark.sqlite
async def test_a_shipment_dispatches_and_is_counted_in_the_same_statements_for_1_or_12(
    client: httpx.AsyncClient, tokens, db: Database
) -> None:
    admin = await tokens.headers(Role.admin)
    headers = {
        "coord": await tokens.headers(Role.coordinator),
        "desk": await tokens.headers(Role.desk, "27100"),
        "nara": await tokens.headers(Role.desk, "29"),
    }
    depot = 0
    for code in SHIPPED_ITEMS:
        depot = await stocked(client, admin, code, 1.0, 1_000)
    small = await file_request(
        client, headers["desk"], "27100", [(SHIPPED_ITEMS[0], 10)], delivery=KOBE_CITY_HALL
    )
    big = await file_request(client, headers["desk"], "27100", [(c, 10) for c in SHIPPED_ITEMS])
    # Nara's first dispatch creates its truck pool (once): a warm-up shipment takes that.
    warm = await file_request(client, headers["desk"], "27100", [(SHIPPED_ITEMS[0], 10)])
    await _shipment_cycle(client, db, headers, warm)
    counts = {}
    for name, request in (("small", small), ("big", big)):
        counts[name], shipment, allocations = await _shipment_cycle(client, db, headers, request)
        assert len(shipment["allocation_ids"]) == len(request["lines"])
        lines = [
            await line_of(client, headers["desk"], request["id"], a["item_code"])
            for a in allocations
        ]
        books = [(x["allocated"], x["dispatched"], x["delivered"], x["lost"]) for x in lines]
        assert books == [(7, 7, 7, 3)] + [(10, 10, 10, 0)] * (len(lines) - 1)
        rows = (
            await client.get(f"/api/v1/plans/{allocations[0]['plan_id']}", headers=headers["coord"])
        ).json()
        got = [(a["status"], a["received"], a["loss_reason"]) for a in rows["allocations"]]
        assert got == [("delivered", 7, "damaged")] + [("delivered", 10, None)] * (len(lines) - 1)
        assert rows["status"] == "completed"
    assert (await stock_row(client, headers["coord"], depot, SHIPPED_ITEMS[0]))["on_hand"] == 970
    assert (await stock_row(client, headers["coord"], depot, SHIPPED_ITEMS[1]))["on_hand"] == 990
    assert counts["small"] == counts["big"], counts
    print("shipment statements:", counts)
