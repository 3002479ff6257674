"""Push-type support (プッシュ型支援, SPEC §10): the coordinator previews and files push requests
on a member's behalf from shelter needs, they are matched like any request and shown as push;
one call closes the push remainder without releasing anything allocated. Filing sends an
Idempotency-Key, which the route requires (tests/hostile/test_hostile_push.py)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.api_helpers import assert_problem, count
from ukg_aid.principal import Role

PUSH = "/api/v1/aid-requests/push"
SHELTER: dict[str, Any] = {
    "member_code": "27",
    "name": "大阪市立中央小学校",
    "lat": 34.68,
    "lon": 135.51,
    "evacuees": 300,
}


async def test_preview_then_file_push_requests_from_shelter_needs(
    client: httpx.AsyncClient, tokens, session: AsyncSession
) -> None:
    coord = await tokens.headers(Role.coordinator)
    desk = await tokens.headers(Role.desk, "27")
    shelter = (await client.post("/api/v1/shelters", json=SHELTER, headers=desk)).json()
    needs = await client.get(
        "/api/v1/shelters/needs", params={"member": "27", "days": 2}, headers=coord
    )
    before = await count(session, "aid_requests")
    preview = await client.post(
        "/api/v1/aid-requests/push/preview", json={"member_code": "27", "days": 2}, headers=coord
    )
    assert preview.status_code == 200, preview.text
    (draft,) = preview.json()["requests"]
    assert draft["shelter_id"] == shelter["id"]
    assert draft["lines"] == needs.json()
    assert await count(session, "aid_requests") == before
    assert_problem(
        await client.post("/api/v1/aid-requests/push", json={"member_code": "27"}, headers=desk),
        403,
    )
    filed = await client.post(
        "/api/v1/aid-requests/push",
        json={"member_code": "27", "days": 2},
        headers=coord | {"Idempotency-Key": "push-shelters"},
    )
    assert filed.status_code == 201, filed.text
    (req,) = filed.json()["requests"]
    assert req["kind"] == "push" and req["delivery"]["name"] == SHELTER["name"]
    pushed = await client.get("/api/v1/aid-requests", params={"kind": "push"}, headers=desk)
    assert [r["id"] for r in pushed.json()["items"]] == [req["id"]]


async def test_push_from_a_drill_estimate_and_close_the_remainder(
    client: httpx.AsyncClient, tokens
) -> None:
    coord = await tokens.headers(Role.coordinator)
    lines = [{"item_code": "water", "quantity": 5000}, {"item_code": "blankets", "quantity": 50}]
    keyed = coord | {"Idempotency-Key": "push-estimate"}
    filed = await client.post(PUSH, json={"member_code": "27", "lines": lines}, headers=keyed)
    assert filed.status_code == 201, filed.text
    (req,) = filed.json()["requests"]
    plan = await client.post("/api/v1/plans", json={"request_ids": [req["id"]]}, headers=coord)
    assert plan.status_code == 201, plan.text
    water = [a for a in plan.json()["allocations"] if a["item_code"] == "water"]
    kept = sum(a["quantity"] for a in water)
    assert kept > 0
    approved = await client.post(f"/api/v1/plans/{plan.json()['id']}/approve", headers=coord)
    assert approved.status_code == 200, approved.text
    allocated = {
        ln["item_code"]: ln["allocated"]
        for ln in (await client.get(f"/api/v1/aid-requests/{req['id']}", headers=coord)).json()[
            "lines"
        ]
    }
    # A second push request nothing was allocated to yet.
    other = await client.post(
        "/api/v1/aid-requests/push",
        json={"member_code": "27", "lines": [{"item_code": "tents", "quantity": 3}]},
        headers=coord | {"Idempotency-Key": "push-tents"},
    )
    other_id = other.json()["requests"][0]["id"]
    closed = await client.post(
        "/api/v1/aid-requests/push/close",
        json={"member_code": "27", "note": "Osaka's desk files from now on"},
        headers=coord,
    )
    assert closed.status_code == 200, closed.text
    body = closed.json()
    remainder = 5000 + 50 + 3 - sum(allocated.values())
    assert body["closed_units"] == remainder
    assert body["cancelled_request_ids"] == [other_id]
    after = (await client.get(f"/api/v1/aid-requests/{req['id']}", headers=coord)).json()
    assert {ln["item_code"]: ln["quantity"] for ln in after["lines"]} == allocated
    assert {ln["item_code"]: ln["allocated"] for ln in after["lines"]} == allocated
    gone = (await client.get(f"/api/v1/aid-requests/{other_id}", headers=coord)).json()
    assert gone["status"] == "cancelled"
    again = await client.post(
        "/api/v1/aid-requests/push/close", json={"member_code": "27"}, headers=coord
    )
    assert again.json()["closed_units"] == 0


async def test_nothing_to_push_is_a_422(client: httpx.AsyncClient, tokens) -> None:
    coord = await tokens.headers(Role.coordinator)
    keyed = coord | {"Idempotency-Key": "push-nara"}
    resp = await client.post("/api/v1/aid-requests/push", json={"member_code": "29"}, headers=keyed)
    assert assert_problem(resp, 422)["code"] == "nothing-to-push"
