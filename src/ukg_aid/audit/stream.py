"""``GET /api/v1/events``: server-sent events of state changes, across any number of workers.

The append-only audit log is the source of truth: a stream sends every audit event with an id
above the last one it sent, re-reading a short window below it for transactions that committed
out of id order, so nothing is duplicated and late commits are not lost (``Last-Event-ID``
resumes). On PostgreSQL, ``audit.record`` issues ``pg_notify`` in the writing transaction and
one ``LISTEN`` connection per process wakes that process's streams the moment another worker
commits; SQLite (one process) simply polls. Either way a poll every ``poll_s`` seconds is the
safety net.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from ukg_aid.audit import service as audit_service
from ukg_aid.audit.models import AuditEvent
from ukg_aid.audit.schemas import AuditEventRead
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.principal import Principal, Role

FULL_VIEW = frozenset({Role.admin, Role.coordinator, Role.observer})
HEARTBEAT_S = 15.0
LOOKBACK = 256
"""How far below the newest sent id a stream re-reads, for transactions that committed late."""


def render(event: AuditEvent, principal: Principal) -> str:
    """One SSE message. Roles without audit access get what changed, not the before/after."""
    body: dict[str, Any] = AuditEventRead.model_validate(event).model_dump(mode="json")
    if principal.role not in FULL_VIEW:
        body = {k: body[k] for k in ("id", "at", "action", "entity", "entity_id", "member_code")}
    return (
        f"id: {event.id}\nevent: {event.action}\ndata: {json.dumps(body, ensure_ascii=False)}\n\n"
    )


class EventHub:
    """One ``LISTEN`` connection per process, shared by all its open streams (PostgreSQL).

    The connection is taken when the first stream subscribes and given back when the last one
    leaves, so streams never eat the request pool; on SQLite there is nothing to listen to.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.waiters: set[asyncio.Event] = set()
        self._lock = asyncio.Lock()
        self._conn: AsyncConnection | None = None
        self._raw: Any = None

    def _wake_all(self, *_args: object) -> None:
        for waiter in self.waiters:
            waiter.set()

    async def _open(self) -> None:
        self._conn = await self.db.engine.connect()
        self._raw = (await self._conn.get_raw_connection()).driver_connection
        await self._raw.add_listener(audit_service.EVENTS_CHANNEL, self._wake_all)

    async def _close(self) -> None:
        if self._conn is not None:
            await self._raw.remove_listener(audit_service.EVENTS_CHANNEL, self._wake_all)
            await self._conn.close()
            self._conn = self._raw = None

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Event]:
        wake = asyncio.Event()
        async with self._lock:
            if not self.waiters and self.db.dialect == "postgresql":
                await self._open()
            self.waiters.add(wake)
        try:
            yield wake
        finally:
            async with self._lock:
                self.waiters.discard(wake)
                if not self.waiters:
                    await self._close()


CLOSED = "event: closed\ndata: the token was revoked or has expired\n\n"
KEEP_ALIVE = ": keep-alive\n\n"


async def _still_allowed(db: Database, principal: Principal) -> bool:
    """A long-lived stream re-checks its token, so revocation also ends open streams."""
    async with db.transaction() as session:
        return await auth_service.is_active(session, principal.token_id)


class Heartbeat:
    """When a stream re-checks its token: every ``seconds``, whatever the traffic.

    The check used to run only after a quiet spell, so a revoked token kept its stream for as
    long as events kept flowing. Now the deadline is on the clock: the stream checks it between
    any two events it sends and never waits past it.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._loop = asyncio.get_running_loop()
        self.quiet = True
        self.deadline = self._loop.time() + seconds

    def due(self) -> bool:
        return self._loop.time() >= self.deadline

    def wait_s(self, poll_s: float) -> float:
        """How long the stream may sleep: the poll interval, cut short by the deadline."""
        return max(0.0, min(poll_s, self.deadline - self._loop.time()))

    async def beat(self, db: Database, principal: Principal) -> str | None:
        """CLOSED when the token no longer holds; a keep-alive after a quiet spell; else None."""
        if not await _still_allowed(db, principal):
            return CLOSED
        message = KEEP_ALIVE if self.quiet else None
        self.quiet, self.deadline = True, self._loop.time() + self.seconds
        return message


async def stream(
    db: Database,
    hub: EventHub,
    principal: Principal,
    *,
    after_id: int | None,
    limit: int | None,
    poll_s: float,
    heartbeat_s: float = HEARTBEAT_S,
) -> AsyncIterator[str]:
    """Yield SSE messages until ``limit`` events were sent (forever when None), or until the
    token is revoked or expires (checked every ``heartbeat_s``, see :class:`Heartbeat`).

    Ids come from a sequence at insert time but transactions commit in their own order, so an
    id can become visible after a larger one was sent. Each poll therefore looks back
    ``LOOKBACK`` ids below the highest sent and sends what it has not sent yet.
    """
    sent: set[int] = set()
    count = 0
    async with hub.subscribe() as wake:
        if after_id is None:
            async with db.transaction() as session:
                after_id = await audit_service.last_event_id(session)
        floor = high = after_id
        yield f"retry: 3000\n: streaming events after {after_id}\n\n"
        heart = Heartbeat(heartbeat_s)
        while limit is None or count < limit:
            if heart.due():
                if (message := await heart.beat(db, principal)) is not None:
                    yield message
                if message == CLOSED:
                    return
            wake.clear()
            async with db.transaction() as session:
                recent = await audit_service.events_after(session, max(floor, high - LOOKBACK), 500)
            fresh = [e for e in recent if e.id not in sent]
            for event in fresh[: None if limit is None else limit - count]:
                yield render(event, principal)
                sent.add(event.id)
                high, count, heart.quiet = max(high, event.id), count + 1, False
                if heart.due():
                    break  # the rest is read again after the token check
            sent = {i for i in sent if i > high - LOOKBACK}
            if fresh:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=heart.wait_s(poll_s))
