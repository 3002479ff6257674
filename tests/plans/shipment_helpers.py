"""Arrangers for shipment tests: weighted private items, a plan approved, shipments listed."""

from __future__ import annotations

from typing import Any

import httpx

from tests.plans.plan_helpers import first_depot, put_stock


async def weighted_item(
    client: httpx.AsyncClient, admin: dict[str, str], code: str, kg: float
) -> None:
    body = {"code": code, "name_en": code, "name_ja": code, "unit": "piece", "unit_weight_kg": kg}
    resp = await client.post("/api/v1/items", headers=admin, json=body)
    assert resp.status_code == 201, resp.text


async def stocked(
    client: httpx.AsyncClient, admin: dict[str, str], code: str, kg: float, on_hand: int
) -> int:
    """A private item held only by Nara's first depot; returns the depot id."""
    await weighted_item(client, admin, code, kg)
    depot = await first_depot(client, admin, "29")
    await put_stock(client, admin, depot, code, on_hand)
    return depot


async def approved_plan(
    client: httpx.AsyncClient, coord: dict[str, str], request_ids: list[int], **extra: Any
) -> dict[str, Any]:
    body = {"request_ids": request_ids} | extra
    resp = await client.post("/api/v1/plans", json=body, headers=coord)
    assert resp.status_code == 201, resp.text
    plan = resp.json()
    body = {"at": extra["at"]} if "at" in extra else {}
    resp = await client.post(f"/api/v1/plans/{plan['id']}/approve", json=body, headers=coord)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


async def shipments(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    resp = await client.get("/api/v1/shipments", params=params, headers=headers)
    assert resp.status_code == 200, resp.text
    return list(resp.json()["items"])


async def line_of(
    client: httpx.AsyncClient, headers: dict[str, str], request_id: int, item: str
) -> dict[str, Any]:
    req = (await client.get(f"/api/v1/aid-requests/{request_id}", headers=headers)).json()
    return dict(next(x for x in req["lines"] if x["item_code"] == item))
