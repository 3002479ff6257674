"""Two coordinators (two worker processes) approving overlapping plans at once.

SPEC §3: of twenty overlapping plans for 10 units each from a depot holding 100, exactly ten
approve; the depot is never oversubscribed and no line gets more than it asked for.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.app_support import make_settings, served
from tests.plans.plan_helpers import create_item, file_request, first_depot, put_stock, stock_row
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.principal import Role


@pytest.fixture
def two_workers(live_db: Database) -> Iterator[str]:
    """``ukg-aid serve --workers 2`` on the live database; yields its base URL."""
    with served(live_db.url, workers=2) as url:
        yield url


async def _token(db: Database, role: Role, member: str | None = None) -> dict[str, str]:
    async with db.transaction() as s:
        issued = await auth_service.create_token(
            s,
            name=f"{role.value}-{member}-{time.monotonic_ns()}",
            role=role,
            member_code=member,
            expires_in_days=1,
        )
    return {"Authorization": f"Bearer {issued.secret}"}


async def test_twenty_overlapping_plans_exactly_ten_approve(
    live_db: Database, two_workers: str
) -> None:
    admin = await _token(live_db, Role.admin)
    coordinators = [await _token(live_db, Role.coordinator) for _ in range(2)]
    desk = await _token(live_db, Role.desk, "27100")
    async with httpx.AsyncClient(base_url=two_workers, timeout=60) as client:
        await create_item(client, admin, "conc_kit")
        depot = await first_depot(client, admin, "29")
        await put_stock(client, admin, depot, "conc_kit", 100)
        plan_ids = []
        for _ in range(20):
            req = await file_request(client, desk, "27100", [("conc_kit", 10)])
            resp = await client.post(
                "/api/v1/plans", headers=coordinators[0], json={"request_ids": [req["id"]]}
            )
            plan = resp.json()
            assert [a["quantity"] for a in plan["allocations"]] == [10]
            plan_ids.append(plan["id"])

        results = await asyncio.gather(
            *(
                client.post(f"/api/v1/plans/{pid}/approve", headers=coordinators[i % 2])
                for i, pid in enumerate(plan_ids)
            )
        )
        codes = sorted(r.status_code for r in results)
        assert codes == [200] * 10 + [409] * 10, codes
        assert all(r.json()["code"] == "stale-allocations" for r in results if r.status_code == 409)

        row = await stock_row(client, admin, depot, "conc_kit")
        assert (row["on_hand"], row["reserved"], row["available"]) == (100, 100, 0)
        requests = (
            await client.get(
                "/api/v1/aid-requests", headers=admin, params={"member": "27100", "limit": 100}
            )
        ).json()
        lines = [ln for r in requests["items"] for ln in r["lines"]]
        assert sum(ln["allocated"] for ln in lines) == 100
        assert all(ln["allocated"] <= ln["quantity"] for ln in lines)


@pytest.fixture
async def live_client(live_db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process app on the committed database: concurrent requests really interleave."""
    app = create_app(make_settings(live_db.url), database=live_db)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://live"
    ) as client:
        yield client


async def _two_allocation_plan(
    client: httpx.AsyncClient, live_db: Database, item: str
) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    admin = await _token(live_db, Role.admin)
    coord = await _token(live_db, Role.coordinator)
    desk = await _token(live_db, Role.desk, "27100")
    depot = await first_depot(client, admin, "29")
    await create_item(client, admin, item)
    await put_stock(client, admin, depot, item, 100)
    ids = [(await file_request(client, desk, "27100", [(item, 10)]))["id"] for _ in range(2)]
    plan = (await client.post("/api/v1/plans", json={"request_ids": ids}, headers=coord)).json()
    assert len(plan["allocations"]) == 2
    approved = await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
    assert approved.status_code == 200
    supplier = await _token(live_db, Role.desk, plan["allocations"][0]["supplier_code"])
    return plan, {
        "admin": admin,
        "coord": coord,
        "desk": desk,
        "supplier": supplier,
        "depot": {"id": str(depot)},
    }


async def test_two_last_deliveries_at_once_complete_the_plan(
    live_db: Database, live_client: httpx.AsyncClient
) -> None:
    for round_ in range(4):
        plan, who = await _two_allocation_plan(live_client, live_db, f"kit_deliver_{round_}")
        for a in plan["allocations"]:
            sent = await live_client.post(
                f"/api/v1/allocations/{a['id']}/dispatch", headers=who["supplier"]
            )
            assert sent.status_code == 200
        results = await asyncio.gather(
            *(
                live_client.post(f"/api/v1/allocations/{a['id']}/deliver", headers=who["desk"])
                for a in plan["allocations"]
            )
        )
        assert [r.status_code for r in results] == [200, 200]
        final = await live_client.get(f"/api/v1/plans/{plan['id']}", headers=who["coord"])
        assert final.json()["status"] == "completed", round_


