"""``GET /api/v1/events``: server-sent events of state changes, across any number of workers.

The append-only audit log is the source of truth: a stream sends every audit event with an id
above the last one it sent, so nothing is lost or duplicated across reconnects
(``Last-Event-ID``). On PostgreSQL, ``audit.record`` issues ``pg_notify`` in the writing
transaction and each stream ``LISTEN``s, so workers wake the moment another worker commits;
SQLite (one process) simply polls. Either way a poll every ``poll_s`` seconds is the safety net.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from ukg_aid.audit import service as audit_service
from ukg_aid.audit.models import AuditEvent
from ukg_aid.audit.schemas import AuditEventRead
from ukg_aid.auth.models import Role
from ukg_aid.auth.principal import Principal
from ukg_aid.db import Database

FULL_VIEW = frozenset({Role.admin, Role.coordinator, Role.observer})
HEARTBEAT_S = 15.0


def render(event: AuditEvent, principal: Principal) -> str:
    """One SSE message. Roles without audit access get what changed, not the before/after."""
    body: dict[str, Any] = AuditEventRead.model_validate(event).model_dump(mode="json")
    if principal.role not in FULL_VIEW:
        body = {k: body[k] for k in ("id", "at", "action", "entity", "entity_id", "member_code")}
    return (
        f"id: {event.id}\nevent: {event.action}\ndata: {json.dumps(body, ensure_ascii=False)}\n\n"
    )


@asynccontextmanager
async def _wakeups(db: Database) -> AsyncIterator[asyncio.Event]:
    """An Event set whenever another transaction commits an audit event (PostgreSQL)."""
    wake = asyncio.Event()
    if db.dialect != "postgresql":
        yield wake
        return
    async with db.engine.connect() as conn:
        raw: Any = (await conn.get_raw_connection()).driver_connection
        callback: Callable[..., None] = lambda *_args: wake.set()  # noqa: E731
        await raw.add_listener(audit_service.EVENTS_CHANNEL, callback)
        try:
            yield wake
        finally:
            await raw.remove_listener(audit_service.EVENTS_CHANNEL, callback)


async def stream(
    db: Database,
    principal: Principal,
    *,
    after_id: int | None,
    limit: int | None,
    poll_s: float,
) -> AsyncIterator[str]:
    """Yield SSE messages until ``limit`` events were sent (forever when None)."""
    sent = 0
    async with _wakeups(db) as wake:
        if after_id is None:
            async with db.transaction() as session:
                after_id = await audit_service.last_event_id(session)
        yield f"retry: 3000\n: streaming events after {after_id}\n\n"
        idle = 0.0
        while limit is None or sent < limit:
            async with db.transaction() as session:
                events = await audit_service.events_after(session, after_id, 500)
            for event in events[: None if limit is None else limit - sent]:
                yield render(event, principal)
                after_id, sent = event.id, sent + 1
            if events:
                continue
            wake.clear()
            try:
                await asyncio.wait_for(wake.wait(), timeout=poll_s)
            except TimeoutError:
                idle += poll_s
                if idle >= HEARTBEAT_S:
                    idle = 0.0
                    yield ": keep-alive\n\n"
