"""Shipments (SPEC §11, §14): grouping per depot → delivery point, weights and trucks, one
dispatch and one counted delivery for the whole shipment, the truck queue."""

from __future__ import annotations

import httpx
import pytest

from tests.plans.plan_helpers import KOBE_CITY_HALL, OSAKA_CITY_HALL, file_request, stock_row
from tests.plans.shipment_helpers import approved_plan, line_of, shipments, stocked
from ukg_aid.principal import Role

pytestmark = pytest.mark.sqlite


async def test_allocations_group_per_depot_and_point_with_weight_and_trucks(
    client: httpx.AsyncClient, tokens
) -> None:
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    desk = await tokens.headers(Role.desk, "27100")
    await stocked(client, admin, "ship_a", 2.5, 10_000)
    await stocked(client, admin, "ship_b", 0.15, 10_000)
    one = await file_request(client, desk, "27100", [("ship_a", 1000), ("ship_b", 3)])
    two = await file_request(client, desk, "27100", [("ship_a", 600)])  # same hall
    far = await file_request(
        client, desk, "27100", [("ship_b", 7)], delivery=KOBE_CITY_HALL | {"name": "Kobe stop"}
    )
    plan = await approved_plan(client, coord, [one["id"], two["id"], far["id"]])
    found = await shipments(client, coord, plan_id=plan["id"])
    assert len(found) == 2
    hall = next(s for s in found if s["delivery"]["lat"] == OSAKA_CITY_HALL["lat"])
    assert len(hall["allocation_ids"]) == 3 and hall["status"] == "planned"
    assert hall["weight_kg"] == pytest.approx(1600 * 2.5 + 3 * 0.15)  # 4,000.45 kg
    assert hall["trucks"] == {"4t": 0, "10t": 1}  # just over one 4 t truck's payload
    kobe = next(s for s in found if s is not hall)
    assert kobe["weight_kg"] == pytest.approx(1.05) and kobe["trucks"] == {"4t": 1, "10t": 0}
    rows = {a["id"]: a for a in plan["allocations"]}
    assert {rows[i]["shipment_id"] for i in hall["allocation_ids"]} == {hall["id"]}
    assert await shipments(client, coord, supplier="29", requester="27100", status="planned")


async def test_one_dispatch_and_a_counted_delivery_reopen_exactly_the_shortfall(
    client: httpx.AsyncClient, tokens
) -> None:
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    desk, nara = await tokens.headers(Role.desk, "27100"), await tokens.headers(Role.desk, "29")
    depot = await stocked(client, admin, "ship_c", 1.0, 500)
    await stocked(client, admin, "ship_d", 1.0, 500)
    req = await file_request(client, desk, "27100", [("ship_c", 100), ("ship_d", 50)])
    plan = await approved_plan(client, coord, [req["id"]])
    (shipment,) = await shipments(client, coord, plan_id=plan["id"])
    url = f"/api/v1/shipments/{shipment['id']}"
    assert (await client.post(url + "/dispatch", headers=desk)).status_code == 403
    sent = await client.post(url + "/dispatch", headers=nara, json={"note": "2 trucks"})
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "dispatched" and sent.json()["expected_at"]
    assert (await stock_row(client, coord, depot, "ship_c"))["on_hand"] == 400
    by_item = {a["item_code"]: a["id"] for a in plan["allocations"]}
    bad = {"received": [{"allocation_id": by_item["ship_c"], "received": 90}]}
    refused = await client.post(url + "/deliver", headers=desk, json=bad)
    assert refused.status_code == 422 and refused.json()["code"] == "bad-count"
    counts = {
        "received": [
            {"allocation_id": by_item["ship_c"], "received": 90, "reason": "damaged"},
            {"allocation_id": by_item["ship_d"], "received": 50},
        ]
    }
    got = await client.post(url + "/deliver", headers=desk, json=counts)
    assert got.status_code == 200 and got.json()["status"] == "delivered", got.text
    line = await line_of(client, desk, req["id"], "ship_c")
    assert (line["allocated"], line["dispatched"], line["delivered"], line["lost"]) == (
        90,
        90,
        90,
        10,
    )
    assert (await line_of(client, desk, req["id"], "ship_d"))["lost"] == 0
    again = await client.post(url + "/deliver", headers=desk, json=counts)
    assert again.status_code == 409  # nothing counted twice
    await _after_the_short_count(client, coord, desk, plan["id"], req["id"])