async def test_a_delivery_racing_a_cancellation_never_deadlocks(
    live_db: Database, live_client: httpx.AsyncClient
) -> None:
    for round_ in range(4):
        item = f"kit_race_{round_}"
        plan, who = await _two_allocation_plan(live_client, live_db, item)
        shipped, waiting = plan["allocations"]
        sent = await live_client.post(
            f"/api/v1/allocations/{shipped['id']}/dispatch", headers=who["supplier"]
        )
        assert sent.status_code == 200
        deliver, cancel = await asyncio.gather(
            live_client.post(f"/api/v1/allocations/{shipped['id']}/deliver", headers=who["desk"]),
            live_client.post(f"/api/v1/plans/{plan['id']}/cancel", headers=who["coord"]),
        )
        assert (deliver.status_code, cancel.status_code) == (200, 200), (deliver.text, cancel.text)
        final = (await live_client.get(f"/api/v1/plans/{plan['id']}", headers=who["coord"])).json()
        assert final["status"] == "cancelled"
        statuses = {a["id"]: a["status"] for a in final["allocations"]}
        assert statuses == {shipped["id"]: "delivered", waiting["id"]: "cancelled"}
        row = await stock_row(live_client, who["admin"], int(who["depot"]["id"]), item)
        assert (row["on_hand"], row["reserved"]) == (90, 0)


async def _plan_and_approve_rush(
    client: httpx.AsyncClient, admin: dict[str, str], coordinators: list[dict[str, str]],
    desk: dict[str, str], kits: tuple[str, str],
) -> None:  # fmt: skip
    """24 coordinators plan 6 overlapping requests each and approve, all at once; then one
    mop-up plan. Every line ends fully allocated exactly once."""
    depots = [await first_depot(client, admin, member) for member in ("29", "25", "30")]
    for kit in kits:
        await create_item(client, admin, kit)
        for depot in depots:
            await put_stock(client, admin, depot, kit, 200)  # 600 for the 400 asked
    lines = [(kit, 10) for kit in kits]
    ids = [(await file_request(client, desk, "27100", lines))["id"] for _ in range(40)]

    async def plan_and_approve(i: int) -> tuple[str, int, str | None]:
        window = ids[i : i + 6]
        body = {"request_ids": window if i % 2 else window[::-1]}
        made = await client.post("/api/v1/plans", json=body, headers=coordinators[i % 4])
        if made.status_code != 201:
            return "create", made.status_code, made.json().get("code")
        done = await client.post(
            f"/api/v1/plans/{made.json()['id']}/approve", headers=coordinators[(i + 1) % 4]
        )
        return "approve", done.status_code, done.json().get("code")

    outcomes = await asyncio.gather(*(plan_and_approve(i) for i in range(24)))
    print(f"planning rush {kits}: {sorted(Counter(outcomes).items())}")  # docs/reliability.md
    assert not [o for o in outcomes if o[2] == "retry"], outcomes
    assert set(outcomes) <= {("approve", 200, None), ("approve", 409, "stale-allocations")}

    final = await client.post("/api/v1/plans", json={"request_ids": ids}, headers=admin)
    approved = await client.post(f"/api/v1/plans/{final.json()['id']}/approve", headers=admin)
    assert approved.status_code == 200, approved.text
    for req_id in ids:
        req = (await client.get(f"/api/v1/aid-requests/{req_id}", headers=admin)).json()
        assert [ln["allocated"] for ln in req["lines"]] == [10, 10], req
    for kit in kits:
        reserved = [(await stock_row(client, admin, d, kit))["reserved"] for d in depots]
        assert sum(reserved) == 400  # 40 requests x 10 units, each promised exactly once


async def test_coordinators_planning_and_approving_at_once_never_see_retry(
    live_db: Database, two_workers: str
) -> None:
    """Issue 8: plan creation's foreign-key locks deadlocked approvals (409 ``retry``). Now
    no transaction deadlocks at all: the service did not even need to re-run one."""
    admin = await _token(live_db, Role.admin)
    coordinators = [await _token(live_db, Role.coordinator) for _ in range(4)]
    desk = await _token(live_db, Role.desk, "27100")
    async with httpx.AsyncClient(base_url=two_workers, timeout=120) as client:
        for round_ in range(2):
            kits = (f"rush_a_{round_}", f"rush_b_{round_}")
            await _plan_and_approve_rush(client, admin, coordinators, desk, kits)
        metrics = (await client.get("/metrics", headers=admin)).text
    reruns = [
        line for line in metrics.splitlines() if line.startswith("ukg_aid_db_transaction_retries")
    ]
    assert all(line.endswith(" 0.0") for line in reruns), reruns
