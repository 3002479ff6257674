"""Lean routes (``ukg_aid.lean``, issue 11): the depot read is served by a Starlette route in
front of FastAPI's, with the same answers, the same refusals, and FastAPI's route for all else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

from tests.api.api_helpers import assert_problem
from tests.app_support import make_settings
from ukg_aid import api, clock
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.deps import Guard, Reader, Session, api_router, get_session, json_response, lean
from ukg_aid.lean import LeanRoute, lean_route
from ukg_aid.principal import Principal, Role
from ukg_aid.schemas import DB_INT_MAX, IdParam

TEMPLATE = "/api/v1/depots/{depot_id}"


@dataclass
class Served:
    """The app through ASGI, remembering which route served each request."""

    app: FastAPI
    routes: list[object] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.routes.append(scope.get("route"))

    def last_was_lean(self) -> bool:
        return isinstance(self.routes[-1], LeanRoute)

    def last_was_fastapis(self) -> bool:
        return isinstance(self.routes[-1], APIRoute)


@pytest.fixture
async def served(db: Database) -> AsyncIterator[tuple[Served, httpx.AsyncClient]]:
    recorder = Served(create_app(make_settings(db.url), database=db))
    transport = httpx.ASGITransport(app=recorder)
    async with httpx.AsyncClient(transport=transport, base_url="http://lean") as client:
        yield recorder, client


def _lean(app: FastAPI) -> LeanRoute:
    found = [r for r in app.router.routes if isinstance(r, LeanRoute)]
    assert [r.path for r in found] == [TEMPLATE]
    return found[0]


def test_the_lean_route_comes_before_the_api_routers(db: Database) -> None:
    app = create_app(make_settings(db.url), database=db)
    route = _lean(app)
    position = app.router.routes.index(route)
    included = [i for i, r in enumerate(app.router.routes) if type(r).__name__ == "_IncludedRouter"]
    assert included[0] < position < included[1]  # after the health router, before the API's


def _scope(method: str, path: str) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/api/v1/depots/5", Match.FULL),
        ("GET", f"/api/v1/depots/{DB_INT_MAX}", Match.FULL),
        ("GET", "/api/v1/depots/0", Match.FULL),  # a valid id that matches nothing: its 404
        ("GET", "/api/v1/depots/007", Match.NONE),  # not canonical: FastAPI's 422
        ("GET", f"/api/v1/depots/{DB_INT_MAX + 1}", Match.NONE),
        ("GET", "/api/v1/depots/abc", Match.NONE),
        ("GET", "/api/v1/depots/5/ledger", Match.NONE),
        ("HEAD", "/api/v1/depots/5", Match.NONE),
        ("PATCH", "/api/v1/depots/5", Match.NONE),  # FastAPI's PATCH route, never a 405 here
    ],
)
def test_the_lean_route_matches_only_what_it_serves_as_fastapi_would(
    db: Database, method: str, path: str, expected: Match
) -> None:
    match, child = _lean(create_app(make_settings(db.url), database=db)).matches(
        _scope(method, path)
    )
    assert match is expected
    if expected is Match.FULL:
        assert child["route"].path == TEMPLATE  # what the metrics count it under


async def test_a_depot_read_is_served_lean_with_the_same_answer(
    served: tuple[Served, httpx.AsyncClient], tokens
) -> None:
    recorder, client = served
    headers = await tokens.headers(Role.desk, "27")
    listed = (await client.get("/api/v1/depots", params={"member": "27"}, headers=headers)).json()
    depot = listed["items"][0]
    resp = await client.get(f"/api/v1/depots/{depot['id']}", headers=headers)
    assert resp.status_code == 200, resp.text
    assert recorder.last_was_lean()
    assert resp.headers["content-type"] == "application/json"
    assert resp.json() == depot


async def test_refusals_are_the_routes_own_problems(
    served: tuple[Served, httpx.AsyncClient], tokens, db: Database
) -> None:
    """No token, an unknown token, a revoked one, a depot that does not exist: the same 401 and
    404 problems, raised in the lean route and answered by the app's problem handlers."""
    recorder, client = served
    headers = await tokens.headers(Role.observer)
    async with db.transaction() as s:
        revoked = await auth_service.create_token(
            s, name="lean-revoked", role=Role.observer, member_code=None, expires_in_days=1
        )
        await auth_service.revoke_token(s, name="lean-revoked")
        expired = await auth_service.create_token(
            s,
            name="lean-expired",
            role=Role.observer,
            member_code=None,
            expires_in_days=1,
            at=clock.now() - timedelta(days=2),
        )
    cases = [
        ({}, 401, "missing-token"),
        ({"Authorization": "Bearer not-a-token"}, 401, "invalid-token"),
        ({"Authorization": f"Bearer {revoked.secret}"}, 401, "revoked-token"),
        ({"Authorization": f"Bearer {expired.secret}"}, 401, "expired-token"),
        (headers, 404, "unknown-depot"),
    ]
    for sent, status, code in cases:
        body = assert_problem(await client.get("/api/v1/depots/424242", headers=sent), status)
        assert recorder.last_was_lean()
        assert body["code"] == code


