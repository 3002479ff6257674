"""The authorization matrix, generated from the app's route table (issue 8, SPEC §7).

Every route (``app.routes``) × every principal — a desk of the member that owns the target, a
desk of another member, coordinator, ems, observer, admin, no token, a revoked token and an
expired token — is called once, against ``RULES`` (``authorization_rules.py``): an expectation
table kept independently of the code, saying which roles may call each route and whether desks
may only act for their own member. A route without a rule fails the test, so a new route cannot ship
without someone deciding who may call it.

- An allowed principal gets its 2xx (or a status the case names, never 401/403).
- A refused one gets exactly 401 (no, revoked or expired token) or 403 (wrong role or member) as
  problem+json, and the database is unchanged: every table has as many rows as before.

One app and one database transaction: each call runs inside a savepoint that is rolled back, so
every principal meets the same seeded state and the same targets.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import text, update

from tests.api import matrix_logistics
from tests.api.api_helpers import OSAKA_POINT, PROBLEM_JSON, filing
from tests.api.authorization_rules import (
    ADMIN,
    COORD,
    DESK,
    EMS,
    OTHER,
    OWN,
    PRINCIPALS,
    RULES,
    Rule,
    expected,
)
from tests.api.matrix_bodies import GUEST, ITEM, NIGHT_OR_ORDER, SHELTER, Call, Ctx
from tests.api.matrix_medevac import arrange_medevac, medevac_calls
from tests.app_support import make_settings
from ukg_aid import clock
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.auth.models import ApiToken
from ukg_aid.principal import Role


def _calls(ctx: Ctx) -> dict[tuple[str, str], Call]:
    """Targets and bodies for the routes that need more than their path ids."""
    stock = "/api/v1/depots/{depot_id}/stock/{item_code}"
    dispatch_from = ctx["reserved_allocation"]["supplier_code"]
    delivered_by = ctx["dispatched_allocation"]["supplier_code"]
    mission = {"member_code": OWN, "scene": dict(OSAKA_POINT), "severity": "red", "patients": 1}
    return {
        ("GET", "/api/v1/events"): Call(params={"after": 0, "limit": 1}),
        ("POST", "/api/v1/incidents"): Call(json={"name": "Matrix drill", "kind": "drill"}),
        ("POST", "/api/v1/members"): Call(json=GUEST),
        ("POST", "/api/v1/shelters"): Call(json=SHELTER),
        ("PATCH", "/api/v1/shelters/{shelter_id}"): Call(json={"evacuees": 150}),
        ("POST", "/api/v1/aid-requests/push/preview"): Call(json={"member_code": OWN}),
        ("POST", "/api/v1/aid-requests/push"): Call(
            json={"member_code": OWN}, headers={"Idempotency-Key": "matrix-push"}
        ),
        ("POST", "/api/v1/aid-requests/push/close"): Call(json={"member_code": OWN}),
        ("PATCH", "/api/v1/incidents/{incident_id}"): Call(json={"note": "matrix"}),
        ("PUT", "/api/v1/incidents/{incident_id}/counterparts"): Call(
            json=[{"supporter_code": OTHER, "recipient_code": OWN}]
        ),
        ("POST", "/api/v1/items"): Call(json=ITEM),
        ("PATCH", "/api/v1/items/{code}"): Call(json={"name_en": "Drinking water"}),
        ("POST", "/api/v1/depots"): Call(
            json={"member_code": OWN, "name": "Matrix depot", "lat": 34.70, "lon": 135.50}
        ),
        ("PATCH", "/api/v1/depots/{depot_id}"): Call(json={"name": "Renamed by the matrix"}),
        ("PUT", stock): Call(json={"on_hand": ctx["own_water_on_hand"] + 1}),
        ("POST", stock + "/adjustments"): Call(json={"delta": 1, "reason": "matrix"}),
        ("POST", "/api/v1/stock/import"): Call(
            json={
                "csv": f"depot_id,item_code,on_hand\n{ctx['own_depot']},water,"
                f"{ctx['own_water_on_hand'] + 2}\n",
                "reason": "matrix",
                "dry_run": False,
            }
        ),
        ("POST", "/api/v1/aid-requests"): Call(json=filing(OWN)),
        ("POST", "/api/v1/aid-requests/{request_id}/cancel"): Call(
            path={"request_id": ctx["cancellable_request"]}
        ),
        ("POST", "/api/v1/plans"): Call(json={"request_ids": [ctx["unplanned_request"]]}),
        ("POST", "/api/v1/plans/{plan_id}/approve"): Call(path={"plan_id": ctx["proposed_plan"]}),
        ("POST", "/api/v1/plans/{plan_id}/discard"): Call(path={"plan_id": ctx["proposed_plan"]}),
        ("POST", "/api/v1/allocations/{allocation_id}/dispatch"): Call(
            path={"allocation_id": ctx["reserved_allocation"]["id"]},
            owner=dispatch_from,
            other=OWN,  # the requester's desk may not ship from the supplier's depot
        ),
        ("POST", "/api/v1/allocations/{allocation_id}/deliver"): Call(
            path={"allocation_id": ctx["dispatched_allocation"]["id"]},
            other=delivered_by,  # the supplier's desk may not confirm the delivery
        ),
        ("PATCH", "/api/v1/helicopters/{heli_id}"): Call(json={"status": "maintenance"}),
        ("POST", "/api/v1/medevac-missions"): Call(json=mission),
        ("POST", "/api/v1/medevac-missions/{mission_id}/assign"): Call(
            tolerate=NIGHT_OR_ORDER, why="at night no aircraft can fly: 409 names the reason"
        ),
        ("POST", "/api/v1/medevac-missions/{mission_id}/{action}"): Call(
            tolerate=NIGHT_OR_ORDER, why="a pending mission cannot go en_route etc. yet: 409"
        ),
        **{route: Call(**kw) for route, kw in medevac_calls(ctx).items()},
        ("POST", "/api/v1/tokens"): Call(json={"name": "matrix-new", "role": "observer"}),
        ("POST", "/api/v1/tokens/{name}/revoke"): Call(path={"name": "matrix-victim"}),
    } | {route: Call(**kw) for route, kw in matrix_logistics.calls(ctx).items()}


def _default_path(ctx: Ctx, path: str) -> dict[str, Any]:
    values = {
        "code": "water" if "/items/" in path else OWN,
        "depot_id": ctx["own_depot"],
        "item_code": "water",
        "request_id": ctx["planned_request"],
        "plan_id": ctx["approved_plan"],
        "allocation_id": ctx["reserved_allocation"]["id"],
        "heli_id": ctx["helicopter"],
        "mission_id": ctx["mission"],
        "staging_id": ctx["staging"],
        "hospital_id": ctx["own_hospital"],
        "hold_id": ctx["hold"],
        "incident_id": ctx["incident"],
        "shelter_id": ctx["shelter"],
        "shipment_id": ctx["reserved_allocation"]["shipment_id"],
        "closure_id": ctx["closure"],
    }
    return {k: v for k, v in values.items() if "{" + k + "}" in path}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    variant: dict[str, str]  # enum path values (one case per value)
    needs_body: bool


def app_routes() -> list[Route]:
    """Every (method, path) the app serves, with enum path parameters expanded."""
    app = create_app()
    routes = []
    for ctx in iter_route_contexts(app.routes):
        for method in sorted((ctx.methods or set()) - {"HEAD"}):
            variants: list[dict[str, str]] = [{}]
            original = ctx.original_route
            if isinstance(original, APIRoute):
                for param in original.dependant.path_params:
                    kind = param.field_info.annotation
                    if isinstance(kind, type) and issubclass(kind, enum.Enum):
                        variants = [{param.name: str(v.value)} for v in kind]
                needs_body = any(p.field_info.is_required() for p in original.dependant.body_params)
            else:
                needs_body = False
            routes += [Route(method, str(ctx.path), v, needs_body) for v in variants]
    return routes


def test_every_route_has_a_declared_rule() -> None:
    served = {(r.method, r.path) for r in app_routes()}
    missing = sorted(served - RULES.keys())
    assert missing == [], f"declare who may call these routes in RULES: {missing}"
    stale = sorted(RULES.keys() - served)
    assert stale == [], f"RULES names routes the app no longer serves: {stale}"


class Principals:
    """Auth headers for every principal, issued once in the test's transaction."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.cache: dict[tuple[Role, str | None], dict[str, str]] = {}

    async def issue(self, role: Role, member: str | None = None, name: str | None = None) -> str:
        async with self.db.transaction() as s:
            issued = await auth_service.create_token(
                s,
                name=name or f"matrix-{role.value}-{member or 'union'}",
                role=role,
                member_code=member,
                expires_in_days=1,
            )
        return issued.secret

    async def headers(self, role: Role, member: str | None = None) -> dict[str, str]:
        if (role, member) not in self.cache:
            self.cache[role, member] = {"Authorization": f"Bearer {await self.issue(role, member)}"}
        return self.cache[role, member]

    async def prepare_dead_tokens(self) -> None:
        revoked = await self.issue(Role.admin, name="matrix-revoked")
        expired = await self.issue(Role.admin, name="matrix-expired")
        async with self.db.transaction() as s:
            await auth_service.revoke_token(s, name="matrix-revoked")
            await s.execute(
                update(ApiToken)
                .where(ApiToken.name == "matrix-expired")
                .values(expires_at=clock.now() - timedelta(minutes=1))
            )
        self.cache[Role.admin, "revoked"] = {"Authorization": f"Bearer {revoked}"}
        self.cache[Role.admin, "expired"] = {"Authorization": f"Bearer {expired}"}

    async def of(self, principal: str, call: Call) -> dict[str, str]:
        if principal == "no token":
            return {}
        if principal in ("revoked token", "expired token"):
            return self.cache[Role.admin, principal.split(maxsplit=1)[0]]
        if principal == "desk own member":
            return await self.headers(Role.desk, call.owner)
        if principal == "desk other member":
            return await self.headers(Role.desk, call.other)
        return await self.headers(Role(principal))


