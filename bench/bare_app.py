"""The bare ceiling for ``bench/api.py``: FastAPI + raw asyncpg doing the service's SQL.

Four routes, the ones ``bench/api.py`` loads: stock list, depot read, stock adjustment and filing
an aid request. Each runs the statements the service's route runs for the same request (the same
token lookup by SHA-256 hash, the same row lock, the same ledger row, audit row and NOTIFY) and
answers the same JSON, but without the ORM, without a transaction around reads, without a
connection check on checkout and without a pool reset on release (a lean asyncpg app would not
pay them). Request bodies are validated by the service's own pydantic models and a delivery point
by the service's own union-area check, so both apps do the same domain work.

    BENCH_BARE_DATABASE_URL=postgresql://... uvicorn bench.bare_app:app --workers 2

Pool: up to ``BENCH_BARE_POOL_MAX`` (default 10) connections per process, half the service's
default 20 (``UKG_AID_DB_POOL_SIZE`` 20, no overflow): on 2 cores more would not serve
faster, and the shared server has 100 slots for everyone. Idle connections close after
``BENCH_BARE_POOL_IDLE_S`` (default 2 s), so the bare app holds almost none while the service
is measured.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any

import asyncpg
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse

from ukg_aid import union_area
from ukg_aid.aid_requests.schemas import AidRequestCreate
from ukg_aid.audit.service import EVENTS_CHANNEL
from ukg_aid.clock import JST, now
from ukg_aid.config import Settings
from ukg_aid.stockpiles.schemas import StockAdjustment

_DEFAULTS = Settings.model_fields  # the service's defaults, so both apps apply the same ones
UNION_BUFFER_KM = float(_DEFAULTS["union_buffer_km"].default)
DEFAULT_LIMIT = int(_DEFAULTS["default_page_limit"].default)
MAX_LIMIT = int(_DEFAULTS["max_page_limit"].default)

TOKEN_SQL = (
    "SELECT id, name, role, member_code, token_hash, prefix, created_at, expires_at, revoked_at"
    " FROM api_tokens WHERE token_hash = $1"
)
DEPOT_SQL = (
    "SELECT id, key, member_code, name, name_ja, kind, lat, lon, status, note, created_at,"
    " updated_at FROM depots WHERE id = $1"
)
STOCK_PAGE_SQL = (
    "SELECT stock.depot_id, depots.member_code, stock.item_code, stock.on_hand, stock.reserved,"
    " stock.reserve_floor, stock.updated_at, (SELECT count(*) FROM stock) AS total"
    " FROM stock JOIN depots ON depots.id = stock.depot_id"
    " ORDER BY stock.depot_id, stock.item_code LIMIT $1 OFFSET $2"
)
"""``stockpiles.reads``: the page and, beside it, the total in one statement (an InitPlan)."""
STOCK_COUNT_SQL = "SELECT count(*) FROM stock"  # a page past the end
LOCK_STOCK_SQL = (
    "SELECT id, depot_id, item_code, on_hand, reserved, reserve_floor, updated_at FROM stock"
    " WHERE depot_id = $1 AND item_code = $2 FOR UPDATE"
)
UPDATE_STOCK_SQL = "UPDATE stock SET on_hand = $1, updated_at = $2 WHERE id = $3"
LEDGER_SQL = (
    "INSERT INTO stock_ledger (stock_id, depot_id, item_code, delta_on_hand, delta_reserved,"
    " delta_reserve_floor, on_hand_after, reserved_after, reserve_floor_after, reason, actor, ref,"
    " at) VALUES ($1, $2, $3, $4, 0, 0, $5, $6, $7, $8, $9, NULL, $10) RETURNING id"
)
AUDIT_SQL = (
    "INSERT INTO audit_events (at, actor, role, member_code, action, entity, entity_id, before,"
    " after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb) RETURNING id"
)
NOTIFY_SQL = "SELECT pg_notify($1, $2)"
MEMBER_SQL = "SELECT code FROM members WHERE code = $1"
ITEMS_SQL = "SELECT code FROM items WHERE code = ANY($1::varchar[])"
REQUEST_SQL = (
    "INSERT INTO aid_requests (member_code, delivery_name, delivery_lat, delivery_lon, priority,"
    " needed_by, status, note, filed_by, filed_at, updated_at, incident_id, kind) VALUES ($1, $2,"
    " $3, $4, $5, $6, 'open', $7, $8, $9, $9, $10, 'pull') RETURNING id, filed_at, updated_at"
)
ACTIVE_INCIDENTS_SQL = "SELECT id FROM incidents WHERE status = 'active' ORDER BY id LIMIT 2"
LINES_SQL = (
    "INSERT INTO aid_request_lines (request_id, item_code, quantity, allocated, dispatched,"
    " delivered) SELECT $1, code, qty, 0, 0, 0 FROM unnest($2::varchar[], $3::int[])"
    " WITH ORDINALITY AS l(code, qty, n) ORDER BY n RETURNING id, item_code, quantity"
)


async def _keep_session(_conn: asyncpg.Connection) -> None:
    """Pool reset hook: this app leaves no session state behind, so release costs no query."""


def problem(status: int, title: str, detail: str) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


class Refused(Exception):
    """A 4xx answer (the service's problem+json shape, minus its extension members)."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.response = problem(status, title, detail)


def _jst(value: datetime | None) -> str | None:
    return value.astimezone(JST).isoformat() if value is not None else None


async def authenticate(
    conn: asyncpg.Connection, request: Request, *roles: str
) -> Mapping[str, Any]:
    """The token row behind ``Authorization: Bearer``, checked like the service checks it."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Refused(401, "Unauthorized", "send 'Authorization: Bearer <token>'")
    token: Mapping[str, Any] | None = await conn.fetchrow(
        TOKEN_SQL, hashlib.sha256(secret.strip().encode()).hexdigest()
    )
    if token is None or token["revoked_at"] is not None:
        raise Refused(401, "Unauthorized", "the bearer token is not valid")
    if token["expires_at"] is not None and token["expires_at"] <= now():
        raise Refused(401, "Unauthorized", "the bearer token has expired")
    if roles and token["role"] not in roles:
        raise Refused(403, "Forbidden", f"role '{token['role']}' may not do this")
    return token


def _require_member(token: Mapping[str, Any], member_code: str) -> None:
    if token["role"] == "desk" and token["member_code"] != member_code:
        raise Refused(403, "Forbidden", f"desk token may not act for member {member_code}")


def depot_json(row: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: row[k] for k in ("id", "key", "member_code", "name", "name_ja", "kind", "lat")}
    out |= {"lon": row["lon"], "status": row["status"], "note": row["note"]}
    return out | {"updated_at": _jst(row["updated_at"])}


def stock_json(row: Mapping[str, Any], member_code: str) -> dict[str, Any]:
    available = max(0, row["on_hand"] - row["reserved"] - row["reserve_floor"])
    return {
        "depot_id": row["depot_id"],
        "member_code": member_code,
        "item_code": row["item_code"],
        "on_hand": row["on_hand"],
        "reserved": row["reserved"],
        "reserve_floor": row["reserve_floor"],
        "available": available,
        "updated_at": _jst(row["updated_at"]),
    }


async def audit(
    conn: asyncpg.Connection,
    token: Mapping[str, Any],
    at: datetime,
    what: tuple[str, str, str],
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """The audit row and the NOTIFY that wakes event streams, as ``audit.service.record``."""
    action, entity, entity_id = what
    event_id = await conn.fetchval(
        AUDIT_SQL,
        at,
        token["name"],
        token["role"],
        token["member_code"],
        action,
        entity,
        entity_id,
        json.dumps(before) if before is not None else None,
        json.dumps(after),
    )
    await conn.execute(NOTIFY_SQL, EVENTS_CHANNEL, str(event_id))


def create_app(dsn: str | None = None, *, pool_max: int | None = None) -> FastAPI:
    """The bare app on ``dsn`` (default ``$BENCH_BARE_DATABASE_URL``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = dsn or os.environ["BENCH_BARE_DATABASE_URL"]
        size = pool_max or int(os.environ.get("BENCH_BARE_POOL_MAX", "10"))
        idle = float(os.environ.get("BENCH_BARE_POOL_IDLE_S", "2"))
        app.state.pool = await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=size,
            max_inactive_connection_lifetime=idle,
            reset=_keep_session,
        )
        try:
            yield
        finally:
            await app.state.pool.close()

    app = FastAPI(title="bare", lifespan=lifespan, openapi_url=None)

    @app.exception_handler(Refused)
    async def refused(_request: Request, exc: Refused) -> JSONResponse:
        return exc.response

    _reads(app)
    _writes(app)
    return app


def _reads(app: FastAPI) -> None:
    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/api/v1/depots/{depot_id}")
    async def get_depot(depot_id: int, request: Request) -> JSONResponse:
        async with request.app.state.pool.acquire() as conn:
            await authenticate(conn, request)
            row = await conn.fetchrow(DEPOT_SQL, depot_id)
        if row is None:
            return problem(404, "Not Found", f"depot {depot_id} does not exist")
        return JSONResponse(depot_json(row))

    @app.get("/api/v1/stock")
    async def list_stock(
        request: Request,
        limit: Annotated[int | None, Query(ge=1)] = None,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> JSONResponse:
        size = min(limit or DEFAULT_LIMIT, MAX_LIMIT)
        async with request.app.state.pool.acquire() as conn:
            await authenticate(conn, request)
            rows = await conn.fetch(STOCK_PAGE_SQL, size, offset)
            total = rows[0]["total"] if rows else await conn.fetchval(STOCK_COUNT_SQL)
        items = [stock_json(r, r["member_code"]) for r in rows]
        return JSONResponse({"items": items, "total": total, "limit": size, "offset": offset})


def _writes(app: FastAPI) -> None:
    @app.post("/api/v1/depots/{depot_id}/stock/{item_code}/adjustments")
    async def adjust_stock(
        depot_id: int, item_code: str, body: StockAdjustment, request: Request
    ) -> JSONResponse:
        async with request.app.state.pool.acquire() as conn, conn.transaction():
            token = await authenticate(conn, request, "desk", "admin")
            return await _adjust(conn, token, depot_id, item_code, body)

    @app.post("/api/v1/aid-requests")
    async def file_request(body: AidRequestCreate, request: Request) -> JSONResponse:
        async with request.app.state.pool.acquire() as conn, conn.transaction():
            token = await authenticate(conn, request, "desk", "admin")
            _require_member(token, body.member_code)
            await _check_request(conn, body)
            at = _resolve(body.at)
            out = await _insert_request(conn, token, body, at)
            what = ("aid_request.file", "aid_request", str(out["id"]))
            await audit(conn, token, at, what, None, out)
        return JSONResponse(out, status_code=201)


def _resolve(at: datetime | None) -> datetime:
    """``ukg_aid.clock.resolve_at``: the given time (naive means Japan time) or now."""
    if at is None:
        return now()
    return at if at.tzinfo else at.replace(tzinfo=JST)


async def _adjust(
    conn: asyncpg.Connection,
    token: Mapping[str, Any],
    depot_id: int,
    item_code: str,
    body: StockAdjustment,
) -> JSONResponse:
    """``stockpiles.service.adjust_stock``: owned depot, locked row, ledger, audit, NOTIFY."""
    depot = await conn.fetchrow(DEPOT_SQL, depot_id)
    if depot is None:
        return problem(404, "Not Found", f"depot {depot_id} does not exist")
    _require_member(token, depot["member_code"])
    row = await conn.fetchrow(LOCK_STOCK_SQL, depot_id, item_code)
    if row is None:
        return problem(404, "Not Found", f"depot {depot_id} holds no '{item_code}'")
    on_hand = row["on_hand"] + body.delta
    if on_hand < 0 or row["reserved"] > on_hand:
        return problem(409, "Conflict", "the change would break a stock invariant")
    at, member = _resolve(body.at), depot["member_code"]
    before = stock_json(row, member)
    after = stock_json({**row, "on_hand": on_hand, "updated_at": at}, member)
    await conn.execute(UPDATE_STOCK_SQL, on_hand, at, row["id"])
    await conn.fetchval(
        LEDGER_SQL,
        *(row["id"], depot_id, item_code, body.delta),
        *(on_hand, row["reserved"], row["reserve_floor"], body.reason, token["name"], at),
    )
    snapshot = {k: after[k] for k in ("on_hand", "reserved", "reserve_floor", "available")}
    state = {k: before[k] for k in snapshot}
    await audit(
        conn, token, at, ("stock.adjust", "stock", f"{depot_id}:{item_code}"), state, snapshot
    )
    return JSONResponse(after)


async def _check_request(conn: asyncpg.Connection, body: AidRequestCreate) -> None:
    """The service's semantic checks: known member and items, point inside the union."""
    codes = [line.item_code for line in body.lines]
    if await conn.fetchval(MEMBER_SQL, body.member_code) is None:
        raise Refused(422, "Unprocessable Content", "unknown member")
    if not union_area.contains(body.delivery.lat, body.delivery.lon, buffer_km=UNION_BUFFER_KM):
        raise Refused(422, "Unprocessable Content", "delivery point is outside the union's area")
    known = {r["code"] for r in await conn.fetch(ITEMS_SQL, codes)}
    if missing := [c for c in codes if c not in known]:
        raise Refused(422, "Unprocessable Content", f"items not in the catalog: {missing}")


async def _insert_request(
    conn: asyncpg.Connection, token: Mapping[str, Any], body: AidRequestCreate, at: datetime
) -> dict[str, Any]:
    needed_by = _resolve(body.needed_by) if body.needed_by else None
    d = body.delivery
    active = [r["id"] for r in await conn.fetch(ACTIVE_INCIDENTS_SQL)]
    incident_id = body.incident_id or (active[0] if len(active) == 1 else None)
    if incident_id is None:
        raise Refused(422, "Unprocessable Content", "name the incident (incident_id)")
    req = await conn.fetchrow(
        REQUEST_SQL,
        body.member_code,
        d.name,
        d.lat,
        d.lon,
        body.priority.value,
        needed_by,
        body.note,
        token["name"],
        at,
        incident_id,
    )
    lines = await conn.fetch(
        LINES_SQL,
        req["id"],
        [ln.item_code for ln in body.lines],
        [ln.quantity for ln in body.lines],
    )
    return {
        "id": req["id"],
        "member_code": body.member_code,
        "incident_id": incident_id,
        "kind": "pull",
        "delivery": {"name": d.name, "lat": d.lat, "lon": d.lon},
        "priority": body.priority.value,
        "needed_by": _jst(needed_by),
        "status": "open",
        "note": body.note,
        "filed_by": token["name"],
        "filed_at": _jst(req["filed_at"]),
        "updated_at": _jst(req["updated_at"]),
        "cancelled_at": None,
        "lines": [
            {**dict(ln), "allocated": 0, "dispatched": 0, "delivered": 0, "lost": 0} for ln in lines
        ],
    }


app = create_app()
