"""Every route that uses the request's session owns it (``deps.SessionRoute``, issue 11): the
session is opened on demand and closed — committed or rolled back — before the answer leaves."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy import event, select, text
from starlette.types import Message, Send

from ukg_aid import api, health
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.config import Settings
from ukg_aid.console.router import router as console_router
from ukg_aid.db import Database
from ukg_aid.db.session import Limits, PoolOptions
from ukg_aid.deps import Guard, SessionRoute, get_principal, get_session
from ukg_aid.principal import Role
from ukg_aid.stockpiles.models import Depot, Stock, StockLedger


def _calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _routes() -> Iterator[APIRoute]:
    for router in (*api.ROUTERS, health.router, console_router):
        yield from (r for r in router.routes if isinstance(r, APIRoute))


def _uses_session(call: object) -> bool:
    """The session itself, or what authenticates on it (the principal, a role guard)."""
    return call in (get_session, get_principal) or isinstance(call, Guard)


def test_every_route_using_the_session_owns_it() -> None:
    users = [r for r in _routes() if any(_uses_session(c) for c in _calls(r.dependant))]
    assert len(users) > 90  # the API's routes, found through their dependency trees
    assert [r.path for r in users if not isinstance(r, SessionRoute)] == []


@dataclass
class Live:
    app: FastAPI
    client: httpx.AsyncClient
    database: Database
    headers: dict[str, str]
    adjust: str
    depot: int


@pytest.fixture
async def live(live_db: Database) -> AsyncIterator[Live]:
    settings = Settings(database_url=live_db.url, db_retries=0)
    database = Database(settings.database_url, pool_size=5)
    async with database.transaction() as s:
        desk = await auth_service.create_token(
            s, name="desk-27-route", role=Role.desk, member_code="27", expires_in_days=1
        )
        depot = await s.scalar(select(Depot.id).where(Depot.member_code == "27").limit(1))
    assert depot is not None
    app = create_app(settings, database=database)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://route") as client:
            headers = {"Authorization": f"Bearer {desk.secret}"}
            adjust = f"/api/v1/depots/{depot}/stock/water/adjustments"
            yield Live(app, client, database, headers, adjust, depot)
    finally:
        await database.dispose()


async def _reasons(live: Live) -> list[str]:
    async with live.database.transaction() as s:
        found = await s.scalars(
            select(StockLedger.reason).where(StockLedger.depot_id == live.depot)
        )
        return list(found)


async def test_every_outcome_returns_its_connection(live: Live) -> None:
    """Reads and writes, answered or refused before or after the session opened: each
    request's route closes what it opened (the pool holds nothing afterwards), and what a
    refused write touched is rolled back."""
    calls = [
        ("GET", "/api/v1/stock", None, 200),
        ("GET", "/api/v1/depots/999999", None, 404),
        ("GET", "/api/v1/depots/1", {}, 401),  # no token: refused before any statement
        ("POST", live.adjust, {"delta": 3, "reason": "route test"}, 200),
        ("POST", live.adjust, {"delta": -(10**9), "reason": "more than there is"}, 409),
        ("POST", live.adjust, {"delta": "x", "reason": "not a number"}, 422),
    ]
    for method, path, body, expected in calls:
        sent = {} if body == {} else live.headers
        resp = await live.client.request(method, path, json=body or None, headers=sent)
        assert resp.status_code == expected, (path, resp.text)
        assert live.database.engine.pool.checkedout() == 0, path  # type: ignore[attr-defined]
    reasons = await _reasons(live)
    assert "route test" in reasons
    assert "more than there is" not in reasons


async def test_a_write_that_fails_in_the_database_is_rolled_back(live: Live) -> None:
    """The stock row and its ledger row are written, then the audit row fails in the database
    (a trigger raises): the route rolls the whole request back."""
    async with live.database.transaction() as s:
        before = await s.scalar(select(Stock.on_hand).where(Stock.depot_id == live.depot))
        for statement in _FAILING_AUDIT:
            await s.execute(text(statement))
    body = {"delta": 5, "reason": "fails at the audit row"}
    resp = await live.client.post(live.adjust, json=body, headers=live.headers)
    assert resp.status_code >= 500, resp.text
    assert "fails at the audit row" not in await _reasons(live)
    async with live.database.transaction() as s:
        assert await s.scalar(select(Stock.on_hand).where(Stock.depot_id == live.depot)) == before
    assert live.database.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


_FAILING_AUDIT = (
    "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql"
    " AS $$ BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$",
    "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events"
    " FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
)


async def test_a_write_is_committed_before_its_answer_starts(live: Live, pg_server: str) -> None:
    """At the first byte of the answer (``http.response.start``) the change is already visible
    to another connection: a client that got a 2xx can rely on it."""
    name = live.database.engine.url.database
    seen: list[int] = []

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            with psycopg.connect(f"{pg_server}/{name}", autocommit=True) as other:
                row = other.execute(
                    "SELECT count(*) FROM stock_ledger WHERE reason = %s", ("seen at start",)
                ).fetchone()
                seen.append(int(row[0]) if row else -1)

    await _asgi(
        live.app, "POST", live.adjust, live.headers, {"delta": 1, "reason": "seen at start"}, send
    )
    assert seen == [1]


async def test_a_read_holds_at_most_one_connection(live: Live) -> None:
    """``GET /me`` looks its token up on the lease, then reads the token through the ORM:
    the lease goes back before the ORM's connection is taken (never two at once)."""
    pool = live.database.engine.sync_engine.pool
    held = [0]
    peak = [0]

    def out(*_: object) -> None:
        held[0] += 1
        peak[0] = max(peak[0], held[0])

    def back(*_: object) -> None:
        held[0] -= 1

    event.listen(pool, "checkout", out)
    event.listen(pool, "checkin", back)
    try:
        resp = await live.client.get("/api/v1/me", headers=live.headers)
    finally:
        event.remove(pool, "checkout", out)
        event.remove(pool, "checkin", back)
    assert resp.status_code == 200, resp.text
    assert resp.json()["name"] == "desk-27-route"
    assert (peak[0], held[0]) == (1, 0)


