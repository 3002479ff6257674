"""Arrangers for the time-integrity tests (SPEC §9): times relative to now, a one-depot item,
a planned and approved allocation, audit events of an entity. Everything goes through the API."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.clock import JST

OSAKA_CITY_HALL = {"name": "Osaka City Hall", "lat": 34.6937, "lon": 135.5022}


def ago(**delta: float) -> str:
    """An ISO time this long before now (``ago(hours=1)``); negative values lie ahead."""
    return (datetime.now(JST) - timedelta(**delta)).isoformat()


def problem(resp: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is a problem+json with ``status`` and ``code``; returns its body."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = resp.json()
    assert body["code"] == code, body
    return body


async def audit_events(
    client: httpx.AsyncClient, reader: dict[str, str], entity: str, entity_id: object
) -> list[dict[str, Any]]:
    resp = await client.get(
        "/api/v1/audit-events",
        params={"entity": entity, "entity_id": str(entity_id)},
        headers=reader,
    )
    assert resp.status_code == 200, resp.text
    items: list[dict[str, Any]] = resp.json()["items"]
    return items


async def scarce_item(client: httpx.AsyncClient, admin: dict[str, str], code: str) -> int:
    """A private item held only by Nara's first depot (100 units, no floor); its depot id."""
    resp = await client.post(
        "/api/v1/items",
        headers=admin,
        json={"code": code, "name_en": code, "name_ja": code, "unit": "piece", "unit_weight_kg": 1},
    )
    assert resp.status_code == 201, resp.text
    depots = await client.get("/api/v1/depots", params={"member": "29"}, headers=admin)
    depot = int(depots.json()["items"][0]["id"])
    put = await client.put(
        f"/api/v1/depots/{depot}/stock/{code}", json={"on_hand": 100}, headers=admin
    )
    assert put.status_code == 201, put.text
    return depot


async def file_request(
    client: httpx.AsyncClient,
    desk: dict[str, str],
    lines: list[tuple[str, int]],
    *,
    member: str = "27100",
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "member_code": member,
        "delivery": OSAKA_CITY_HALL,
        "lines": [{"item_code": c, "quantity": q} for c, q in lines],
        **extra,
    }
    resp = await client.post("/api/v1/aid-requests", json=body, headers=desk)
    assert resp.status_code == 201, resp.text
    out: dict[str, Any] = resp.json()
    return out


async def plan_for(
    client: httpx.AsyncClient, coord: dict[str, str], request_id: int, **extra: Any
) -> dict[str, Any]:
    resp = await client.post(
        "/api/v1/plans", json={"request_ids": [request_id], **extra}, headers=coord
    )
    assert resp.status_code == 201, resp.text
    out: dict[str, Any] = resp.json()
    return out


async def post(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, **body: Any
) -> httpx.Response:
    return await client.post(f"/api/v1{path}", json=body, headers=headers)


async def count(session: AsyncSession, table: str) -> int:
    """Rows in ``table`` as the database has them now (commits the test session first, so
    SQLite shows the app's writes)."""
    await session.commit()
    return int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
