"""The reserve floor after approval (issue 8): a floor may not cover units approved plans
promised; the member's own use may still eat into its floor. One rule, in
stock_service.apply_change.

Reported: raising a floor above on_hand − reserved and then taking stock left on_hand 10 against a
floor of 90.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.api_helpers import assert_problem
from ukg_aid.principal import Role

ITEM = "floor_kit"


async def _row(client: httpx.AsyncClient, headers: dict[str, str], depot: int) -> dict[str, Any]:
    resp = await client.get(
        "/api/v1/stock", params={"depot_id": depot, "item": ITEM}, headers=headers
    )
    row: dict[str, Any] = resp.json()["items"][0]
    return row


async def _put(
    client: httpx.AsyncClient, headers: dict[str, str], depot: int, **body: int
) -> httpx.Response:
    return await client.put(f"/api/v1/depots/{depot}/stock/{ITEM}", json=body, headers=headers)


@pytest.fixture
async def promised(client: httpx.AsyncClient, tokens) -> dict[str, Any]:
    """100 units at a Nara depot, floor 0, of which an approved plan promised 90 to Osaka City."""
    admin, nara = await tokens.headers(Role.admin), await tokens.headers(Role.desk, "29")
    coord, desk = await tokens.headers(Role.coordinator), await tokens.headers(Role.desk, "27100")
    item = {"code": ITEM, "name_en": ITEM, "name_ja": ITEM, "unit": "box", "unit_weight_kg": 1}
    assert (await client.post("/api/v1/items", json=item, headers=admin)).status_code == 201
    depots = await client.get("/api/v1/depots", params={"member": "29"}, headers=nara)
    depot = int(depots.json()["items"][0]["id"])
    assert (await _put(client, nara, depot, on_hand=100)).status_code == 201
    filing = {
        "member_code": "27100",
        "delivery": {"name": "Osaka City Hall", "lat": 34.6937, "lon": 135.5022},
        "lines": [{"item_code": ITEM, "quantity": 90}],
    }
    req = (await client.post("/api/v1/aid-requests", json=filing, headers=desk)).json()
    plan = (
        await client.post("/api/v1/plans", json={"request_ids": [req["id"]]}, headers=coord)
    ).json()
    approved = await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
    assert approved.status_code == 200, approved.text
    [alloc] = approved.json()["allocations"]
    assert (alloc["depot_id"], alloc["quantity"]) == (depot, 90)
    return {"nara": nara, "depot": depot, "alloc": alloc}


@pytest.mark.sqlite
async def test_a_floor_may_not_cover_promised_units(
    client: httpx.AsyncClient, promised: dict[str, Any]
) -> None:
    nara, depot = promised["nara"], promised["depot"]
    raised = await _put(client, nara, depot, on_hand=100, reserve_floor=90)
    body = assert_problem(raised, 409)
    assert body["code"] == "reserve-floor" and body["max_reserve_floor"] == 10
    assert "at most 10" in body["detail"]
    row = await _row(client, nara, depot)
    assert (row["on_hand"], row["reserved"], row["reserve_floor"]) == (100, 90, 0)

    # The reported sequence goes on: the promised units ship. The floor never exceeded what the
    # member kept back for itself.
    assert (await _put(client, nara, depot, on_hand=100, reserve_floor=10)).status_code == 200
    sent = await client.post(
        f"/api/v1/allocations/{promised['alloc']['id']}/dispatch", headers=nara
    )
    assert sent.status_code == 200, sent.text
    row = await _row(client, nara, depot)
    assert (row["on_hand"], row["reserved"], row["reserve_floor"]) == (10, 0, 10)


async def test_own_use_may_eat_into_the_floor_but_the_floor_may_not_grow_into_promises(
    client: httpx.AsyncClient, promised: dict[str, Any]
) -> None:
    nara, depot = promised["nara"], promised["depot"]
    assert (await _put(client, nara, depot, on_hand=100, reserve_floor=10)).status_code == 200
    use = await client.post(
        f"/api/v1/depots/{depot}/stock/{ITEM}/adjustments",
        json={"delta": -5, "reason": "own shelters"},
        headers=nara,
    )
    assert use.status_code == 200, use.text
    assert (use.json()["on_hand"], use.json()["reserve_floor"]) == (95, 10)  # 5 of the floor used

    more = await _put(client, nara, depot, on_hand=95, reserve_floor=11)
    assert assert_problem(more, 409)["max_reserve_floor"] == 5
    lower = await _put(client, nara, depot, on_hand=95, reserve_floor=3)
    assert lower.status_code == 200 and lower.json()["reserve_floor"] == 3
    # A stocktake that brings more units in may raise the floor by as much.
    restock = await _put(client, nara, depot, on_hand=200, reserve_floor=110)
    assert restock.status_code == 200, restock.text
    assert (restock.json()["reserved"], restock.json()["available"]) == (90, 0)
    below_promise = await client.post(
        f"/api/v1/depots/{depot}/stock/{ITEM}/adjustments",
        json={"delta": -111, "reason": "own shelters"},
        headers=nara,
    )
    assert assert_problem(below_promise, 409)["code"] == "stock-invariant"
