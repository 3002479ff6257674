"""The database goes away: every API call answers 503 problem+json with ``Retry-After`` within
5 s, ``/readyz`` 503 within 2 s, ``/healthz`` stays 200, and the same server process recovers
when the database is back (no restart).

Runs ``ukg-aid serve`` (a real process, default timeouts) against a throwaway PostgreSQL
cluster of its own — never the shared server — and both stops it (``pg_ctl stop``: connections
refused) and freezes it (SIGSTOP on its processes: connections accepted by the kernel, nothing
answers).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

import tests.throwaway_pg as throwaway_pg
from tests.app_support import SEED_DIR, serve_process
from ukg_aid import migrate
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.principal import Role
from ukg_aid.seed import seed

API_BOUND_S = 5.0
READYZ_BOUND_S = 2.0


@dataclass
class Outage:
    cluster: throwaway_pg.Cluster
    url: str
    headers: dict[str, str]
    depot: int
    item: str


async def _prepare(url: str) -> dict[str, str]:
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url, pool_size=1)
    try:
        async with db.transaction() as session:
            await seed(session, SEED_DIR)
            issued = await auth_service.create_token(
                session, name="outage-admin", role=Role.admin, member_code=None, expires_in_days=1
            )
    finally:
        await db.dispose()
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture(scope="module")
async def cluster() -> AsyncIterator[tuple[throwaway_pg.Cluster, dict[str, str]]]:
    with throwaway_pg.throwaway_cluster() as c:
        yield c, await _prepare(c.url)


@pytest.fixture
async def outage(cluster: tuple[throwaway_pg.Cluster, dict[str, str]]) -> AsyncIterator[Outage]:
    pg, headers = cluster
    with serve_process(pg.url) as (url, _proc):
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            stock = await client.get("/api/v1/stock", params={"member": "29"}, headers=headers)
            assert stock.status_code == 200, stock.text
        row = stock.json()["items"][0]
        yield Outage(pg, url, headers, row["depot_id"], row["item_code"])


def _calls(o: Outage, key: str) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    """A read, a write with an Idempotency-Key, an auth-only call, readiness and liveness."""
    return {
        "read": ("GET", f"/api/v1/stock?depot_id={o.depot}", None),
        "write": (
            "POST",
            f"/api/v1/depots/{o.depot}/stock/{o.item}/adjustments",
            {"delta": 7, "reason": f"outage test {key}"},
        ),
        "tokens": ("GET", "/api/v1/tokens", None),
        "readyz": ("GET", "/readyz", None),
        "healthz": ("GET", "/healthz", None),
    }


async def _timed_all(o: Outage, key: str) -> dict[str, tuple[httpx.Response, float]]:
    async with httpx.AsyncClient(base_url=o.url, timeout=60) as client:

        async def one(method: str, path: str, body: dict[str, Any] | None) -> Any:
            headers = o.headers | {"Idempotency-Key": key}
            start = time.monotonic()
            resp = await client.request(method, path, json=body, headers=headers)
            return resp, time.monotonic() - start

        calls = _calls(o, key)
        results = await asyncio.gather(*(one(*call) for call in calls.values()))
        return dict(zip(calls, results, strict=True))


def _assert_unavailable(results: dict[str, tuple[httpx.Response, float]], label: str) -> None:
    print(  # the figures docs/reliability.md quotes (pytest -s)
        f"outage {label}: "
        + ", ".join(f"{n} {r.status_code} in {s:.2f} s" for n, (r, s) in results.items())
    )
    for name, (resp, seconds) in results.items():
        if name == "healthz":
            assert resp.status_code == 200 and seconds < 1.0, (name, resp.text, seconds)
            continue
        bound = READYZ_BOUND_S if name == "readyz" else API_BOUND_S
        assert resp.status_code == 503, (name, resp.status_code, resp.text)
        assert resp.headers["content-type"].startswith("application/problem+json"), name
        assert int(resp.headers["retry-after"]) > 0, name
        assert seconds < bound, (name, round(seconds, 2))
        if name != "readyz":
            assert resp.json()["code"] == "database-unavailable", resp.json()


async def _assert_recovered(o: Outage, key: str) -> None:
    results = await _timed_all(o, key)
    for name, (resp, _seconds) in results.items():
        assert resp.status_code == 200, (name, resp.text)
    write = results["write"][0]
    assert write.headers.get("idempotent-replayed") is None  # the outage stored nothing


async def _on_hand(o: Outage) -> int:
    async with httpx.AsyncClient(base_url=o.url, timeout=30) as client:
        resp = await client.get(
            "/api/v1/stock", params={"depot_id": o.depot, "item": o.item}, headers=o.headers
        )
    return int(resp.json()["items"][0]["on_hand"])


async def test_stopped_database_answers_503_fast_and_recovers(outage: Outage) -> None:
    before = await _on_hand(outage)
    key = uuid.uuid4().hex
    outage.cluster.stop()
    try:
        _assert_unavailable(await _timed_all(outage, key), "stopped")
        _assert_unavailable(await _timed_all(outage, key), "stopped, again")
    finally:
        outage.cluster.start()
    await _assert_recovered(outage, key)  # same Idempotency-Key: the outage stored nothing
    assert await _on_hand(outage) == before + 7


async def test_frozen_database_answers_503_within_bounds_and_recovers(outage: Outage) -> None:
    before = await _on_hand(outage)
    key = uuid.uuid4().hex
    outage.cluster.freeze()
    try:
        first = await _timed_all(outage, key)
        second = await _timed_all(outage, key)
    finally:
        outage.cluster.thaw()
    _assert_unavailable(first, "frozen")
    _assert_unavailable(second, "frozen, again")
    await _assert_recovered(outage, key)
    assert await _on_hand(outage) == before + 7


async def test_a_statement_in_flight_when_the_database_freezes_ends_in_503(
    outage: Outage,
) -> None:
    """The API's statement is waiting on a row lock when the server freezes: the server cannot
    fire its own statement timeout, the client-side deadline (half a second later) ends it."""
    holder = await asyncpg.connect(outage.cluster.url)
    try:
        tx = holder.transaction()
        await tx.start()
        await holder.execute(
            "SELECT 1 FROM stock WHERE depot_id = $1 AND item_code = $2 FOR UPDATE",
            outage.depot,
            outage.item,
        )
        async with httpx.AsyncClient(base_url=outage.url, timeout=60) as client:
            start = time.monotonic()
            waiting = asyncio.create_task(
                client.post(
                    f"/api/v1/depots/{outage.depot}/stock/{outage.item}/adjustments",
                    json={"delta": 1, "reason": "in flight at the freeze"},
                    headers=outage.headers,
                )
            )
            await asyncio.sleep(0.5)
            assert not waiting.done()  # it is waiting on our lock
            outage.cluster.freeze()
            try:
                resp = await waiting
                seconds = time.monotonic() - start
            finally:
                outage.cluster.thaw()
        print(f"outage in-flight statement at freeze: {resp.status_code} in {seconds:.2f} s")
        assert resp.status_code == 503, resp.text
        assert seconds < API_BOUND_S
        await tx.rollback()
    finally:
        await holder.close()
