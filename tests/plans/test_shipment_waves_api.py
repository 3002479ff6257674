"""Per-wave deliveries (issue 13): each truck trip of a shipment is a wave that the receiving
desk counts when it unloads; the line counts what arrived, wave by wave."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.plans.plan_helpers import file_request
from tests.plans.shipment_helpers import approved_plan, line_of, shipments, stocked
from ukg_aid.principal import Role

pytestmark = pytest.mark.sqlite

T0 = "2030-01-17T06:00:00+09:00"


async def _dispatched(
    client: httpx.AsyncClient, tokens: Any, lines: list[tuple[str, int]]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str], dict[str, str]]:
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    desk, nara = await tokens.headers(Role.desk, "27100"), await tokens.headers(Role.desk, "29")
    for code, _ in lines:
        await stocked(client, admin, code, 1000.0, 100)
    req = await file_request(client, desk, "27100", lines)
    plan = await approved_plan(client, coord, [req["id"]], at=T0)
    (shipment,) = await shipments(client, coord, plan_id=plan["id"])
    assert shipment["waves_total"] == 0 and shipment["waves"] == []
    url = f"/api/v1/shipments/{shipment['id']}/dispatch"
    out = await client.post(url, headers=nara, json={"at": T0})
    assert out.status_code == 200 and out.json()["status"] == "dispatched", out.text
    req["allocations"] = {a["item_code"]: a["id"] for a in plan["allocations"]}
    return out.json(), req, desk, coord


@pytest.mark.simulated_clock
async def test_each_wave_is_counted_as_it_unloads(client: httpx.AsyncClient, tokens) -> None:
    """12 t (8 + 4 units of 1 t) leave on a 10 t and a 4 t truck: wave 1 carries the first 10
    units in allocation order (8 of A, 2 of B), wave 2 the last 2 of B."""
    shipment, req, desk, coord = await _dispatched(client, tokens, [("wave_a", 8), ("wave_b", 4)])
    a, b = req["allocations"]["wave_a"], req["allocations"]["wave_b"]
    assert shipment["waves_total"] == 2 and shipment["waves_delivered"] == 0
    one, two = shipment["waves"]
    assert (one["class_code"], two["class_code"]) == ("10t", "4t")
    assert [(p["allocation_id"], p["quantity"]) for p in one["parts"]] == [(a, 8), (b, 2)]
    assert [(p["allocation_id"], p["quantity"]) for p in two["parts"]] == [(b, 2)]
    assert shipment["expected_at"] == max(one["expected_at"], two["expected_at"])
    url = f"/api/v1/shipments/{shipment['id']}/deliver"
    at = two["expected_at"]
    too_many = {"wave": 2, "received": [{"allocation_id": b, "received": 3}], "at": at}
    refused = await client.post(url, headers=desk, json=too_many)
    assert refused.status_code == 422 and refused.json()["code"] == "bad-count", refused.text
    stray = {"wave": 2, "received": [{"allocation_id": a, "received": 1}], "at": at}
    assert (await client.post(url, headers=desk, json=stray)).status_code == 422
    short = {"wave": 2, "received": [{"allocation_id": b, "received": 1, "reason": "damaged"}]}
    got = await client.post(url, headers=desk, json=short | {"at": at})
    assert got.status_code == 200, got.text
    assert (got.json()["status"], got.json()["waves_delivered"]) == ("dispatched", 1)
    line_b = await line_of(client, desk, req["id"], "wave_b")
    assert (line_b["delivered"], line_b["lost"], line_b["dispatched"]) == (1, 1, 3)
    assert (await line_of(client, desk, req["id"], "wave_a"))["delivered"] == 0
    again = await client.post(url, headers=desk, json={"wave": 2, "at": at})
    assert again.status_code == 409 and again.json()["code"] == "wave-delivered"
    unknown = await client.post(url, headers=desk, json={"wave": 5, "at": at})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown-wave"
    done = await client.post(url, headers=desk, json={"wave": 1, "at": at})
    assert done.status_code == 200 and done.json()["status"] == "delivered", done.text
    assert done.json()["delivered_at"] is not None and done.json()["waves_delivered"] == 2
    await _after_both(client, coord, desk, req["id"], shipment["plan_id"], b)


async def _after_both(
    client: httpx.AsyncClient,
    coord: dict[str, str],
    desk: dict[str, str],
    request_id: int,
    plan_id: int,
    b: int,
) -> None:
    line_b = await line_of(client, desk, request_id, "wave_b")
    assert (line_b["delivered"], line_b["lost"]) == (3, 1)
    plan = (await client.get(f"/api/v1/plans/{plan_id}", headers=coord)).json()
    row = next(x for x in plan["allocations"] if x["id"] == b)
    assert (row["status"], row["received"], row["loss_reason"]) == ("delivered", 3, "damaged")
    assert plan["status"] == "completed"
    events = await client.get(
        "/api/v1/audit-events", params={"action": "shipment.deliver"}, headers=coord
    )
    assert sorted(e["after"]["waves"] for e in events.json()["items"]) == [[1], [2]]


@pytest.mark.simulated_clock
async def test_a_shipment_heavier_than_the_pool_delivers_its_first_waves_early(
    client: httpx.AsyncClient, tokens
) -> None:
    """40 t on Nara's 36 t pool: six trucks now, the last 4 t when the first is back. The six
    first waves are counted while the seventh is still on the road; an allocation-level
    confirmation then counts only what is left of it."""
    shipment, req, desk, coord = await _dispatched(client, tokens, [("wave_c", 40)])
    waves = shipment["waves"]
    assert shipment["waves_total"] == 7 and sum(w["parts"][0]["quantity"] for w in waves) == 40
    last = max(w["expected_at"] for w in waves)
    early = [w for w in waves if w["expected_at"] < last]
    assert len(early) == 6
    url = f"/api/v1/shipments/{shipment['id']}/deliver"
    for w in early:
        resp = await client.post(
            url, headers=desk, json={"wave": w["wave"], "at": w["expected_at"]}
        )
        assert resp.status_code == 200, resp.text
    line = await line_of(client, desk, req["id"], "wave_c")
    assert (line["delivered"], line["dispatched"]) == (36, 40)
    (allocation_id,) = shipment["allocation_ids"]
    one = f"/api/v1/allocations/{allocation_id}/deliver"
    over = await client.post(one, headers=desk, json={"received": 5, "at": last})
    assert over.status_code == 422  # only 4 are still on the road
    resp = await client.post(one, headers=desk, json={"received": 4, "at": last})
    assert resp.status_code == 200 and resp.json()["received"] == 40, resp.text
    after = (await client.get(f"/api/v1/shipments/{shipment['id']}", headers=coord)).json()
    assert after["status"] == "delivered" and after["waves_delivered"] == 7
