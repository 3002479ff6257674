"""Operations: append-only audit log (a database trigger), /metrics, /readyz (SPEC §7)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.api_helpers import PROBLEM_JSON, count, new_depot
from tests.app_support import make_settings
from ukg_aid import migrate
from ukg_aid.app import create_app
from ukg_aid.config import Settings
from ukg_aid.db import Database
from ukg_aid.principal import Role


@pytest.mark.sqlite
@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET actor = 'someone else'", "DELETE FROM audit_events"],
)
async def test_audit_log_refuses_update_and_delete(
    client: httpx.AsyncClient, tokens, session: AsyncSession, statement: str
) -> None:
    await new_depot(client, await tokens.headers(Role.desk, "27"))
    events = await count(session, "audit_events")
    assert events > 0
    with pytest.raises(DBAPIError, match="append-only"):
        await session.execute(text(statement))
    await session.rollback()
    assert await count(session, "audit_events") == events


def _requests_total(body: str, route: str, status: str) -> float:
    for family in text_string_to_metric_families(body):
        if family.name == "ukg_aid_http_requests":
            return sum(
                s.value
                for s in family.samples
                if s.name.endswith("_total")
                and s.labels.get("route") == route
                and s.labels.get("status") == status
            )
    return 0.0


@pytest.mark.sqlite
async def test_metrics_count_requests_per_route_template(client: httpx.AsyncClient, tokens) -> None:
    headers = await tokens.headers(Role.observer)
    before = (await client.get("/metrics", headers=headers)).text
    for _ in range(3):
        await client.get("/healthz")
    await client.get("/api/v1/depots/424242", headers=headers)
    resp = await client.get("/metrics", headers=headers)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/plain")
    after = resp.text
    assert (
        _requests_total(after, "/healthz", "200") - _requests_total(before, "/healthz", "200") == 3
    )
    template = "/api/v1/depots/{depot_id}"
    assert _requests_total(after, template, "404") - _requests_total(before, template, "404") == 1
    assert "/api/v1/depots/424242" not in after


async def test_metrics_count_an_invented_method_as_other(client: httpx.AsyncClient, tokens) -> None:
    headers = await tokens.headers(Role.observer)
    for method in ("BREW", "WHEN", "BREW"):
        await client.request(method, "/healthz")
    families = text_string_to_metric_families((await client.get("/metrics", headers=headers)).text)
    methods = {
        s.labels["method"]
        for f in families
        if f.name == "ukg_aid_http_requests"
        for s in f.samples
        if s.labels.get("route") == "/healthz"
    }
    assert "OTHER" in methods and not methods & {"BREW", "WHEN"}


async def test_readyz_is_503_while_the_process_warms_up(db: Database) -> None:
    """The lifespan's warm-up (outlines, solver imports) holds the interpreter for seconds: a
    load balancer should not route to the process before it is done (``app._warm``)."""
    app = create_app(make_settings(db.url), database=db)
    app.state.warmed = warmed = threading.Event()  # what the lifespan sets up
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        warming = await c.get("/readyz")
        assert warming.status_code == 503, warming.text
        assert warming.headers["content-type"].startswith(PROBLEM_JSON)
        assert warming.json()["warm_up"] == "running"
        assert warming.json()["database"] == "ok"  # only the warm-up is missing
        warmed.set()
        ready = await c.get("/readyz")
        assert ready.status_code == 200 and ready.json()["warm_up"] == "done", ready.text


async def test_readyz_is_503_before_migrations(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    database = Database(url, pool_size=1)
    app = create_app(Settings(database_url=url), database=database)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            resp = await c.get("/readyz")
            assert resp.status_code == 503
            assert resp.headers["content-type"].startswith(PROBLEM_JSON)
            assert resp.json()["migrations"] == "pending"
            assert (await c.get("/healthz")).status_code == 200
            await asyncio.to_thread(migrate.upgrade, url)
            ready = await c.get("/readyz")
            assert ready.status_code == 200, ready.text
    finally:
        await database.dispose()