@pytest.mark.parametrize("raw", ["007", str(DB_INT_MAX + 1), "-1", "1.0", "%EF%BC%91"])
async def test_an_id_the_lean_route_declines_gets_fastapis_422(
    served: tuple[Served, httpx.AsyncClient], tokens, raw: str
) -> None:
    recorder, client = served
    headers = await tokens.headers(Role.observer)
    assert_problem(await client.get(f"/api/v1/depots/{raw}", headers=headers), 422)
    assert recorder.last_was_fastapis()


async def test_head_goes_to_fastapi_as_before(
    served: tuple[Served, httpx.AsyncClient], tokens
) -> None:
    recorder, client = served
    headers = await tokens.headers(Role.observer)
    resp = await client.head("/api/v1/depots/1", headers=headers)
    assert resp.status_code == 405
    assert recorder.last_was_fastapis()


# Routes a lean route cannot serve exactly: refused when the app is built, naming why.
_probe = api_router()


async def _idempotent(request: Request) -> str:
    return request.method


@_probe.get("/with-query")
async def _with_query(session: Session, _: Reader, q: Annotated[int, Query()] = 1) -> Response:
    return json_response(q)


@_probe.get("/with-request/{x}")
async def _with_request(x: IdParam, request: Request, _: Reader) -> Response:
    return json_response(x)


@_probe.get("/other-dependency/{x}")
async def _other(x: IdParam, key: Annotated[str, Depends(_idempotent)]) -> Response:
    return json_response(x)


@_probe.post("/posted/{x}")
async def _posted(x: IdParam, _: Reader) -> Response:
    return json_response(x)


@_probe.get("/sync/{x}")
def _sync(x: IdParam) -> Response:
    return json_response(x)


@_probe.get("/a-model/{x}")
async def _a_model(x: IdParam, _: Reader) -> dict[str, int]:
    return {"x": x}


class _ThreadedGuard(Guard):
    def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        raise AssertionError("never called: refused when the app is built")


@_probe.get("/threaded-guard/{x}")
async def _threaded(
    x: IdParam, _: Annotated[Principal, Depends(_ThreadedGuard(Role.admin))]
) -> Response:
    return json_response(x)


_plain = APIRouter()


@_plain.get("/plain/{x}")
async def _plain_route(x: IdParam, _: Reader) -> Response:
    return json_response(x)


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/with-query", "query parameters"),
        ("/with-request/{x}", "the request"),
        ("/other-dependency/{x}", "session and role guards"),
        ("/posted/{x}", "only a GET route"),
        ("/sync/{x}", "async def"),
        ("/a-model/{x}", "must return a Response"),
        ("/threaded-guard/{x}", "awaited on the loop"),
        ("/plain/{x}", "SessionRoute"),
    ],
)
def test_a_route_a_lean_route_cannot_serve_is_refused(path: str, why: str) -> None:
    routes = (*_probe.routes, *_plain.routes)
    route = next(r for r in routes if isinstance(r, APIRoute) and r.path == path)
    lean(route.endpoint)
    with pytest.raises(ValueError, match=why):
        lean_route("/api/v1", route)


async def test_a_database_that_is_down_is_the_same_503() -> None:
    """Nothing listens where the database should be: the lean read's token lookup fails to
    connect, and the app's outage handler answers, as for any route."""
    url = "postgresql+asyncpg://postgres@127.0.0.1:9/ukg_aid_nowhere"
    database = Database(url, pool_size=1)
    recorder = Served(create_app(make_settings(url), database=database))
    transport = httpx.ASGITransport(app=recorder)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://lean") as client:
            resp = await client.get("/api/v1/depots/1", headers={"Authorization": "Bearer x"})
    finally:
        await database.dispose()
    assert_problem(resp, 503)
    assert recorder.last_was_lean()


async def test_overridden_dependencies_are_left_to_fastapi(
    served: tuple[Served, httpx.AsyncClient], tokens
) -> None:
    """A test that overrides a dependency (``app.dependency_overrides``) gets it: the lean route
    declines while any override is set, and FastAPI resolves them."""
    recorder, client = served
    headers = await tokens.headers(Role.observer)
    seen: list[str] = []

    async def session_spy(request: Request) -> Any:
        seen.append(request.url.path)
        return await get_session(request)

    recorder.app.dependency_overrides[get_session] = session_spy
    resp = await client.get("/api/v1/depots/424242", headers=headers)
    assert_problem(resp, 404)
    assert recorder.last_was_fastapis()
    assert seen == ["/api/v1/depots/424242"]
    recorder.app.dependency_overrides.clear()
    assert_problem(await client.get("/api/v1/depots/424242", headers=headers), 404)
    assert recorder.last_was_lean()


def test_app_wide_dependencies_are_refused() -> None:
    """Dependencies set for the whole app would apply to FastAPI's routes but not the lean one."""
    app = FastAPI(dependencies=[Depends(get_session)])
    with pytest.raises(ValueError, match="app-wide dependencies"):
        api.include(app)