async def _asgi(
    app: FastAPI,
    method: str,
    path: str,
    headers: dict[str, str],
    body: dict[str, Any],
    send: Send,
) -> None:
    raw = json.dumps(body).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"route"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(raw)).encode()),
            *((k.lower().encode(), v.encode()) for k, v in headers.items()),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": raw, "more_body": False}

    await app(scope, receive, send)


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


async def test_the_route_index_finds_every_api_route(client: httpx.AsyncClient) -> None:
    """Routers skip a path whose first segment none of their routes has (``deps.IndexedRouter``,
    issue 11): every API route must still be reached — refused for want of a token (401) or its
    input (422), never unmatched (404, 405)."""
    seen = 0
    for router in api.ROUTERS:
        for route in (r for r in router.routes if isinstance(r, APIRoute)):
            for method in sorted(route.methods or ()):
                resp = await client.request(method, f"{api.PREFIX}{_concrete(route.path)}")
                assert resp.status_code in (401, 422), (method, route.path, resp.status_code)
                seen += 1
    assert seen > 90
    assert (await client.get(f"{api.PREFIX}/no-such-thing")).status_code == 404
    assert (await client.get("/healthz")).status_code == 200


async def test_reads_that_change_connection_do_not_starve_a_small_pool(live_db: Database) -> None:
    """Forty concurrent reads on a pool of two (no overflow, 1.5 s to find a connection): each
    looks its token up on a lease, and half then read through the ORM on a connection of the
    session's own. Were the lease kept meanwhile, two requests holding leases and waiting for a
    second connection would starve the pool (503 busy); handed back first, all are answered."""
    settings = Settings(database_url=live_db.url, db_pool_size=2, db_max_overflow=0)
    database = Database(
        settings.database_url,
        limits=Limits.from_settings(settings),
        pool=PoolOptions.from_settings(settings),
    )
    async with database.transaction() as s:
        issued = await auth_service.create_token(
            s, name="observer-route", role=Role.observer, member_code=None, expires_in_days=1
        )
    headers = {"Authorization": f"Bearer {issued.secret}"}
    transport = httpx.ASGITransport(app=create_app(settings, database=database))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://route") as client:
            paths = ["/api/v1/me", "/api/v1/stock?limit=5"] * 20
            answers = await asyncio.gather(*(client.get(p, headers=headers) for p in paths))
        assert [r.status_code for r in answers] == [200] * len(paths)
        assert database.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        await database.dispose()
