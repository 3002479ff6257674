"""Every route that uses the request's session owns it (``deps.SessionRoute``, issue 11): the
session is opened on demand and closed — committed or rolled back — before the answer leaves."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy import select

from ukg_aid import api, health
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.config import Settings
from ukg_aid.console.router import router as console_router
from ukg_aid.db import Database
from ukg_aid.deps import SessionRoute, get_session
from ukg_aid.principal import Role
from ukg_aid.stockpiles.models import Depot, StockLedger


def _calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _routes() -> Iterator[APIRoute]:
    for router in (*api.ROUTERS, health.router, console_router):
        yield from (r for r in router.routes if isinstance(r, APIRoute))


def test_every_route_using_the_session_owns_it() -> None:
    users = [r for r in _routes() if get_session in set(_calls(r.dependant))]
    assert len(users) > 90  # the API's routes, found through their dependency trees
    assert [r.path for r in users if not isinstance(r, SessionRoute)] == []


async def test_every_outcome_returns_its_connection(live_db: Database) -> None:
    """Reads and writes, answered, refused before or after the session opened, failed in the
    database: each request's route closes what it opened (the pool holds nothing afterwards),
    and what a refused write touched is rolled back."""
    settings = Settings(database_url=live_db.url)
    database = Database(settings.database_url, pool_size=5)
    async with database.transaction() as s:
        desk = await auth_service.create_token(
            s, name="desk-27-route", role=Role.desk, member_code="27", expires_in_days=1
        )
        depot = await s.scalar(select(Depot.id).where(Depot.member_code == "27").limit(1))
    headers = {"Authorization": f"Bearer {desk.secret}"}
    adjust = f"/api/v1/depots/{depot}/stock/water/adjustments"
    calls = [
        ("GET", "/api/v1/stock", None, 200),
        ("GET", "/api/v1/depots/999999", None, 404),
        ("GET", "/api/v1/depots/1", {}, 401),  # no token: refused before any statement
        ("POST", adjust, {"delta": 3, "reason": "route test"}, 200),
        ("POST", adjust, {"delta": -(10**9), "reason": "more than there is"}, 409),
        ("POST", adjust, {"delta": "x", "reason": "not a number"}, 422),
    ]
    transport = httpx.ASGITransport(app=create_app(settings, database=database))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://route") as client:
            for method, path, body, expected in calls:
                sent = {} if body == {} else headers
                resp = await client.request(method, path, json=body or None, headers=sent)
                assert resp.status_code == expected, (path, resp.text)
                assert database.engine.pool.checkedout() == 0, path  # type: ignore[attr-defined]
        async with database.transaction() as s:
            ledger = await s.scalars(
                select(StockLedger.reason).where(StockLedger.depot_id == depot)
            )
            assert [r for r in ledger if r in ("route test", "more than there is")] == [
                "route test"
            ]
    finally:
        await database.dispose()


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


async def test_the_route_index_finds_every_api_route(client: httpx.AsyncClient) -> None:
    """Routers skip a path whose first segment none of their routes has (``deps.IndexedRouter``,
    issue 11): every API route must still be reached — refused for want of a token (401) or its
    input (422), never unmatched (404, 405)."""
    seen = 0
    for router in api.ROUTERS:
        for route in (r for r in router.routes if isinstance(r, APIRoute)):
            for method in route.methods:
                resp = await client.request(method, f"{api.PREFIX}{_concrete(route.path)}")
                assert resp.status_code in (401, 422), (method, route.path, resp.status_code)
                seen += 1
    assert seen > 90
    assert (await client.get(f"{api.PREFIX}/no-such-thing")).status_code == 404
    assert (await client.get("/healthz")).status_code == 200
