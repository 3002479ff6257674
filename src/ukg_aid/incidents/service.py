"""Incident use cases: open, list, read, update or close; the "which incident" rule (SPEC §10).

Every aid request, plan, medevac mission and shelter belongs to one incident. A caller that names
none gets the only active incident; with several active (a real activation beside a drill), it
must name one (422 listing them); with none active, a coordinator has to open one (422).

What a package above ends when an incident closes (the medevac fleet's visiting aircraft,
stagings and weather holds) it registers with ``on_close``; the hooks run in the closing
transaction, so a hook's problem (e.g. a 409) leaves the incident open and nothing changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock, require_forward, sane
from ukg_aid.db import wire
from ukg_aid.db.locking import for_change
from ukg_aid.db.paging import fetch_page
from ukg_aid.errors import NotFound, Unprocessable
from ukg_aid.incidents.models import Incident, IncidentKind, IncidentStatus
from ukg_aid.incidents.schemas import IncidentCreate, IncidentRead, IncidentUpdate
from ukg_aid.principal import Principal

CloseHook = Callable[[AsyncSession, Incident, Principal, datetime], Awaitable[None]]
"""Runs when an incident closes: (session, the incident, who closes it, when)."""

_ON_CLOSE: dict[str, CloseHook] = {}


def on_close(name: str, hook: CloseHook) -> None:
    """Register (or replace, by ``name``) what ends when an incident closes. The packages above
    ``incidents`` are wired in ``ukg_aid.api``, so this package imports none of them."""
    _ON_CLOSE[name] = hook


def to_read(incident: Incident) -> IncidentRead:
    return IncidentRead.model_validate(incident)


def snapshot(incident: Incident) -> dict[str, Any]:
    return to_read(incident).model_dump(mode="json")


async def open_incident(
    session: AsyncSession, *, principal: Principal, data: IncidentCreate, clock: Clock
) -> Incident:
    """A new active incident. ``started_at`` may lie in the past (an activation is often
    registered hours after the shaking), so it is only checked for sanity, not the live window."""
    now = clock.resolve(None)
    started = sane(data.started_at, field="started_at") if data.started_at else now
    incident = Incident(
        name=data.name,
        kind=data.kind,
        status=IncidentStatus.active,
        started_at=started,
        note=data.note,
        created_by=principal.name,
        updated_at=started,
    )
    session.add(incident)
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="incident.open",
        entity="incident",
        entity_id=incident.id,
        after=snapshot(incident),
        at=started,
        note=data.note,
    )
    return incident


async def get_incident(session: AsyncSession, incident_id: int, *, lock: bool = False) -> Incident:
    query = select(Incident).where(Incident.id == incident_id)
    query = for_change(query) if lock else query.execution_options(populate_existing=True)
    incident = await session.scalar(query)
    if incident is None:
        raise NotFound(f"incident {incident_id} does not exist", code="unknown-incident")
    return incident


async def list_incidents(
    session: AsyncSession,
    *,
    status: IncidentStatus | None,
    kind: IncidentKind | None,
    limit: int,
    offset: int,
) -> tuple[list[Incident], int]:
    query = select(Incident)
    if status is not None:
        query = query.where(Incident.status == status)
    if kind is not None:
        query = query.where(Incident.kind == kind)
    return await fetch_page(session, query, Incident.id.desc(), limit=limit, offset=offset)


async def update_incident(
    session: AsyncSession,
    *,
    principal: Principal,
    incident_id: int,
    data: IncidentUpdate,
    clock: Clock,
) -> Incident:
    """Change the note, close (``status: closed``) or reopen an incident; audited with the
    note. Closing stops new requests, plans and missions from joining it; nothing open in it
    is cancelled (desks still confirm deliveries on the road), but what ``on_close`` hooks end
    ends (visiting aircraft leave, stagings end, weather holds lift). Reopening brings none
    of those back."""
    incident = await get_incident(session, incident_id, lock=True)
    at = require_forward(
        clock.resolve(data.at),  # read once the lock is held: after whatever went before it
        incident.updated_at,
        subject=f"incident {incident.id}: update",
        previous_what="its last change",
    )
    before = snapshot(incident)
    if data.note is not None:
        incident.note = data.note
    if data.status is not None and data.status is not incident.status:
        incident.status = data.status
        incident.closed_at = at if data.status is IncidentStatus.closed else None
    incident.updated_at = at
    await session.flush()
    closing = incident.status is IncidentStatus.closed and before["status"] == "active"
    await audit.record(
        session,
        principal=principal,
        action="incident.close" if closing else "incident.update",
        entity="incident",
        entity_id=incident.id,
        before=before,
        after=snapshot(incident),
        at=at,
        note=data.note,
    )
    if closing:
        for hook in _ON_CLOSE.values():
            await hook(session, incident, principal, at)
    return incident


def _problem(detail: str, code: str, msg: str, **extra: Any) -> Unprocessable:
    return Unprocessable(
        detail,
        code=code,
        errors=[{"loc": ["body", "incident_id"], "msg": msg, "type": code.replace("-", "_")}],
        **extra,
    )


class Candidate(Protocol):
    """What the "which incident" rule reads of an incident: an ORM row or a :class:`Brief`."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> IncidentKind: ...
    @property
    def status(self) -> IncidentStatus: ...


