"""Two desks or coordinators at once (SPEC §8), as real concurrent requests through the ASGI app
on PostgreSQL (``live_db``, committed): a dispatch racing a decline, a shipment dispatched five
times, a closure reopened five times, replays of one Idempotency-Key, counterpart lists written
by two coordinators, an incident closed while a closure is recorded. Exactly one wins; nothing
is counted twice or left half-done."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.app_support import make_settings
from tests.plans.plan_helpers import file_request, stock_row
from tests.plans.shipment_helpers import approved_plan, line_of, shipments, stocked
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.principal import Role


@dataclass
class Race:
    client: httpx.AsyncClient
    db: Database
    admin: dict[str, str]
    coord: dict[str, str]
    other_coord: dict[str, str]
    desk: dict[str, str]  # Osaka City, the requester
    nara: dict[str, str]  # the supplier

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.db.transaction() as s:
            return (await s.execute(text(sql), params)).scalar_one()


async def _headers(
    db: Database, name: str, role: Role, member: str | None = None
) -> dict[str, str]:
    async with db.transaction() as s:
        issued = await auth_service.create_token(
            s, name=name, role=role, member_code=member, expires_in_days=1
        )
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
async def race(live_db: Database) -> AsyncIterator[Race]:
    app = create_app(make_settings(live_db.url), database=live_db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://race", timeout=60) as c:
        yield Race(
            c,
            live_db,
            await _headers(live_db, "race-admin", Role.admin),
            await _headers(live_db, "race-coord-1", Role.coordinator),
            await _headers(live_db, "race-coord-2", Role.coordinator),
            await _headers(live_db, "race-desk-27100", Role.desk, "27100"),
            await _headers(live_db, "race-desk-29", Role.desk, "29"),
        )


async def _one_shipment(r: Race, item: str, qty: int) -> tuple[int, dict[str, Any], dict[str, Any]]:
    depot = await stocked(r.client, r.admin, item, 1.0, 1000)
    req = await file_request(r.client, r.desk, "27100", [(item, qty)])
    plan = await approved_plan(r.client, r.coord, [req["id"]])
    (shipment,) = await shipments(r.client, r.coord, plan_id=plan["id"])
    return depot, req, shipment


async def test_a_decline_racing_the_dispatch_leaves_one_consistent_outcome(race: Race) -> None:
    depot, req, shipment = await _one_shipment(race, "race_decline", 100)
    (allocation_id,) = shipment["allocation_ids"]
    sent, declined = await asyncio.gather(
        race.client.post(f"/api/v1/shipments/{shipment['id']}/dispatch", headers=race.nara),
        race.client.post(
            f"/api/v1/allocations/{allocation_id}/decline",
            json={"reason": "a truck short"},
            headers=race.nara,
        ),
    )
    assert sorted([sent.status_code, declined.status_code]) == [200, 409], (
        sent.text,
        declined.text,
    )
    stock = await stock_row(race.client, race.coord, depot, "race_decline")
    line = await line_of(race.client, race.desk, req["id"], "race_decline")
    assert stock["reserved"] == 0
    if sent.status_code == 200:
        assert (stock["on_hand"], line["allocated"], line["dispatched"]) == (900, 100, 100)
    else:
        assert (stock["on_hand"], line["allocated"], line["dispatched"]) == (1000, 0, 0)
    ledger = await race.scalar(
        "SELECT count(*) FROM stock_ledger WHERE depot_id = :d AND item_code = 'race_decline'"
        " AND reason LIKE 'dispatched:%'",
        d=depot,
    )
    assert ledger == (1 if sent.status_code == 200 else 0)


async def test_five_dispatches_of_one_shipment_ship_it_once(race: Race) -> None:
    depot, req, shipment = await _one_shipment(race, "race_ship", 40)
    url = f"/api/v1/shipments/{shipment['id']}/dispatch"
    results = await asyncio.gather(*(race.client.post(url, headers=race.nara) for _ in range(5)))
    assert sorted(r.status_code for r in results) == [200] + [409] * 4, [r.text for r in results]
    assert (await stock_row(race.client, race.coord, depot, "race_ship"))["on_hand"] == 960
    assert (await line_of(race.client, race.desk, req["id"], "race_ship"))["dispatched"] == 40
    events = await race.scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'shipment.dispatch' AND entity_id = :s",
        s=str(shipment["id"]),
    )
    assert events == 1


async def _closures_url(r: Race) -> str:
    page = await r.client.get("/api/v1/incidents", params={"status": "active"}, headers=r.coord)
    return f"/api/v1/incidents/{page.json()['items'][0]['id']}/closures"


async def test_a_closure_reopened_five_times_at_once_is_reopened_once(race: Race) -> None:
    url = await _closures_url(race)
    made = await race.client.post(
        url, json={"kind": "crossing", "crossing": "onaruto"}, headers=race.coord
    )
    closure = made.json()["id"]
    heads = [race.coord, race.other_coord] * 3
    results = await asyncio.gather(
        *(race.client.delete(f"{url}/{closure}", headers=h) for h in heads[:5])
    )
    assert sorted(r.status_code for r in results) == [200] + [409] * 4, [r.text for r in results]
    reopened = await race.scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'closure.reopen' AND entity_id = :c",
        c=str(closure),
    )
    assert reopened == 1


async def test_replays_of_one_key_record_one_closure(race: Race) -> None:
    url = await _closures_url(race)
    headers = race.coord | {"Idempotency-Key": "race-close-akashi"}
    body = {"kind": "crossing", "crossing": "akashi-kaikyo"}
    results = await asyncio.gather(
        *(race.client.post(url, json=body, headers=headers) for _ in range(6))
    )
    codes = [r.status_code for r in results]
    assert set(codes) <= {201, 409} and 201 in codes, [r.text for r in results]
    assert len({r.json()["id"] for r in results if r.status_code == 201}) == 1
    assert await race.scalar("SELECT count(*) FROM closures") == 1


async def test_two_coordinators_setting_counterparts_leave_one_whole_list(race: Race) -> None:
    page = await race.client.get(
        "/api/v1/incidents", params={"status": "active"}, headers=race.coord
    )
    url = f"/api/v1/incidents/{page.json()['items'][0]['id']}/counterparts"
    first = [{"supporter_code": s, "recipient_code": "28"} for s in ("27", "26", "29")]
    second = [{"supporter_code": s, "recipient_code": "30"} for s in ("25", "31")]
    results = await asyncio.gather(
        race.client.put(url, json=first, headers=race.coord),
        race.client.put(url, json=second, headers=race.other_coord),
    )
    assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    final = (await race.client.get(url, headers=race.coord)).json()
    pairs = sorted((p["supporter_code"], p["recipient_code"]) for p in final)
    wanted = [
        sorted((p["supporter_code"], p["recipient_code"]) for p in x) for x in (first, second)
    ]
    assert pairs in wanted  # one coordinator's list, never a mix of both
    events = await race.scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'incident.counterparts'"
    )
    assert events == 2


async def test_an_incident_closed_while_a_closure_is_recorded_takes_none_after(race: Race) -> None:
    drill = await race.client.post(
        "/api/v1/incidents", json={"name": "Race drill", "kind": "drill"}, headers=race.coord
    )
    incident = drill.json()["id"]
    url = f"/api/v1/incidents/{incident}/closures"
    calls = [
        race.client.post(url, json={"kind": "crossing", "crossing": "onaruto"}, headers=race.coord)
        for _ in range(4)
    ]
    calls.insert(
        2,
        race.client.patch(
            f"/api/v1/incidents/{incident}", json={"status": "closed"}, headers=race.other_coord
        ),
    )
    results = await asyncio.gather(*calls)
    assert results[2].status_code == 200, results[2].text
    adds = results[:2] + results[3:]
    assert {r.status_code for r in adds} <= {201, 409}, [r.text for r in adds]
    late = await race.scalar(
        "SELECT count(*) FROM closures c JOIN incidents i ON i.id = c.incident_id"
        " WHERE i.id = :i AND c.created_at > i.closed_at",
        i=incident,
    )
    assert late == 0
    created = await race.scalar("SELECT count(*) FROM closures WHERE incident_id = :i", i=incident)
    assert created == sum(r.status_code == 201 for r in adds)


async def _backend_waiting_on_a_lock(r: Race, timeout_s: float = 30) -> int:
    for _ in range(int(timeout_s * 10)):
        pid = await r.scalar(
            "SELECT coalesce(max(pid), 0) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        if pid:
            return int(pid)
        await asyncio.sleep(0.1)
    raise AssertionError("the delivery never waited on the held lock")


async def test_a_connection_lost_mid_delivery_counts_nothing_and_a_retry_counts_once(
    race: Race,
) -> None:
    """The delivery's transaction holds locks when its connection is killed (the database
    "going away" under one request): 503 problem, nothing counted; the retry counts once."""
    _, req, shipment = await _one_shipment(race, "race_lost_conn", 30)
    url = f"/api/v1/shipments/{shipment['id']}"
    assert (await race.client.post(url + "/dispatch", headers=race.nara)).status_code == 200
    count = {
        "received": [
            {"allocation_id": shipment["allocation_ids"][0], "received": 28, "reason": "damaged"}
        ]
    }
    async with race.db.engine.connect() as blocker:
        await blocker.execute(
            text("SELECT id FROM dispatch_plans WHERE id = :p FOR UPDATE"),
            {"p": shipment["plan_id"]},
        )
        pending = asyncio.create_task(
            race.client.post(url + "/deliver", headers=race.desk, json=count)
        )
        victim = await _backend_waiting_on_a_lock(race)
        assert await race.scalar("SELECT pg_terminate_backend(:p)", p=victim)
        await blocker.rollback()
    lost = await pending
    assert lost.status_code == 503, lost.text
    assert lost.headers["content-type"].startswith("application/problem+json")
    line = await line_of(race.client, race.desk, req["id"], "race_lost_conn")
    assert (line["delivered"], line["lost"]) == (0, 0)
    assert (await race.client.get(url, headers=race.coord)).json()["status"] == "dispatched"
    again = await race.client.post(url + "/deliver", headers=race.desk, json=count)
    assert again.status_code == 200, again.text
    line = await line_of(race.client, race.desk, req["id"], "race_lost_conn")
    assert (line["delivered"], line["lost"], line["allocated"]) == (28, 2, 28)
    losses = await race.scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'shipment.deliver' AND entity_id = :s",
        s=str(shipment["id"]),
    )
    assert losses == 1
