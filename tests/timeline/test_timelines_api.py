"""Every entity's timeline only moves forward (SPEC §9), on the live clock with times relative to
now: a transition dated before the entity's previous one is a 422 naming both times and changes
nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.timeline.timeline_helpers import (
    ago,
    count,
    file_request,
    plan_for,
    post,
    problem,
    scarce_item,
)
from ukg_aid.principal import Role


def backwards(resp: httpx.Response, earlier: str) -> dict[str, Any]:
    """A 422 ``timeline-backwards`` whose ``at`` is ``earlier`` and whose previous time is later."""
    body = problem(resp, 422, "timeline-backwards")
    at, previous = datetime.fromisoformat(body["at"]), datetime.fromisoformat(body["previous_at"])
    assert abs((at - datetime.fromisoformat(earlier)).total_seconds()) < 1
    assert previous > at
    assert body["at"] in body["detail"] and body["previous_at"] in body["detail"]
    return body


@pytest.fixture
async def actors(tokens) -> dict[str, dict[str, str]]:
    return {
        "admin": await tokens.headers(Role.admin),
        "coord": await tokens.headers(Role.coordinator),
        "osaka_city": await tokens.headers(Role.desk, "27100"),
        "nara": await tokens.headers(Role.desk, "29"),
        "ems": await tokens.headers(Role.ems),
    }


async def _approved(
    client: httpx.AsyncClient, a: dict[str, dict[str, str]], code: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A request for 30 units of a Nara-only item, planned and approved now: (plan, allocation)."""
    await scarce_item(client, a["admin"], code)
    req = await file_request(client, a["osaka_city"], [(code, 30)])
    plan = await plan_for(client, a["coord"], req["id"])
    approved = await post(client, a["coord"], f"/plans/{plan['id']}/approve")
    assert approved.status_code == 200, approved.text
    [allocation] = approved.json()["allocations"]
    return approved.json(), allocation


@pytest.mark.sqlite
async def test_a_delivery_is_not_before_its_dispatch(
    client: httpx.AsyncClient, actors: dict[str, dict[str, str]]
) -> None:
    _plan, alloc = await _approved(client, actors, "tl_kit_a")
    path = f"/allocations/{alloc['id']}"
    sent = await post(client, actors["nara"], f"{path}/dispatch")
    assert sent.status_code == 200, sent.text
    day_before = ago(hours=20)
    body = backwards(
        await post(client, actors["osaka_city"], f"{path}/deliver", at=day_before), day_before
    )
    assert "delivery" in body["detail"] and "dispatch" in body["detail"]
    still = (
        await client.get(
            "/api/v1/allocations", params={"plan_id": alloc["plan_id"]}, headers=actors["coord"]
        )
    ).json()["items"][0]
    assert still["status"] == "dispatched" and still["delivered_at"] is None
    assert (await post(client, actors["osaka_city"], f"{path}/deliver")).status_code == 200


async def test_a_dispatch_is_not_before_its_plans_approval(
    client: httpx.AsyncClient, actors: dict[str, dict[str, str]], session: AsyncSession
) -> None:
    _plan, alloc = await _approved(client, actors, "tl_kit_b")
    ledger = await count(session, "stock_ledger")
    earlier = ago(hours=1)
    resp = await post(client, actors["nara"], f"/allocations/{alloc['id']}/dispatch", at=earlier)
    assert "approval of plan" in backwards(resp, earlier)["detail"]
    assert await count(session, "stock_ledger") == ledger


async def test_approving_or_discarding_is_not_before_the_plan_was_made(
    client: httpx.AsyncClient, actors: dict[str, dict[str, str]]
) -> None:
    await scarce_item(client, actors["admin"], "tl_kit_c")
    req = await file_request(client, actors["osaka_city"], [("tl_kit_c", 10)])
    plan = await plan_for(client, actors["coord"], req["id"])
    earlier = ago(minutes=30)
    for action in ("approve", "discard"):
        resp = await post(client, actors["coord"], f"/plans/{plan['id']}/{action}", at=earlier)
        assert "its creation" in backwards(resp, earlier)["detail"]
    still = (await client.get(f"/api/v1/plans/{plan['id']}", headers=actors["coord"])).json()
    assert still["status"] == "proposed"


async def test_cancelling_a_plan_is_not_before_its_approval(
    client: httpx.AsyncClient, actors: dict[str, dict[str, str]]
) -> None:
    plan, _alloc = await _approved(client, actors, "tl_kit_d")
    earlier = ago(hours=2)
    resp = await post(client, actors["coord"], f"/plans/{plan['id']}/cancel", at=earlier)
    assert "its approval" in backwards(resp, earlier)["detail"]
    still = (await client.get(f"/api/v1/plans/{plan['id']}", headers=actors["coord"])).json()
    assert still["status"] == "approved"


async def test_a_plan_at_a_time_covers_only_requests_filed_by_then(
    client: httpx.AsyncClient, actors: dict[str, dict[str, str]]
) -> None:
    await scarce_item(client, actors["admin"], "tl_kit_e")
    req = await file_request(client, actors["osaka_city"], [("tl_kit_e", 10)])
    earlier = ago(hours=1)
    named = await post(client, actors["coord"], "/plans", request_ids=[req["id"]], at=earlier)
    body = problem(named, 422, "timeline-backwards")
    assert str(req["id"]) in body["detail"] and body["errors"][0]["loc"] == ["body", "request_ids"]
    everything = await post(client, actors["coord"], "/plans", at=earlier)
    assert everything.status_code == 201, everything.text
    assert req["id"] not in everything.json()["request_ids"]
    assert req["id"] in (await plan_for(client, actors["coord"], req["id"]))["request_ids"]


