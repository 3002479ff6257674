"""Decline by the supplier's desk (SPEC §11) and deadlines on plans (SPEC §3 rule 4)."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from tests.plans.plan_helpers import file_request, stock_row
from tests.plans.shipment_helpers import approved_plan, line_of, shipments, stocked
from ukg_aid.clock import JST
from ukg_aid.principal import Role

pytestmark = pytest.mark.sqlite


async def test_decline_releases_exactly_the_reservation_and_reopens_the_line(
    client: httpx.AsyncClient, tokens
) -> None:
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    desk, nara = await tokens.headers(Role.desk, "27100"), await tokens.headers(Role.desk, "29")
    depot = await stocked(client, admin, "dec_kit", 1.0, 300)
    req = await file_request(client, desk, "27100", [("dec_kit", 120)])
    plan = await approved_plan(client, coord, [req["id"]])
    (a,) = plan["allocations"]
    assert (await stock_row(client, coord, depot, "dec_kit"))["reserved"] == 120
    url = f"/api/v1/allocations/{a['id']}/decline"
    assert (await client.post(url, headers=desk, json={"reason": "x"})).status_code == 403
    assert (await client.post(url, headers=nara, json={})).status_code == 422
    resp = await client.post(url, headers=nara, json={"reason": "国道 road out"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "declined" and resp.json()["decline_reason"] == "国道 road out"
    row = await stock_row(client, coord, depot, "dec_kit")
    assert (row["on_hand"], row["reserved"]) == (300, 0)
    line = await line_of(client, desk, req["id"], "dec_kit")
    assert (line["allocated"], line["dispatched"]) == (0, 0)
    assert (await client.post(url, headers=nara, json={"reason": "again"})).status_code == 409
    (shipment,) = await shipments(client, coord, plan_id=plan["id"])
    assert shipment["status"] == "cancelled"
    plan_now = (await client.get(f"/api/v1/plans/{plan['id']}", headers=coord)).json()
    assert plan_now["status"] == "completed"
    events = await client.get(
        "/api/v1/audit-events", params={"action": "allocation.decline"}, headers=coord
    )
    assert events.json()["items"][0]["note"] == "国道 road out"
    replan = await client.post("/api/v1/plans", json={"reopened": True}, headers=coord)
    assert [(x["line_id"], x["quantity"]) for x in replan.json()["allocations"]] == [
        (line["id"], 120)
    ]


async def test_a_dispatched_allocation_cannot_be_declined(
    client: httpx.AsyncClient, tokens
) -> None:
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    desk, nara = await tokens.headers(Role.desk, "27100"), await tokens.headers(Role.desk, "29")
    await stocked(client, admin, "dec_kit2", 1.0, 300)
    req = await file_request(client, desk, "27100", [("dec_kit2", 10)])
    (a,) = (await approved_plan(client, coord, [req["id"]]))["allocations"]
    await client.post(f"/api/v1/allocations/{a['id']}/dispatch", headers=nara)
    resp = await client.post(
        f"/api/v1/allocations/{a['id']}/decline", headers=nara, json={"reason": "late"}
    )
    assert resp.status_code == 409 and resp.json()["code"] == "allocation-state"


async def test_a_deadline_no_truck_can_meet_is_flagged_late_on_the_plan(
    client: httpx.AsyncClient, tokens
) -> None:
    """Issue 13: a request needed in 20 minutes got a 128-minute ETA with no warning."""
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    desk = await tokens.headers(Role.desk, "27100")
    await stocked(client, admin, "late_kit", 1.0, 300)
    soon = (datetime.now(JST) + timedelta(minutes=20)).isoformat()
    body = {
        "member_code": "27100",
        "priority": "high",
        "needed_by": soon,
        "delivery": {"name": "Osaka City Hall", "lat": 34.6937, "lon": 135.5022},
        "lines": [{"item_code": "late_kit", "quantity": 40}],
    }
    req = (await client.post("/api/v1/aid-requests", json=body, headers=desk)).json()
    plan = (
        await client.post("/api/v1/plans", json={"request_ids": [req["id"]]}, headers=coord)
    ).json()
    (a,) = plan["allocations"]
    assert a["late"] is True and "late: ETA" in a["reason"]
    assert plan["solver"]["objective"]["late_units"] == 40
    (summary,) = [
        p
        for p in (await client.get("/api/v1/plans", headers=coord)).json()["items"]
        if p["id"] == plan["id"]
    ]
    assert (summary["late_units"], summary["late_allocations"]) == (40, 1)
    stored = (await client.get(f"/api/v1/plans/{plan['id']}/inputs", headers=coord)).json()
    (line,) = stored["inputs"]["lines"]
    assert 0 < line["needed_by_minutes"] <= 20