async def _ok(resp: httpx.Response) -> Any:
    assert resp.is_success, (resp.request.url, resp.text)
    return resp.json()


async def _file(client: httpx.AsyncClient, who: Principals, quantity: int | None = None) -> int:
    """An open aid request of the own member (water and blankets, or ``quantity`` water)."""
    lines = None if quantity is None else [{"item_code": "water", "quantity": quantity}]
    body = filing(OWN) if lines is None else filing(OWN, lines=lines)
    resp = await client.post(
        "/api/v1/aid-requests", json=body, headers=await who.headers(DESK, OWN)
    )
    return int((await _ok(resp))["id"])


async def _arrange_plans(client: httpx.AsyncClient, who: Principals) -> Ctx:
    """An approved plan with one allocation shipped and one reserved; a proposed plan."""
    coord = await who.headers(COORD)
    planned = await _file(client, who)
    body = {"request_ids": [planned]}
    plan = await _ok(await client.post("/api/v1/plans", json=body, headers=coord))
    assert len(plan["allocations"]) >= 2, plan
    plan = await _ok(await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord))
    shipped, reserved = plan["allocations"][0], plan["allocations"][1]
    shipper = await who.headers(DESK, shipped["supplier_code"])
    await _ok(await client.post(f"/api/v1/allocations/{shipped['id']}/dispatch", headers=shipper))
    body = {"request_ids": [await _file(client, who, 10)]}
    proposed = await _ok(await client.post("/api/v1/plans", json=body, headers=coord))
    desk = lambda code: who.headers(DESK, code)  # noqa: E731
    return await matrix_logistics.arrange_shipment(
        client, coord, await _file(client, who, 5), desk
    ) | {
        "planned_request": planned,
        "approved_plan": plan["id"],
        "dispatched_allocation": shipped,
        "reserved_allocation": reserved,
        "proposed_plan": proposed["id"],
        "unplanned_request": await _file(client, who, 20),
        "cancellable_request": await _file(client, who, 30),
    }