async def _after_the_short_count(
    client: httpx.AsyncClient,
    coord: dict[str, str],
    desk: dict[str, str],
    plan_id: int,
    request_id: int,
) -> None:
    rows = (await client.get(f"/api/v1/plans/{plan_id}", headers=coord)).json()
    damaged = next(a for a in rows["allocations"] if a["item_code"] == "ship_c")
    assert (damaged["received"], damaged["loss_reason"]) == (90, "damaged")
    assert rows["status"] == "completed"
    assert (await client.get(f"/api/v1/aid-requests/{request_id}", headers=desk)).json()[
        "status"
    ] == "partially_fulfilled"
    events = await client.get(
        "/api/v1/audit-events", params={"action": "delivery.loss"}, headers=coord
    )
    (loss,) = events.json()["items"]
    assert loss["after"]["lost_units"] == 10
    # The next plan sources the shortfall again, and only it.
    replan = await client.post("/api/v1/plans", json={"reopened": True}, headers=coord)
    allocated = [(a["item_code"], a["quantity"]) for a in replan.json()["allocations"]]
    assert allocated == [("ship_c", 10)]


@pytest.mark.simulated_clock
async def test_a_shipment_with_no_truck_free_waits_in_the_queue(
    client: httpx.AsyncClient, tokens
) -> None:
    """Nara's assumed pool: 4 × 4 t + 2 × 10 t = 36 t. A 36 t shipment takes every truck;
    the next one queues until the first trucks are back, then leaves."""
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    desk, nara = await tokens.headers(Role.desk, "27100"), await tokens.headers(Role.desk, "29")
    await stocked(client, admin, "ship_heavy", 1000.0, 100)
    t0 = "2030-01-17T06:00:00+09:00"
    big = await file_request(client, desk, "27100", [("ship_heavy", 36)])
    small = await file_request(client, desk, "27100", [("ship_heavy", 1)], delivery=KOBE_CITY_HALL)
    plan = await approved_plan(client, coord, [big["id"], small["id"]], at=t0)
    both = await shipments(client, coord, plan_id=plan["id"])
    first = next(s for s in both if s["weight_kg"] == 36_000)
    second = next(s for s in both if s is not first)
    out = await client.post(
        f"/api/v1/shipments/{first['id']}/dispatch", headers=nara, json={"at": t0}
    )
    assert out.json()["status"] == "dispatched", out.text
    trucks = (await client.get("/api/v1/trucks", params={"member": "29"}, headers=coord)).json()
    assert len(trucks) == 6 and all(t["shipment_id"] == first["id"] for t in trucks)
    wait = await client.post(
        f"/api/v1/shipments/{second['id']}/dispatch", headers=nara, json={"at": t0}
    )
    queued = wait.json()
    assert queued["status"] == "queued" and queued["queue_position"] == 1, queued
    back = min(t["free_at"] for t in trucks)
    assert queued["departure_at"] == back
    early = await client.post(
        f"/api/v1/shipments/{second['id']}/dispatch", headers=nara, json={"at": t0}
    )
    assert early.json()["status"] == "queued"
    later = await client.post(
        f"/api/v1/shipments/{second['id']}/dispatch", headers=nara, json={"at": back}
    )
    assert later.json()["status"] == "dispatched", later.text
    events = await client.get(
        "/api/v1/audit-events", params={"action": "shipment.dispatch"}, headers=coord
    )
    waits = [e["after"]["queue_wait_min"] for e in events.json()["items"]]
    assert sorted(waits)[0] == 0 and sorted(waits)[-1] > 0
