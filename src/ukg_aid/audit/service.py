"""Writing and reading the audit log. Events are only ever inserted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Text, bindparam, cast, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import clock, offload
from ukg_aid.audit.models import AuditEvent
from ukg_aid.db import bulk, wire
from ukg_aid.db.paging import fetch_page
from ukg_aid.principal import Principal

EVENTS_CHANNEL = "ukg_aid_events"


async def record(
    session: AsyncSession,
    *,
    principal: Principal,
    action: str,
    entity: str,
    entity_id: object,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    note: str | None = None,
) -> int:
    """Append one event in the caller's transaction: it commits with the change or not at all.
    Returns the event's id.

    ``at`` is the action's time, already resolved by the service (``Clock.resolve``), or now;
    ``note`` is what the actor wrote with the action; ``recorded_at`` is set by the database.
    Every write pays this, so it is one statement, not an ORM object (issue 11): on PostgreSQL
    the insert and the ``pg_notify`` that wakes every worker's event stream when (and only if)
    the transaction commits travel together. The caller's pending ORM changes are flushed first,
    as adding the event to the session did.
    """
    await session.flush()
    values = {
        "at": at or clock.now(),
        "actor": principal.name,
        "role": principal.role.value,
        "member_code": principal.member_code,
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "before": dict(before) if before is not None else None,
        "after": dict(after) if after is not None else None,
        "note": note,
    }
    postgres = session.get_bind().dialect.name == "postgresql"
    row = await wire.first(session, _INSERT_AND_WAKE if postgres else _INSERT, values)
    assert row is not None  # an INSERT … RETURNING returns its row
    return int(row["id"])


_COLUMNS: tuple[str, ...] = ("at", "actor", "role", "member_code", "action", "entity")
_COLUMNS += ("entity_id", "before", "after", "note")
_INSERT = (
    insert(AuditEvent)
    .values({c: bindparam(c, type_=AuditEvent.__table__.c[c].type) for c in _COLUMNS})
    .returning(AuditEvent.id)
)
_EVENT = _INSERT.cte("event")
_INSERT_AND_WAKE = select(_EVENT.c.id, func.pg_notify(EVENTS_CHANNEL, cast(_EVENT.c.id, Text)))
"""One statement (issue 11): the event, and the ``pg_notify`` that wakes every worker's event
stream when (and only if) the transaction commits; both built once, sent by the driver
(:mod:`ukg_aid.db.wire`)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One event of :func:`record_many` (the fields of :func:`record`)."""

    action: str
    entity: str
    entity_id: object
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    note: str | None = None


async def record_many(
    session: AsyncSession, *, principal: Principal, entries: Sequence[Entry], at: datetime
) -> None:
    """:func:`record` for many events of one action time: one insert and one wake-up,
    whatever their number (streams read what is new from the log, not from the notification)."""
    rows = await offload.run(len(entries), _rows, principal, entries, at)
    await bulk.insert_rows(session, AuditEvent, rows)
    if rows and session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_notify(EVENTS_CHANNEL, "")))


def _rows(principal: Principal, entries: Sequence[Entry], at: datetime) -> list[dict[str, Any]]:
    return [
        {
            "at": at,
            "actor": principal.name,
            "role": principal.role.value,
            "member_code": principal.member_code,
            "action": e.action,
            "entity": e.entity,
            "entity_id": str(e.entity_id),
            "before": dict(e.before) if e.before is not None else None,
            "after": dict(e.after) if e.after is not None else None,
            "note": e.note,
        }
        for e in entries
    ]


async def events_after(session: AsyncSession, after_id: int, limit: int) -> list[AuditEvent]:
    """Events newer than ``after_id``, oldest first (the event stream's source of truth)."""
    rows = await session.scalars(
        select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id).limit(limit)
    )
    return list(rows)


async def last_event_id(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0))) or 0)


def _filtered(
    *,
    entity: str | None,
    entity_id: str | None,
    action: str | None,
    actor: str | None,
    member_code: str | None,
    since: datetime | None,
    until: datetime | None,
) -> Select[AuditEvent]:
    query = select(AuditEvent)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if entity_id:
        query = query.where(AuditEvent.entity_id == entity_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if member_code:
        query = query.where(AuditEvent.member_code == member_code)
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until)
    return query


async def list_events(
    session: AsyncSession, *, limit: int, offset: int, **filters: Any
) -> tuple[list[AuditEvent], int]:
    query = _filtered(**filters)
    return await fetch_page(session, query, AuditEvent.id.desc(), limit=limit, offset=offset)
