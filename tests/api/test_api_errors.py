"""Errors are problems, never 500s (SPEC §7, §8): unknown routes and ids, 405, weird input.

The weird-input table also runs against an app on the asyncpg driver (the production driver),
because each driver refuses out-of-range integers and NUL characters in its own way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.api.api_helpers import PROBLEM_JSON, assert_problem, error_locs
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.config import Settings
from ukg_aid.db import Database
from ukg_aid.principal import Role

REQUEST = {
    "member_code": "27",
    "delivery": {"name": "Namba", "lat": 34.666, "lon": 135.501},
    "lines": [{"item_code": "water", "quantity": 10}],
}
DEPOT = {"member_code": "27", "name": "Weird input depot", "lat": 34.7, "lon": 135.5}
BIG = 99_999_999_999_999_999_999
JSON_HEADERS = {"content-type": "application/json"}

# (method, path, json body, raw body): every one must get a 2xx or a 4xx problem.
WEIRD: list[tuple[str, str, Any, bytes | None]] = [
    ("GET", f"/api/v1/depots/{BIG}", None, None),
    ("GET", "/api/v1/depots/2147483648", None, None),
    ("GET", "/api/v1/depots/-1", None, None),
    ("GET", f"/api/v1/depots/{BIG}/ledger", None, None),
    ("GET", f"/api/v1/aid-requests/{BIG}", None, None),
    ("POST", f"/api/v1/aid-requests/{BIG}/cancel", None, None),
    ("GET", f"/api/v1/stock?depot_id={BIG}", None, None),
    ("GET", f"/api/v1/stock?offset={BIG}", None, None),
    ("GET", f"/api/v1/stock?limit={BIG}", None, None),
    ("GET", f"/api/v1/audit-events?offset={BIG}", None, None),
    ("GET", "/api/v1/audit-events?entity_id=%00abc", None, None),
    ("GET", "/api/v1/audit-events?since=99999-01-01", None, None),
    ("GET", "/api/v1/members/%00", None, None),
    ("GET", "/api/v1/items/%F0%9F%92%A5", None, None),
    ("GET", "/api/v1/stock?item=%00", None, None),
    ("GET", "/api/v1/aid-requests?member=%00&status=open", None, None),
    ("PUT", "/api/v1/depots/1/stock/%00", {"on_hand": 1}, None),
    ("PUT", "/api/v1/depots/1/stock/water", {"on_hand": 10**40}, None),
    ("PUT", "/api/v1/depots/1/stock/water", [1, 2], None),
    ("PUT", "/api/v1/depots/1/stock/water", {"on_hand": {"a": [1]}}, None),
    ("PUT", "/api/v1/depots/1/stock/water", None, b"null"),
    ("PUT", "/api/v1/depots/1/stock/water", None, b'{"on_hand": NaN}'),
    ("PUT", "/api/v1/depots/1/stock/water", None, b"\xff\xfe\x00"),
    ("POST", "/api/v1/depots", DEPOT | {"member_code": "27\u0000"}, None),
    ("POST", "/api/v1/depots", DEPOT | {"name": "x\u0000y"}, None),
    ("POST", "/api/v1/depots", DEPOT | {"name": "倉庫🚚\u202e"}, None),
    ("POST", "/api/v1/depots", None, b'{"member_code": "27", "name": "x", "lat": NaN, "lon": 1}'),
    ("POST", "/api/v1/depots", None, b'{"member_code":"27","name":"x","lat":34,"lon":Infinity}'),
    ("POST", "/api/v1/aid-requests", REQUEST | {"note": "\u0000"}, None),
    (
        "POST",
        "/api/v1/aid-requests",
        REQUEST | {"delivery": {"name": "\u0000", "lat": 34.6, "lon": 135.5}},
        None,
    ),
    (
        "POST",
        "/api/v1/aid-requests",
        REQUEST | {"lines": [{"item_code": "wa\u0000ter", "quantity": 1}]},
        None,
    ),
    ("POST", "/api/v1/aid-requests", REQUEST | {"member_code": "99"}, None),
    ("POST", "/api/v1/aid-requests", REQUEST | {"at": "0001-01-01T00:00:00"}, None),
    ("POST", "/api/v1/aid-requests", REQUEST | {"at": "9999-12-31T23:59:59-12:00"}, None),
    ("POST", "/api/v1/aid-requests", REQUEST | {"delivery": [[[[]]]], "lines": {"a": 1}}, None),
    ("POST", "/api/v1/aid-requests", None, b"[" * 50_000 + b"]" * 50_000),
    ("POST", "/api/v1/aid-requests", None, b'{"lines": "' + "🚚".encode() * 1000 + b'"}'),
    ("PATCH", "/api/v1/depots/1", {"name": None, "status": None, "lat": None}, None),
    ("PATCH", f"/api/v1/depots/{BIG}", {"status": "damaged"}, None),
    ("POST", "/api/v1/depots/1/stock/water/adjustments", {"delta": -(10**12), "reason": "x"}, None),
]


async def _send(
    client: httpx.AsyncClient, headers: dict[str, str], case: tuple[str, str, Any, bytes | None]
) -> httpx.Response:
    method, path, body, raw = case
    if raw is not None:
        return await client.request(method, path, content=raw, headers=headers | JSON_HEADERS)
    if body is None:
        return await client.request(method, path, headers=headers)
    return await client.request(method, path, json=body, headers=headers)


def _check(case: tuple[str, str, Any, bytes | None], resp: httpx.Response) -> None:
    assert resp.status_code < 500, (case[:2], resp.status_code, resp.text[:300])
    if resp.status_code >= 400:
        assert resp.headers["content-type"].startswith(PROBLEM_JSON), case[:2]
        assert {"type", "title", "status", "detail"} <= resp.json().keys()
    assert "Traceback" not in resp.text


@pytest.mark.sqlite
@pytest.mark.parametrize("case", WEIRD, ids=lambda c: f"{c[0]} {c[1][:40]}")
async def test_weird_input_is_never_a_500(
    client: httpx.AsyncClient, tokens, case: tuple[str, str, Any, bytes | None]
) -> None:
    _check(case, await _send(client, await tokens.headers(Role.admin), case))


@pytest.fixture
async def asyncpg_client(live_db: Database) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """An app on the asyncpg driver over a committed, seeded database, with an admin token."""
    settings = Settings(database_url=live_db.url)
    assert settings.database_url.startswith("postgresql+asyncpg://")
    database = Database(settings.database_url, pool_size=2)
    async with database.transaction() as s:
        issued = await auth_service.create_token(
            s, name="weird-admin", role=Role.admin, member_code=None, expires_in_days=1
        )
    transport = httpx.ASGITransport(app=create_app(settings, database=database))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield c, issued.secret
    finally:
        await database.dispose()


async def test_weird_input_on_asyncpg(asyncpg_client: tuple[httpx.AsyncClient, str]) -> None:
    client, secret = asyncpg_client
    headers = {"Authorization": f"Bearer {secret}"}
    for case in WEIRD:
        _check(case, await _send(client, headers, case))
    # An id beyond the integer columns is refused by validation before any SQL runs ...
    out_of_range = await client.get("/api/v1/depots/2147483648", headers=headers)
    assert ("path", "depot_id") in error_locs(assert_problem(out_of_range, 422))
    # ... and a value only the database can refuse (a NUL in a free text) is still a 422
    # problem; a NUL in a name is refused before, with the name's other control characters.
    nul = await client.post("/api/v1/depots", json=DEPOT | {"note": "x\u0000y"}, headers=headers)
    assert assert_problem(nul, 422)["code"] == "bad-value"
    named = await client.post("/api/v1/depots", json=DEPOT | {"name": "x\u0000y"}, headers=headers)
    assert ("body", "name") in error_locs(assert_problem(named, 422))


@pytest.mark.sqlite
async def test_unknown_route_is_404_problem(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/v1/unicorns"), 404)
    assert_problem(await client.get("/nothing/here"), 404)


@pytest.mark.sqlite
async def test_method_not_allowed_is_405_problem(client: httpx.AsyncClient, tokens) -> None:
    headers = await tokens.headers(Role.admin)
    resp = await client.delete("/api/v1/members", headers=headers)
    assert_problem(resp, 405)
    assert "GET" in resp.headers["allow"]
    assert_problem(await client.put("/api/v1/aid-requests", json={}, headers=headers), 405)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/members/99",
        "/api/v1/items/unobtainium",
        "/api/v1/depots/987654",
        "/api/v1/depots/987654/ledger",
        "/api/v1/aid-requests/987654",
    ],
)
async def test_unknown_ids_are_404(client: httpx.AsyncClient, tokens, path: str) -> None:
    assert_problem(await client.get(path, headers=await tokens.headers(Role.observer)), 404)


async def test_validation_problem_lists_field_errors(client: httpx.AsyncClient, tokens) -> None:
    headers = await tokens.headers(Role.admin)
    resp = await client.post("/api/v1/depots", json={"name": 5}, headers=headers)
    body = assert_problem(resp, 422)
    locs = {tuple(e["loc"]) for e in body["errors"]}
    assert {("body", "member_code"), ("body", "lat"), ("body", "lon"), ("body", "name")} <= locs
    assert all(e["msg"] and e["type"] for e in body["errors"])
