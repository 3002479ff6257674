"""Plans that know the trucks (issue 13): a supplier's trucks out or queued at plan time are a
wait in the ETA, frozen into the plan's inputs; the plan's own shipments are projected onto the
pools, and the late flags and the summary are the projected ones."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.plans.plan_helpers import file_request
from tests.plans.shipment_helpers import approved_plan, shipments, stocked
from ukg_aid import matching
from ukg_aid.principal import Role

pytestmark = [pytest.mark.sqlite, pytest.mark.simulated_clock]

T0 = datetime.fromisoformat("2030-01-17T06:00:00+09:00")


def _at(minutes: float = 0) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


async def _plan(
    client: httpx.AsyncClient, coord: dict[str, str], request_ids: list[int], at: str
) -> dict[str, Any]:
    resp = await client.post(
        "/api/v1/plans", json={"request_ids": request_ids, "at": at}, headers=coord
    )
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


async def _inputs(client: httpx.AsyncClient, coord: dict[str, str], plan_id: int) -> Any:
    return (await client.get(f"/api/v1/plans/{plan_id}/inputs", headers=coord)).json()["inputs"]


async def test_trucks_out_at_plan_time_are_a_wait_in_the_eta_and_in_the_inputs(
    client: httpx.AsyncClient, tokens
) -> None:
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    desk, nara = await tokens.headers(Role.desk, "27100"), await tokens.headers(Role.desk, "29")
    await stocked(client, admin, "tw_heavy", 1000.0, 100)
    big = await file_request(client, desk, "27100", [("tw_heavy", 36)])
    first = await approved_plan(client, coord, [big["id"]], at=_at())
    (a,) = first["allocations"]
    assert a["truck_wait_minutes"] == 0 and "truck wait" not in a["reason"]
    (s,) = await shipments(client, coord, plan_id=first["id"])
    out = await client.post(
        f"/api/v1/shipments/{s['id']}/dispatch", headers=nara, json={"at": _at()}
    )
    assert out.json()["status"] == "dispatched", out.text  # Nara's whole 36 t pool is out
    back = datetime.fromisoformat(max(w["expected_at"] for w in out.json()["waves"]))

    small = await file_request(client, desk, "27100", [("tw_heavy", 2)], priority="critical")
    plan = await _plan(client, coord, [small["id"]], _at(10))
    (b,) = plan["allocations"]
    wait = b["truck_wait_minutes"]
    assert wait > (back - T0).total_seconds() / 60 - 10, "it waits until a truck is back"
    assert b["eta_minutes"] == pytest.approx(wait + 30 + b["distance_km"] / 40 * 60, abs=0.2)
    assert f"; truck wait {math.floor(wait + 0.5)} min in the ETA" in b["reason"]
    # The inputs hold the wait for the first truck back; the projected ETA also holds the
    # break its driver owes before a second trip (4 h of driving, 改善基準告示).
    inputs = await _inputs(client, coord, plan["id"])
    frozen = inputs["truck_waits"]["29"][0]
    assert (back - T0).total_seconds() / 60 - 10 < frozen <= wait
    problem = matching.Problem.from_dict(inputs)
    assert problem.truck_waits.wait("29", matching.Priority.CRITICAL) == frozen
    assert matching.validate(problem, matching.solve(problem)) == []


async def test_the_plans_own_load_on_one_pool_is_projected_and_counted_late(
    client: httpx.AsyncClient, tokens
) -> None:
    """50 t on Nara's 36 t pool: the last 14 t leave when trucks are back, after the deadline;
    the plan says so (projected), though loading + drive alone is on time."""
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    desk = await tokens.headers(Role.desk, "27100")
    await stocked(client, admin, "tw_load", 1000.0, 100)
    body = {
        "member_code": "27100",
        "priority": "high",
        "needed_by": _at(180),
        "delivery": {"name": "Osaka City Hall", "lat": 34.6937, "lon": 135.5022},
        "lines": [{"item_code": "tw_load", "quantity": 50}],
        "at": _at(),
    }
    req = (await client.post("/api/v1/aid-requests", json=body, headers=desk)).json()
    plan = await _plan(client, coord, [req["id"]], _at())
    (a,) = plan["allocations"]
    plain_eta = 30 + a["distance_km"] / 40 * 60
    assert plain_eta < 180 < a["eta_minutes"], "on time by the drive alone, late on the trucks"
    assert a["late"] is True and a["truck_wait_minutes"] > 0
    assert "truck wait" in a["reason"] and "late: ETA" in a["reason"]
    assert plan["solver"]["objective"]["late_units"] == 50
    (summary,) = [
        p
        for p in (await client.get("/api/v1/plans", headers=coord)).json()["items"]
        if p["id"] == plan["id"]
    ]
    assert (summary["late_units"], summary["late_allocations"]) == (50, 1)
    inputs = await _inputs(client, coord, plan["id"])
    assert inputs["truck_plan"]["projected_late_units_by_round"][0] == 50


async def test_an_allocation_dispatched_after_its_wait_is_expected_after_the_drive_alone(
    client: httpx.AsyncClient, tokens
) -> None:
    """The plan's ETA counts from the plan's time, the truck wait inside it; a truck that loads
    now has waited already, so the dispatch expects it after loading and the drive only."""
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    desk, nara = await tokens.headers(Role.desk, "27100"), await tokens.headers(Role.desk, "29")
    await stocked(client, admin, "tw_later", 1000.0, 100)
    big = await file_request(client, desk, "27100", [("tw_later", 36)])
    first = await approved_plan(client, coord, [big["id"]], at=_at())
    (s,) = await shipments(client, coord, plan_id=first["id"])
    out = await client.post(
        f"/api/v1/shipments/{s['id']}/dispatch", headers=nara, json={"at": _at()}
    )
    assert out.json()["status"] == "dispatched", out.text
    small = await file_request(client, desk, "27100", [("tw_later", 2)], priority="critical")
    plan = await approved_plan(client, coord, [small["id"]], at=_at(10))
    (b,) = plan["allocations"]
    assert b["truck_wait_minutes"] > 60
    when = T0 + timedelta(minutes=10 + b["truck_wait_minutes"])
    resp = await client.post(
        f"/api/v1/allocations/{b['id']}/dispatch", headers=nara, json={"at": when.isoformat()}
    )
    assert resp.status_code == 200, resp.text
    expected = datetime.fromisoformat(resp.json()["expected_at"])
    drive = b["eta_minutes"] - b["truck_wait_minutes"]
    assert (expected - when).total_seconds() / 60 == pytest.approx(drive, abs=0.2)


async def test_a_plan_created_with_a_key_replays_the_answer_it_sent(
    client: httpx.AsyncClient, tokens
) -> None:
    """The stored first answer is the JSON bytes sent (decoded off the event loop)."""
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    desk = await tokens.headers(Role.desk, "27100")
    await stocked(client, admin, "tw_replay", 10.0, 100)
    req = await file_request(client, desk, "27100", [("tw_replay", 5)])
    keyed = coord | {"Idempotency-Key": "plan-replay-1"}
    body = {"request_ids": [req["id"]], "at": _at()}
    before = (await client.get("/api/v1/plans", headers=coord)).json()["total"]
    first = await client.post("/api/v1/plans", json=body, headers=keyed)
    assert first.status_code == 201, first.text
    again = await client.post("/api/v1/plans", json=body, headers=keyed)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    assert (await client.get("/api/v1/plans", headers=coord)).json()["total"] == before + 1