async def test_a_request_is_not_cancelled_before_it_was_filed(
    client: httpx.AsyncClient, actors: dict[str, dict[str, str]]
) -> None:
    req = await file_request(client, actors["osaka_city"], [("water", 10)])
    earlier = ago(hours=3)
    resp = await post(client, actors["osaka_city"], f"/aid-requests/{req['id']}/cancel", at=earlier)
    assert "its filing" in backwards(resp, earlier)["detail"]
    still = (await client.get(f"/api/v1/aid-requests/{req['id']}", headers=actors["coord"])).json()
    assert still["status"] == "open"


async def test_releasing_a_reservation_is_not_before_its_plans_approval(
    client: httpx.AsyncClient, actors: dict[str, dict[str, str]]
) -> None:
    filed = ago(hours=2)
    await scarce_item(client, actors["admin"], "tl_kit_f")
    req = await file_request(client, actors["osaka_city"], [("tl_kit_f", 10)], at=filed)
    plan = await plan_for(client, actors["coord"], req["id"])
    assert (await post(client, actors["coord"], f"/plans/{plan['id']}/approve")).status_code == 200
    earlier = ago(hours=1)  # after the filing, before the approval
    resp = await post(client, actors["osaka_city"], f"/aid-requests/{req['id']}/cancel", at=earlier)
    assert "its approval" in backwards(resp, earlier)["detail"]
    still = (await client.get(f"/api/v1/aid-requests/{req['id']}", headers=actors["coord"])).json()
    assert still["status"] == "open" and still["lines"][0]["allocated"] == 10


@pytest.mark.sqlite
async def test_stock_entries_are_not_before_the_rows_last_change(
    client: httpx.AsyncClient, actors: dict[str, dict[str, str]], session: AsyncSession
) -> None:
    depot = await scarce_item(client, actors["admin"], "tl_kit_g")
    url = f"/depots/{depot}/stock/tl_kit_g"
    ledger = await count(session, "stock_ledger")
    earlier = ago(hours=1)
    take = await post(
        client, actors["nara"], f"{url}/adjustments", delta=-5, reason="x", at=earlier
    )
    assert "the row's last change" in backwards(take, earlier)["detail"]
    put = await client.put(
        f"/api/v1{url}", json={"on_hand": 7, "at": earlier}, headers=actors["nara"]
    )
    backwards(put, earlier)
    assert await count(session, "stock_ledger") == ledger
    row = (
        await client.get(
            "/api/v1/stock", params={"depot_id": depot, "item": "tl_kit_g"}, headers=actors["nara"]
        )
    ).json()["items"][0]
    assert row["on_hand"] == 100


async def test_a_depot_status_change_is_not_before_its_last_change(
    client: httpx.AsyncClient, actors: dict[str, dict[str, str]]
) -> None:
    made = await post(
        client, actors["nara"], "/depots", member_code="29", name="仮設倉庫", lat=34.68, lon=135.8
    )
    assert made.status_code == 201, made.text
    earlier = ago(hours=4)
    resp = await client.patch(
        f"/api/v1/depots/{made.json()['id']}",
        json={"status": "damaged", "at": earlier},
        headers=actors["nara"],
    )
    assert "its last change" in backwards(resp, earlier)["detail"]
    again = (await client.get(f"/api/v1/depots/{made.json()['id']}", headers=actors["nara"])).json()
    assert again["status"] == "operational"


async def test_a_grounding_is_not_before_the_aircrafts_last_status_change(
    client: httpx.AsyncClient, actors: dict[str, dict[str, str]]
) -> None:
    heli = (await client.get("/api/v1/helicopters", headers=actors["ems"])).json()["items"][0]
    url = f"/api/v1/helicopters/{heli['id']}"
    down = await client.patch(url, json={"status": "maintenance"}, headers=actors["ems"])
    assert down.status_code == 200, down.text
    earlier = ago(hours=1)
    back = await client.patch(
        url, json={"status": "available", "at": earlier}, headers=actors["ems"]
    )
    assert "its last status change" in backwards(back, earlier)["detail"]
    assert (await client.get(url, headers=actors["ems"])).json()["status"] == "maintenance"


async def test_a_mission_is_not_assigned_or_cancelled_before_it_was_reported(
    client: httpx.AsyncClient, actors: dict[str, dict[str, str]]
) -> None:
    reported = ago(minutes=10)
    body = {
        "member_code": "27",
        "scene": {"lat": 34.7, "lon": 135.5},
        "severity": "red",
        "patients": 1,
        "at": reported,
    }
    mission = (
        await client.post("/api/v1/medevac-missions", json=body, headers=actors["ems"])
    ).json()
    earlier = ago(hours=1)
    for action in ("assign", "cancel"):
        resp = await post(
            client, actors["ems"], f"/medevac-missions/{mission['id']}/{action}", at=earlier
        )
        assert "its report" in backwards(resp, earlier)["detail"]
    still = (
        await client.get(f"/api/v1/medevac-missions/{mission['id']}", headers=actors["ems"])
    ).json()
    assert still["status"] == "pending" and still["reason"] is None
