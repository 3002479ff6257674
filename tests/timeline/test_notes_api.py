"""Notes sent with an action are stored with it and shown in its audit event (SPEC §9).

Before: approve, discard, cancel, dispatch and deliver accepted a note and dropped it; a request
cancellation took only a reason; mission notes lived only inside ``after``.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.timeline.timeline_helpers import audit_events, file_request, plan_for, post, scarce_item
from ukg_aid.principal import Role


@pytest.fixture
async def who(tokens) -> dict[str, dict[str, str]]:
    return {
        "admin": await tokens.headers(Role.admin),
        "coord": await tokens.headers(Role.coordinator),
        "observer": await tokens.headers(Role.observer),
        "osaka_city": await tokens.headers(Role.desk, "27100"),
        "nara": await tokens.headers(Role.desk, "29"),
        "ems": await tokens.headers(Role.ems),
    }


async def note_of(
    client: httpx.AsyncClient, who: dict[str, dict[str, str]], entity: str, eid: object, action: str
) -> str | None:
    events = [
        e for e in await audit_events(client, who["observer"], entity, eid) if e["action"] == action
    ]
    assert len(events) == 1, events
    note: str | None = events[0]["note"]
    return note


async def _plan(
    client: httpx.AsyncClient, who: dict[str, dict[str, str]], code: str
) -> dict[str, Any]:
    await scarce_item(client, who["admin"], code)
    req = await file_request(client, who["osaka_city"], [(code, 20)])
    return await plan_for(client, who["coord"], req["id"])


@pytest.mark.sqlite
async def test_plan_and_allocation_notes_reach_the_audit_log(
    client: httpx.AsyncClient, who: dict[str, dict[str, str]]
) -> None:
    plan = await _plan(client, who, "note_kit_a")
    approve = await post(client, who["coord"], f"/plans/{plan['id']}/approve", note="承認: 午前便")
    assert approve.status_code == 200, approve.text
    [alloc] = approve.json()["allocations"]
    path = f"/allocations/{alloc['id']}"
    assert (
        await post(client, who["nara"], f"{path}/dispatch", note="4t truck, driver 田中")
    ).status_code == 200
    assert (
        await post(client, who["osaka_city"], f"{path}/deliver", note="2 boxes wet")
    ).status_code == 200
    assert await note_of(client, who, "plan", plan["id"], "plan.approve") == "承認: 午前便"
    assert await note_of(client, who, "allocation", alloc["id"], "allocation.dispatch") == (
        "4t truck, driver 田中"
    )
    assert (
        await note_of(client, who, "allocation", alloc["id"], "allocation.deliver") == "2 boxes wet"
    )


async def test_discard_and_cancel_notes_reach_the_audit_log(
    client: httpx.AsyncClient, who: dict[str, dict[str, str]]
) -> None:
    dropped = await _plan(client, who, "note_kit_b")
    resp = await post(client, who["coord"], f"/plans/{dropped['id']}/discard", note="duplicate")
    assert resp.status_code == 200, resp.text
    assert await note_of(client, who, "plan", dropped["id"], "plan.discard") == "duplicate"

    kept = await _plan(client, who, "note_kit_c")
    assert (await post(client, who["coord"], f"/plans/{kept['id']}/approve")).status_code == 200
    resp = await post(client, who["coord"], f"/plans/{kept['id']}/cancel", note="road closed")
    assert resp.status_code == 200, resp.text
    assert await note_of(client, who, "plan", kept["id"], "plan.cancel") == "road closed"
    [alloc] = resp.json()["allocations"]
    assert (
        await note_of(client, who, "allocation", alloc["id"], "allocation.cancel") == "road closed"
    )


async def test_a_request_cancellation_keeps_its_note_and_reason(
    client: httpx.AsyncClient, who: dict[str, dict[str, str]]
) -> None:
    req = await file_request(client, who["osaka_city"], [("water", 10)])
    resp = await post(
        client,
        who["osaka_city"],
        f"/aid-requests/{req['id']}/cancel",
        reason="duplicate",
        note="電話で確認済み",
    )
    assert resp.status_code == 200, resp.text
    events = await audit_events(client, who["observer"], "aid_request", req["id"])
    [event] = [e for e in events if e["action"] == "aid_request.cancel"]
    assert event["note"] == "電話で確認済み" and event["after"]["reason"] == "duplicate"


async def test_status_change_notes_reach_the_audit_log(
    client: httpx.AsyncClient, who: dict[str, dict[str, str]]
) -> None:
    heli = (await client.get("/api/v1/helicopters", headers=who["ems"])).json()["items"][0]
    resp = await client.patch(
        f"/api/v1/helicopters/{heli['id']}",
        json={"status": "maintenance", "note": "100 h inspection"},
        headers=who["ems"],
    )
    assert resp.status_code == 200, resp.text
    assert (
        await note_of(client, who, "helicopter", heli["id"], "helicopter.status")
        == "100 h inspection"
    )

    depot = (
        await client.get("/api/v1/depots", params={"member": "29"}, headers=who["nara"])
    ).json()
    depot_id = depot["items"][0]["id"]
    resp = await client.patch(
        f"/api/v1/depots/{depot_id}",
        json={"status": "damaged", "note": "roof collapsed"},
        headers=who["nara"],
    )
    assert resp.status_code == 200, resp.text
    assert await note_of(client, who, "depot", depot_id, "depot.status") == "roof collapsed"

    await scarce_item(client, who["admin"], "note_kit_d")
    resp = await post(
        client,
        who["nara"],
        f"/depots/{depot_id}/stock/note_kit_d/adjustments",
        delta=-3,
        reason="used at shelter 3",
    )
    assert resp.status_code == 200, resp.text
    assert await note_of(client, who, "stock", f"{depot_id}:note_kit_d", "stock.adjust") == (
        "used at shelter 3"
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/plans/1/approve"),
        ("POST", "/api/v1/allocations/1/deliver"),
        ("POST", "/api/v1/aid-requests/1/cancel"),
        ("POST", "/api/v1/medevac-missions/1/cancel"),
        ("POST", "/api/v1/medevac-missions/1/assign"),
        ("POST", "/api/v1/medevac-missions/assign"),
        ("PATCH", "/api/v1/helicopters/1"),
    ],
)
async def test_a_note_over_500_characters_is_refused(
    client: httpx.AsyncClient, who: dict[str, dict[str, str]], method: str, path: str
) -> None:
    body: dict[str, Any] = {"note": "あ" * 501}
    if path.startswith("/api/v1/helicopters"):
        body["status"] = "maintenance"
    resp = await client.request(method, path, json=body, headers=who["admin"])
    assert resp.status_code == 422, resp.text
    assert resp.json()["errors"][0]["loc"][-1] == "note"


@pytest.mark.simulated_clock  # flying needs daylight: a December morning
async def test_medevac_notes_reach_the_audit_log(
    client: httpx.AsyncClient, who: dict[str, dict[str, str]]
) -> None:
    at = "2026-12-21T10:00:00+09:00"
    body = {
        "member_code": "27",
        "scene": {"lat": 34.7, "lon": 135.5},
        "severity": "red",
        "patients": 1,
        "at": at,
    }
    first = (await client.post("/api/v1/medevac-missions", json=body, headers=who["ems"])).json()
    second = (await client.post("/api/v1/medevac-missions", json=body, headers=who["ems"])).json()
    url = f"/medevac-missions/{first['id']}"
    assert (
        await post(client, who["ems"], f"{url}/assign", at=at, note="doctor on board")
    ).status_code == 200
    assert (
        await post(client, who["ems"], f"{url}/en_route", at=at, note="lift-off")
    ).status_code == 200
    assert (
        await post(client, who["ems"], f"{url}/cancel", at=at, note="ground ambulance")
    ).status_code == 200
    batch = await post(client, who["ems"], "/medevac-missions/assign", at=at, note="all pending")
    assert [m["id"] for m in batch.json()["assigned"]] == [second["id"]]
    mission = "medevac_mission"
    assert await note_of(client, who, mission, first["id"], "medevac.assign") == "doctor on board"
    assert await note_of(client, who, mission, first["id"], "medevac.en_route") == "lift-off"
    assert await note_of(client, who, mission, first["id"], "medevac.cancel") == "ground ambulance"
    assert await note_of(client, who, mission, "batch", "medevac.batch_assign") == "all pending"
    assert await note_of(client, who, mission, second["id"], "medevac.assign") == "all pending"