C = TypeVar("C", bound=Candidate)


@dataclass(frozen=True, slots=True)
class Brief:
    """An incident's id, name, kind and status as plain data (read on the driver)."""

    id: int
    name: str
    kind: IncidentKind
    status: IncidentStatus

    @classmethod
    def of(cls, row: wire.Row) -> Brief:
        kind, status = IncidentKind(row["kind"]), IncidentStatus(row["status"])
        return cls(row["id"], row["name"], kind, status)


def _named(incident_id: int, incident: C | None, what: str) -> C:
    """The incident a caller named: it exists and is active (SPEC §10), else 422."""
    if incident is None:
        raise _problem(
            f"incident {incident_id} does not exist", "unknown-incident", "no such incident"
        )
    if incident.status is not IncidentStatus.active:
        raise _problem(
            f"incident {incident_id} ({incident.name}) is closed: a new {what} cannot join it",
            "incident-closed",
            "closed",
        )
    return incident


def _only_active(active: Sequence[C], what: str) -> C:
    """The only active incident, when the caller named none (SPEC §10), else 422."""
    if len(active) == 1:
        return active[0]
    if not active:
        raise _problem(
            f"no incident is active: a coordinator opens one (POST /api/v1/incidents) "
            f"before a {what} can be filed",
            "no-active-incident",
            "no active incident",
        )
    named = ", ".join(f"{i.id} ({i.name})" for i in active)
    raise _problem(
        f"{len(active)} incidents are active ({named}): say which one this {what} belongs to "
        "with incident_id",
        "incident-ambiguous",
        f"one of {[i.id for i in active]}",
        active_incidents=[{"id": i.id, "name": i.name, "kind": i.kind.value} for i in active],
    )


async def resolve(session: AsyncSession, incident_id: int | None, *, what: str) -> Incident:
    """The incident a new ``what`` (an aid request, a plan, …) joins: the one named, which must
    be active, or else the only active one (SPEC §10). 422 otherwise, changing nothing."""
    if incident_id is not None:
        return _named(incident_id, await session.get(Incident, incident_id), what)
    active = await session.scalars(
        select(Incident).where(Incident.status == IncidentStatus.active).order_by(Incident.id)
    )
    return _only_active(list(active), what)


async def resolve_brief(session: AsyncSession, incident_id: int | None, *, what: str) -> Brief:
    """:func:`resolve` read as plain data, one Core statement on the driver (``db.wire``): for
    the hot writes (filing an aid request) that need only the incident's id."""
    if incident_id is not None:
        row = await wire.first(session, _NAMED, {"incident_id": incident_id})
        return _named(incident_id, None if row is None else Brief.of(row), what)
    return _only_active([Brief.of(row) for row in await wire.rows(session, _ACTIVE)], what)


_BRIEF = select(Incident.id, Incident.name, Incident.kind, Incident.status)
_NAMED = _BRIEF.where(Incident.id == bindparam("incident_id"))
_ACTIVE = _BRIEF.where(Incident.status == IncidentStatus.active).order_by(Incident.id)


async def existing(session: AsyncSession, incident_id: int | None) -> int | None:
    """A list filter's ``?incident=``: the id if such an incident exists, else 404."""
    if incident_id is not None and await session.get(Incident, incident_id) is None:
        raise NotFound(f"incident {incident_id} does not exist", code="unknown-incident")
    return incident_id


def started_for_seed(at: datetime) -> dict[str, Any]:
    """The default activation ``ukg-aid seed`` opens when no incident exists (see seed.py)."""
    return {
        "name": "既定の事案 / Default activation (ukg-aid seed)",
        "kind": IncidentKind.real,
        "status": IncidentStatus.active,
        "started_at": at,
        "updated_at": at,
        "created_by": "system",
        "note": "Opened by ukg-aid seed so that a fresh instance takes requests at once; "
        "a coordinator closes it and opens a named incident on the day (SPEC §10).",
    }
