"""A revoked or expired token's event stream ends within the heartbeat, whatever the traffic.

The token used to be re-checked only after a quiet spell, so a stream stayed open for as long as
events kept flowing. Here events are written continuously (far more often than the poll and the
heartbeat), the token is revoked (or expires) mid-stream, and the stream must end with
``event: closed`` within a few heartbeats while events are still arriving. On a committed
database: the stream, the writer and the revocation each use their own connections.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from tests.app_support import make_settings
from tests.events.events_support import until_subscribed
from ukg_aid import clock
from ukg_aid.app import create_app
from ukg_aid.audit import service as audit_service
from ukg_aid.auth import service as auth_service
from ukg_aid.auth.models import ApiToken
from ukg_aid.db import Database
from ukg_aid.principal import SYSTEM, Role

HEARTBEAT_S = 1.0
POLL_S = 0.25
BOUND_S = 4 * HEARTBEAT_S  # the promise is one heartbeat; the rest is slack for a loaded machine
GIVE_UP_S = 15.0  # without the fix the stream stays open as long as the traffic lasts


@asynccontextmanager
async def continuous_traffic(db: Database) -> AsyncIterator[None]:
    """Write an audit event every 20 ms for as long as the block runs (asserted at its end)."""
    stop = asyncio.Event()

    async def write() -> None:
        while not stop.is_set():
            async with db.transaction() as s:
                await audit_service.record(
                    s, principal=SYSTEM, action="test.tick", entity="test", entity_id="tick"
                )
            await asyncio.sleep(0.02)

    task = asyncio.create_task(write())
    try:
        yield
        assert not task.done(), "the writer stopped before the stream ended"
    finally:
        stop.set()
        await task


def _app(db: Database) -> FastAPI:
    settings = make_settings(db.url).model_copy(
        update={"events_poll_seconds": POLL_S, "events_heartbeat_seconds": HEARTBEAT_S}
    )
    return create_app(settings, database=db)


async def _token(db: Database, name: str, role: Role = Role.observer) -> str:
    async with db.transaction() as s:
        issued = await auth_service.create_token(
            s, name=name, role=role, member_code=None, expires_in_days=1
        )
    return issued.secret


async def test_a_revoked_token_loses_its_stream_while_events_flow(live_db: Database) -> None:
    app = _app(live_db)
    admin = {"Authorization": f"Bearer {await _token(live_db, 'rev-admin', Role.admin)}"}
    watcher = {"Authorization": f"Bearer {await _token(live_db, 'rev-watcher')}"}
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as client,
        continuous_traffic(live_db),
    ):
        stream = asyncio.create_task(client.get("/api/v1/events", headers=watcher))
        await until_subscribed(app, [stream])
        # Let the traffic run through two heartbeats: the stream must survive those checks.
        await asyncio.sleep(2 * HEARTBEAT_S)
        assert not stream.done()
        revoked = await client.post("/api/v1/tokens/rev-watcher/revoke", headers=admin)
        assert revoked.status_code == 200
        started = time.monotonic()
        resp = await asyncio.wait_for(stream, timeout=GIVE_UP_S)
        elapsed = time.monotonic() - started
    assert resp.text.endswith("event: closed\ndata: the token was revoked or has expired\n\n")
    print(f"\nbusy stream closed {elapsed:.2f} s after revocation (heartbeat {HEARTBEAT_S:g} s)")
    assert elapsed < BOUND_S, f"stream ended {elapsed:.1f} s after the revocation"
    assert resp.text.count("event: test.tick\n") > 20  # it was busy all along


async def test_an_expiring_token_loses_its_stream_while_events_flow(live_db: Database) -> None:
    app = _app(live_db)
    secret = await _token(live_db, "exp-watcher")
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as client,
        continuous_traffic(live_db),
    ):
        stream = asyncio.create_task(
            client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"})
        )
        await until_subscribed(app, [stream])
        # The expiry is set once the stream flows (the stream re-reads its token), so a slow
        # start on a loaded machine cannot eat the busy spell the test is about.
        expires_at = clock.now() + timedelta(seconds=3)
        async with live_db.transaction() as s:
            await s.execute(
                update(ApiToken).where(ApiToken.name == "exp-watcher").values(expires_at=expires_at)
            )
        resp = await asyncio.wait_for(stream, timeout=GIVE_UP_S + 5)
        ended = clock.now()
    assert resp.status_code == 200
    assert resp.text.endswith("event: closed\ndata: the token was revoked or has expired\n\n")
    late = (ended - expires_at).total_seconds()
    print(f"\nbusy stream closed {late:.2f} s after expiry (heartbeat {HEARTBEAT_S:g} s)")
    assert 0 <= late < BOUND_S, f"stream ended {late:.1f} s after the token expired"
    assert resp.text.count("event: test.tick\n") > 20  # the stream was busy all along
