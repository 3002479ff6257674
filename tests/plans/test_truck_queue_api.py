"""Queued shipments leave by themselves when trucks are back (issue 13): in queue order, at
the trucks' return, as the system, audited; after shipment actions and on request."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.plans.plan_helpers import KOBE_CITY_HALL, file_request
from tests.plans.shipment_helpers import approved_plan, shipments, stocked
from ukg_aid.principal import Role

pytestmark = [pytest.mark.sqlite, pytest.mark.simulated_clock]

T0 = "2030-01-17T06:00:00+09:00"


async def _full_pool_and_a_queue(
    client: httpx.AsyncClient, tokens: Any
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]:
    """Nara's 36 t pool all out on one shipment; two more (critical, then normal) queue."""
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    desk, nara = await tokens.headers(Role.desk, "27100"), await tokens.headers(Role.desk, "29")
    await stocked(client, admin, "queue_heavy", 1000.0, 100)
    big = await file_request(client, desk, "27100", [("queue_heavy", 36)])
    normal = await file_request(
        client, desk, "27100", [("queue_heavy", 2)], delivery=KOBE_CITY_HALL
    )
    urgent = await file_request(
        client,
        desk,
        "27100",
        [("queue_heavy", 1)],
        delivery={"name": "Sakai", "lat": 34.5733, "lon": 135.4830},
        priority="critical",
    )
    plan = await approved_plan(client, coord, [big["id"], normal["id"], urgent["id"]], at=T0)
    found = {s["weight_kg"]: s for s in await shipments(client, coord, plan_id=plan["id"])}
    first = found[36_000]
    out = await client.post(
        f"/api/v1/shipments/{first['id']}/dispatch", headers=nara, json={"at": T0}
    )
    assert out.json()["status"] == "dispatched", out.text
    queued = []
    for s in (found[2000], found[1000]):  # the normal one joins the queue first
        resp = await client.post(
            f"/api/v1/shipments/{s['id']}/dispatch", headers=nara, json={"at": T0}
        )
        assert resp.json()["status"] == "queued", resp.text
        queued.append(resp.json())
    return out.json(), queued, coord


async def test_the_queue_advances_in_order_at_the_trucks_return(
    client: httpx.AsyncClient, tokens
) -> None:
    first, (normal, urgent), coord = await _full_pool_and_a_queue(client, tokens)
    url = "/api/v1/trucks/queue/advance"
    early = await client.post(url, headers=coord, json={"member": "29", "at": T0})
    assert early.status_code == 200 and early.json()["dispatched"] == [], early.text
    back = min(w["expected_at"] for w in first["waves"])  # trucks return later than unloading
    late = "2030-01-18T06:00:00+09:00"
    got = await client.post(url, headers=coord, json={"member": "29", "at": late})
    assert got.status_code == 200, got.text
    left = got.json()["dispatched"]
    assert [s["id"] for s in left] == [urgent["id"], normal["id"]]  # critical first
    assert left[0]["dispatched_at"] == urgent["departure_at"] and left[0]["dispatched_at"] > back
    events = await client.get(
        "/api/v1/audit-events", params={"action": "shipment.dispatch"}, headers=coord
    )
    auto = [
        e
        for e in events.json()["items"]
        if str(e["entity_id"]) in {str(urgent["id"]), str(normal["id"])}
    ]
    assert {e["actor"] for e in auto} == {"system"} and all(
        e["note"].startswith("queue") for e in auto
    )
    assert all(e["after"]["queue_wait_min"] > 0 for e in auto)
    again = await client.post(url, headers=coord, json={"member": "29", "at": late})
    assert again.json()["dispatched"] == []  # nothing left, nothing twice


async def test_a_delivery_lets_the_queue_leave_by_itself(client: httpx.AsyncClient, tokens) -> None:
    first, (normal, urgent), coord = await _full_pool_and_a_queue(client, tokens)
    osaka = await tokens.headers(Role.desk, "27100")
    late = "2030-01-18T06:00:00+09:00"
    resp = await client.post(
        f"/api/v1/shipments/{first['id']}/deliver", headers=osaka, json={"at": late}
    )
    assert resp.status_code == 200, resp.text
    for s in (normal, urgent):
        now = (await client.get(f"/api/v1/shipments/{s['id']}", headers=coord)).json()
        assert now["status"] == "dispatched", now
        assert now["dispatched_at"] == s["departure_at"] or normal is s, now  # at the return
        assert now["dispatched_at"] < "2030-01-18", now


async def test_only_desks_of_the_member_coordinators_and_admins_advance_a_queue(
    client: httpx.AsyncClient, tokens
) -> None:
    url = "/api/v1/trucks/queue/advance"
    other = await tokens.headers(Role.desk, "27100")
    resp = await client.post(url, headers=other, json={"member": "29"})
    assert resp.status_code == 403 and resp.json()["code"] == "wrong-member"
    observer = await tokens.headers(Role.observer)
    assert (await client.post(url, headers=observer, json={})).status_code == 403
    bad = await client.post(url, headers=other, json={"member": "29", "at": "yesterday"})
    assert bad.status_code == 422
    own = await client.post(url, headers=other, json={})
    assert own.status_code == 200 and own.json()["dispatched"] == []
