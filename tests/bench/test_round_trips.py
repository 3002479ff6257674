"""What a read costs on the wire (issue 11), counted by the statement-counting proxy between the
app and the real server: no pool ping for a connection in use a moment ago, no BEGIN/COMMIT
around a GET, so a depot read is the token lookup and the depot (2 round trips, as the bare
app), a stock page the token lookup and one statement for page and total."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from bench.apibench.pgwire import CountingProxy
from tests.app_support import make_settings
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.db.session import Limits, PoolOptions
from ukg_aid.principal import Role


@pytest.fixture(scope="module")
async def wire(bench_db: Database) -> AsyncIterator[tuple[CountingProxy, httpx.AsyncClient, Any]]:
    """The app with its production engine settings on the proxy, a reader's headers."""
    async with bench_db.transaction() as session:
        issued = await auth_service.create_token(
            session, name=f"wire-{uuid.uuid4().hex[:6]}", role=Role.observer, member_code=None,
            expires_in_days=1,
        )  # fmt: skip
    parts = urlsplit(bench_db.url)
    with CountingProxy(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
        url = f"postgresql://postgres@127.0.0.1:{proxy.port}{parts.path}"
        settings = make_settings(url)
        db = Database(url, limits=Limits.from_settings(settings), pool=PoolOptions(size=1))
        app = create_app(settings, database=db)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield proxy, client, {"Authorization": f"Bearer {issued.secret}"}
        await db.dispose()


async def _cost(wire: tuple[CountingProxy, httpx.AsyncClient, Any], path: str) -> dict[str, Any]:
    proxy, client, headers = wire
    for _ in range(3):  # warm: connection open, statements prepared
        assert (await client.get(path, headers=headers)).status_code == 200
    before = proxy.counts()
    resp = await client.get(path, headers=headers)
    after = proxy.counts()
    assert resp.status_code == 200, resp.text
    sql = proxy.sql[before["sql_mark"] : after["sql_mark"]]
    cost: dict[str, Any] = {k: after[k] - before[k] for k in ("statements", "round_trips")}
    return cost | {"sql": sql}


async def test_a_depot_read_is_two_round_trips(wire: Any) -> None:
    cost = await _cost(wire, "/api/v1/depots/1")
    assert (cost["statements"], cost["round_trips"]) == (2, 2), cost


async def test_a_stock_page_is_two_round_trips(wire: Any) -> None:
    cost = await _cost(wire, "/api/v1/stock?member=26")
    assert (cost["statements"], cost["round_trips"]) == (2, 2), cost
    assert not any(str(q).split()[0].upper() in {"BEGIN", "COMMIT"} for q in cost["sql"]), cost


async def test_filing_a_request_is_its_statements_and_no_more(
    wire: Any, bench_db: Database
) -> None:
    """BEGIN, the token, the incident, the member, the items, the request, its lines (one
    statement for any number of lines), the audit event, COMMIT: the bare app's statements
    (docs/benchmarks.md, "SQL per request"), as one round trip each."""
    proxy, client, _ = wire
    async with bench_db.transaction() as session:
        issued = await auth_service.create_token(
            session, name=f"wire-desk-{uuid.uuid4().hex[:6]}", role=Role.desk,
            member_code="27", expires_in_days=1,
        )  # fmt: skip
    desk = {"Authorization": f"Bearer {issued.secret}"}
    items = ["water", "meals", "blankets"]
    body = {
        "member_code": "27",
        "delivery": {"name": "Osaka Castle Park", "lat": 34.6873, "lon": 135.5262},
        "lines": [{"item_code": code, "quantity": 10} for code in items],
    }
    for _ in range(2):  # warm: statements prepared
        assert (await client.post("/api/v1/aid-requests", json=body, headers=desk)).is_success
    before = proxy.counts()
    resp = await client.post("/api/v1/aid-requests", json=body, headers=desk)
    after = proxy.counts()
    assert resp.status_code == 201, resp.text
    assert [line["item_code"] for line in resp.json()["lines"]] == items
    sql = proxy.sql[before["sql_mark"] : after["sql_mark"]]
    cost = {k: after[k] - before[k] for k in ("statements", "round_trips")}
    assert (cost["statements"], cost["round_trips"]) == (9, 9), (cost, sql)
    tables = [" ".join(str(q).split()[:4]) for q in sql]
    assert sum("aid_request_lines" in t for t in tables) == 1, tables
