"""Record, list and reopen closures; the active ones as the matching core's ``Closures``."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import japan_area, routing
from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock
from ukg_aid.closures.enums import ClosureKind
from ukg_aid.closures.models import Closure
from ukg_aid.closures.schemas import ClosureCreate, ClosureRead
from ukg_aid.db.locking import for_change
from ukg_aid.errors import Conflict, NotFound, Unprocessable
from ukg_aid.incidents import service as incident_service
from ukg_aid.incidents.enums import IncidentStatus
from ukg_aid.principal import Principal


def to_read(c: Closure) -> ClosureRead:
    return ClosureRead(
        id=c.id,
        incident_id=c.incident_id,
        kind=c.kind,
        crossing=c.crossing,
        area=c.area,
        note=c.note,
        created_by=c.created_by,
        created_at=c.created_at,
        reopened_at=c.reopened_at,
        active=c.reopened_at is None,
        geometry=_geometry(c),
    )


def _geometry(c: Closure) -> dict[str, Any]:
    if c.area is not None:
        return c.area
    ends = routing.land_model().crossing(c.crossing or "").ends
    return {"type": "LineString", "coordinates": [[p.lon, p.lat] for p in ends]}


def _area_problem(area: dict[str, Any]) -> str | None:
    """Why ``area`` is no closed area in Japan (a valid polygon, every vertex inside Japan, as
    for a weather hold), or None. Shapely work: run off the event loop."""
    try:
        routing.Closures.from_dict({"areas": [area]}).check(routing.land_model())
    except ValueError as exc:
        return str(exc)
    outside = japan_area.vertices_outside_japan(area["coordinates"])
    if outside:
        _, _, lat, lon = outside[0]
        return f"vertex ({lat:g}, {lon:g}) is outside Japan; check latitude and longitude"
    return None


async def _check_area(area: dict[str, Any]) -> None:
    problem = await asyncio.to_thread(_area_problem, area)
    if problem is not None:
        raise Unprocessable(
            f"the area is not a usable polygon: {problem}",
            code="bad-area",
            errors=[{"loc": ["body", "area"], "msg": problem, "type": "bad_area"}],
        )


async def _active_incident(session: AsyncSession, incident_id: int) -> None:
    """Closures of a closed incident are kept as they were (as its counterparts are)."""
    incident = await incident_service.get_incident(session, incident_id, lock=True)
    if incident.status is not IncidentStatus.active:
        raise Conflict(
            f"incident {incident_id} is closed: its closures are kept as they were",
            code="incident-closed",
        )


async def add(
    session: AsyncSession,
    *,
    principal: Principal,
    incident_id: int,
    data: ClosureCreate,
    clock: Clock,
) -> Closure:
    await _active_incident(session, incident_id)
    area = data.area.model_dump() if data.area else None
    if area is not None:
        area["coordinates"] = [[list(p) for p in ring] for ring in area["coordinates"]]
        await _check_area(area)
    closure = Closure(
        incident_id=incident_id,
        kind=data.kind,
        crossing=data.crossing,
        area=area,
        note=data.note,
        created_by=principal.name,
        created_at=clock.resolve(None),
    )
    session.add(closure)
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="closure.create",
        entity="closure",
        entity_id=closure.id,
        after=to_read(closure).model_dump(mode="json"),
        note=data.note,
    )
    return closure


async def listing(session: AsyncSession, incident_id: int) -> list[Closure]:
    await incident_service.get_incident(session, incident_id)
    rows = await session.scalars(
        select(Closure).where(Closure.incident_id == incident_id).order_by(Closure.id)
    )
    return list(rows)


async def reopen(
    session: AsyncSession, *, principal: Principal, incident_id: int, closure_id: int, clock: Clock
) -> Closure:
    await _active_incident(session, incident_id)  # locked first, as when adding one
    closure = await session.scalar(
        for_change(
            select(Closure).where(Closure.id == closure_id, Closure.incident_id == incident_id)
        )
    )
    if closure is None:
        raise NotFound(f"closure {closure_id} does not exist", code="unknown-closure")
    if closure.reopened_at is not None:
        raise Conflict(f"closure {closure_id} is already reopened", code="closure-reopened")
    closure.reopened_at, closure.reopened_by = clock.resolve(None), principal.name
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="closure.reopen",
        entity="closure",
        entity_id=closure.id,
        before={"active": True},
        after={"active": False},
    )
    return closure


async def active(session: AsyncSession, incident_id: int | None) -> routing.Closures:
    """The closures in force for ``incident_id`` (of every incident when ``None``)."""
    query = select(Closure).where(Closure.reopened_at.is_(None)).order_by(Closure.id)
    if incident_id is not None:
        query = query.where(Closure.incident_id == incident_id)
    rows = list(await session.scalars(query))
    return routing.Closures.from_dict(
        {
            "crossings": sorted(
                {c.crossing for c in rows if c.kind is ClosureKind.crossing and c.crossing}
            ),
            "areas": [c.area for c in rows if c.kind is ClosureKind.area and c.area],
        }
    )