async def _arrange(client: httpx.AsyncClient, who: Principals) -> Ctx:
    """Targets in the states their actions need, through the API like any client."""
    admin = await who.headers(ADMIN)
    ctx = await _arrange_plans(client, who)
    depots = await _ok(await client.get("/api/v1/depots", params={"member": OWN}, headers=admin))
    ctx["own_depot"] = depots["items"][0]["id"]
    query = {"status": "active"}
    incidents = await _ok(await client.get("/api/v1/incidents", params=query, headers=admin))
    ctx["incident"] = incidents["items"][0]["id"]
    shelter = await client.post("/api/v1/shelters", json=SHELTER | {"evacuees": 120}, headers=admin)
    ctx["shelter"] = (await _ok(shelter))["id"]
    query = {"depot_id": ctx["own_depot"], "item": "water"}
    rows = (await _ok(await client.get("/api/v1/stock", params=query, headers=admin)))["items"]
    ctx["own_water_on_hand"] = rows[0]["on_hand"] if rows else 0
    query = {"status": "available"}
    helis = await _ok(await client.get("/api/v1/helicopters", params=query, headers=admin))
    ctx["helicopter"] = helis["items"][0]["id"]
    mission = {"member_code": OWN, "scene": dict(OSAKA_POINT), "severity": "red", "patients": 1}
    ems = await who.headers(EMS)
    ctx["mission"] = (
        await _ok(await client.post("/api/v1/medevac-missions", json=mission, headers=ems))
    )["id"]
    await arrange_medevac(client, ems, ctx)
    await who.issue(Role.observer, name="matrix-victim")
    ctx["closure"] = await matrix_logistics.closure(client, admin, ctx["incident"])
    return ctx


