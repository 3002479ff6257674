"""Small arrangers for plan tests: file requests, set stock, all through the API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.app_support import json_object

OSAKA_CITY_HALL = {"name": "Osaka City Hall", "lat": 34.6937, "lon": 135.5022}
KOBE_CITY_HALL = {"name": "Kobe City Hall", "lat": 34.6901, "lon": 135.1955}


async def file_request(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    member: str,
    lines: list[tuple[str, int]],
    *,
    priority: str = "normal",
    delivery: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = {
        "member_code": member,
        "priority": priority,
        "delivery": delivery or OSAKA_CITY_HALL,
        "lines": [{"item_code": code, "quantity": qty} for code, qty in lines],
    }
    resp = await client.post("/api/v1/aid-requests", json=body, headers=headers)
    assert resp.status_code == 201, resp.text
    return json_object(resp.json())


async def create_item(client: httpx.AsyncClient, admin: dict[str, str], code: str) -> None:
    resp = await client.post(
        "/api/v1/items",
        headers=admin,
        json={
            "code": code,
            "name_en": code,
            "name_ja": code,
            "unit": "piece",
            "unit_weight_kg": 1.0,
        },
    )
    assert resp.status_code == 201, resp.text


async def first_depot(client: httpx.AsyncClient, headers: dict[str, str], member: str) -> int:
    resp = await client.get("/api/v1/depots", params={"member": member}, headers=headers)
    return int(resp.json()["items"][0]["id"])


async def put_stock(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    depot_id: int,
    item: str,
    on_hand: int,
    floor: int = 0,
) -> dict[str, Any]:
    resp = await client.put(
        f"/api/v1/depots/{depot_id}/stock/{item}",
        headers=admin,
        json={"on_hand": on_hand, "reserve_floor": floor},
    )
    assert resp.status_code in (200, 201), resp.text
    return json_object(resp.json())


async def stock_row(
    client: httpx.AsyncClient, headers: dict[str, str], depot_id: int, item: str
) -> dict[str, Any]:
    resp = await client.get(
        "/api/v1/stock", params={"depot_id": depot_id, "item": item}, headers=headers
    )
    rows = resp.json()["items"]
    assert len(rows) == 1
    return json_object(rows[0])
