"""Concurrent writers on PostgreSQL lose nothing and oversubscribe nothing (SPEC §8).

The requests run concurrently through the ASGI app on the asyncpg driver, each in its own
session and pooled connection, against a committed database (``live_db``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import func, select, text

from ukg_aid.aid_requests.models import AidRequest
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.config import Settings
from ukg_aid.db import Database
from ukg_aid.principal import Role
from ukg_aid.stockpiles.models import Depot, Stock, StockLedger

N = 50


@dataclass
class Live:
    client: httpx.AsyncClient
    db: Database
    desk: dict[str, str]
    depot_id: int


@pytest.fixture
async def live(live_db: Database) -> AsyncIterator[Live]:
    settings = Settings(database_url=live_db.url)
    database = Database(settings.database_url, pool_size=20)
    async with database.transaction() as s:
        issued = await auth_service.create_token(
            s, name="desk-27-live", role=Role.desk, member_code="27", expires_in_days=1
        )
        depot_id = await s.scalar(
            select(Depot.id).where(Depot.member_code == "27").order_by(Depot.id).limit(1)
        )
    assert depot_id is not None
    transport = httpx.ASGITransport(app=create_app(settings, database=database))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://live") as client:
            desk = {"Authorization": f"Bearer {issued.secret}"}
            yield Live(client, database, desk, depot_id)
    finally:
        await database.dispose()


async def _stock(live: Live) -> Stock:
    async with live.db.transaction() as s:
        row = await s.scalar(
            select(Stock).where(Stock.depot_id == live.depot_id, Stock.item_code == "water")
        )
    assert row is not None
    return row


async def _ledger_count(live: Live, reason_prefix: str) -> int:
    async with live.db.transaction() as s:
        n = await s.scalar(
            select(func.count())
            .select_from(StockLedger)
            .where(
                StockLedger.depot_id == live.depot_id, StockLedger.reason.like(f"{reason_prefix}%")
            )
        )
    return int(n or 0)


async def _adjust(live: Live, delta: int, reason: str) -> httpx.Response:
    return await live.client.post(
        f"/api/v1/depots/{live.depot_id}/stock/water/adjustments",
        json={"delta": delta, "reason": reason},
        headers=live.desk,
    )


async def test_concurrent_receipts_lose_nothing(live: Live) -> None:
    start = (await _stock(live)).on_hand
    responses = await asyncio.gather(*(_adjust(live, 1, f"receipt {i}") for i in range(N)))
    assert [r.status_code for r in responses] == [200] * N
    assert (await _stock(live)).on_hand == start + N
    assert await _ledger_count(live, "receipt ") == N
    assert sorted(r.json()["on_hand"] for r in responses) == list(range(start + 1, start + N + 1))


async def test_concurrent_withdrawals_never_go_below_reserved(live: Live) -> None:
    put = await live.client.put(
        f"/api/v1/depots/{live.depot_id}/stock/water",
        json={"on_hand": 20, "reserve_floor": 0},
        headers=live.desk,
    )
    assert put.status_code == 200, put.text
    async with live.db.transaction() as s:
        await s.execute(
            text("UPDATE stock SET reserved = 5 WHERE depot_id = :d AND item_code = 'water'"),
            {"d": live.depot_id},
        )
    responses = await asyncio.gather(*(_adjust(live, -1, f"use {i}") for i in range(N)))
    codes = [r.status_code for r in responses]
    assert set(codes) <= {200, 409}
    assert codes.count(200) == 15
    final = await _stock(live)
    assert (final.on_hand, final.reserved) == (5, 5)
    assert await _ledger_count(live, "use ") == 15


async def test_concurrent_replays_of_one_key_file_once(live: Live) -> None:
    body = {
        "member_code": "27",
        "delivery": {"name": "Tennoji", "lat": 34.646, "lon": 135.514},
        "lines": [{"item_code": "meals", "quantity": 300}],
    }
    headers = live.desk | {"Idempotency-Key": "race-1"}
    responses = await asyncio.gather(
        *(live.client.post("/api/v1/aid-requests", json=body, headers=headers) for _ in range(10))
    )
    codes = [r.status_code for r in responses]
    assert set(codes) <= {201, 409}
    assert 201 in codes
    assert len({r.json()["id"] for r in responses if r.status_code == 201}) == 1
    async with live.db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(AidRequest)) == 1