async def _row_counts(conn: Any, tables: list[str]) -> dict[str, int]:
    counts = ", ".join(f'(SELECT count(*) FROM "{t}") AS "{t}"' for t in tables)
    row = (await conn.execute(text(f"SELECT {counts}"))).mappings().one()
    return dict(row)


def _url(route: Route, call: Call, ctx: Ctx) -> str:
    values = _default_path(ctx, route.path) | route.variant | call.path
    url = route.path
    for key, value in values.items():
        url = url.replace("{" + key + "}", str(value))
    assert "{" not in url, f"no value for a path parameter of {route.path}"
    return url


PUBLIC_TABLES = text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")


async def _call_in_savepoint(
    client: httpx.AsyncClient,
    db: Any,
    tables: list[str],
    route: Route,
    url: str,
    call: Call,
    headers: dict[str, str],
) -> tuple[httpx.Response, dict[str, int], dict[str, int]]:
    """One call, rolled back afterwards; with the row counts before and after it."""
    savepoint = await db.conn.begin_nested()
    try:
        before = await _row_counts(db.conn, tables)
        resp = await client.request(
            route.method, url, params=call.params, json=call.json, headers=headers | call.headers
        )
        return resp, before, await _row_counts(db.conn, tables)
    finally:
        await savepoint.rollback()


async def test_authorization_matrix(db, record_property: Callable[[str, object], None]) -> None:
    app = create_app(make_settings(db.url), database=db)
    started = time.perf_counter()
    failures: list[str] = []
    checked = 0
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        who = Principals(db)
        await who.prepare_dead_tokens()
        ctx = await _arrange(client, who)
        calls = _calls(ctx)
        tables = sorted((await db.conn.execute(PUBLIC_TABLES)).scalars())
        for route in app_routes():
            call = calls.get((route.method, route.path), Call())
            if route.needs_body and (route.method, route.path) not in calls:
                failures.append(f"{route.method} {route.path}: declare its body in _calls")
            url = _url(route, call, ctx)
            for principal in PRINCIPALS:
                headers = await who.of(principal, call)
                outcome = await _call_in_savepoint(client, db, tables, route, url, call, headers)
                checked += 1
                failure = _judge(RULES[route.method, route.path], principal, call, *outcome)
                if failure:
                    failures.append(f"{route.method} {url} as {principal}: {failure}")
    elapsed = time.perf_counter() - started
    record_property("authorization_cases", checked)
    print(f"\nauthorization matrix: {checked} route × principal cases in {elapsed:.1f} s")
    assert failures == [], "\n".join(failures)
    assert checked == len(app_routes()) * len(PRINCIPALS)


def _judge(
    rule: Rule,
    principal: str,
    call: Call,
    resp: httpx.Response,
    before: dict[str, int],
    after: dict[str, int],
) -> str | None:
    want = expected(rule, principal)
    got = resp.status_code
    if want is None:
        if got in (401, 403):
            return f"allowed, but refused with {got}: {resp.text[:200]}"
        if not (200 <= got < 300 or got in call.tolerate):
            return (
                f"allowed, but got {got} ({call.why or 'no status tolerated'}): {resp.text[:200]}"
            )
        return None
    if got != want:
        return f"must be refused with {want}, got {got}: {resp.text[:200]}"
    if not resp.headers.get("content-type", "").startswith(PROBLEM_JSON):
        return f"refusal is not problem+json: {resp.headers.get('content-type')}"
    if before != after:
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        return f"refused, yet rows changed: {changed}"
    return None
