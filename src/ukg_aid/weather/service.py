"""Weather hold use cases: record (validated), list, read, lift; and the core's view of them.

A hold is an area (GeoJSON Polygon, every vertex inside Japan, a valid polygon) or one aircraft's
base, from ``from`` (inclusive) to ``until`` (exclusive). ``DELETE`` lifts it: a lifted hold no
longer refuses anything, and stays readable (``lifted_at``) with its audit trail.

A hold is recorded for an incident (``incident_id``; default the only active one, SPEC §10) and
listed per incident; closing the incident lifts it (``lift_for_incident``). While in force it
refuses every sortie it touches, whatever the mission's incident: fog is not an incident's.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from shapely.geometry import Polygon, shape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import japan_area
from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock, sane
from ukg_aid.db.locking import for_change
from ukg_aid.db.paging import fetch_page
from ukg_aid.dispatch_air import WeatherHold
from ukg_aid.errors import Conflict, NotFound, Unprocessable
from ukg_aid.helicopters.models import Helicopter
from ukg_aid.incidents import service as incident_service
from ukg_aid.principal import Principal
from ukg_aid.weather.models import WeatherHoldRow
from ukg_aid.weather.schemas import WeatherHoldCreate, WeatherHoldRead


def _error(loc: list[str | int], msg: str, kind: str) -> dict[str, Any]:
    return {"loc": ["body", *loc], "msg": msg, "type": kind}


def _area_errors(area: dict[str, Any]) -> list[dict[str, Any]]:
    """Closed rings, a valid polygon, every vertex inside Japan (off the event loop)."""
    errors = []
    for i, ring in enumerate(area["coordinates"]):
        if ring[0] != ring[-1]:
            errors.append(_error(["area", "coordinates", i], "ring is not closed", "ring_open"))
    if errors:
        return errors
    polygon = shape(area)
    if not isinstance(polygon, Polygon) or polygon.is_empty or not polygon.is_valid:
        return [_error(["area"], "not a valid polygon (self-intersecting?)", "invalid_polygon")]
    for i, j, lat, lon in japan_area.vertices_outside_japan(area["coordinates"]):
        msg = f"vertex ({lat:g}, {lon:g}) is outside Japan"
        errors.append(_error(["area", "coordinates", i, j], msg, "outside_japan"))
    return errors


async def _validate(
    session: AsyncSession, data: WeatherHoldCreate, clock: Clock
) -> tuple[datetime, datetime]:
    errors: list[dict[str, Any]] = []
    if (data.area is None) == (data.base_helicopter_id is None):
        msg = "give exactly one of area and base_helicopter_id"
        errors.append(_error(["area"], msg, "area_or_base"))
    start = sane(data.start, field="from")
    until = sane(data.until, field="until")
    if until <= start:
        errors.append(_error(["until"], "until must be after from", "until_before_from"))
    errors += clock.period_errors(until)
    base = data.base_helicopter_id
    if base is not None and await session.get(Helicopter, base) is None:
        msg = f"helicopter {base} does not exist"
        errors.append(_error(["base_helicopter_id"], msg, "unknown_helicopter"))
    if data.area is not None:
        errors += await asyncio.to_thread(_area_errors, data.area.model_dump())
    if errors:
        raise Unprocessable("the weather hold is not valid", errors=errors)
    return start, until


def to_read(row: WeatherHoldRow) -> WeatherHoldRead:
    return WeatherHoldRead.model_validate(row)


async def create(
    session: AsyncSession, *, principal: Principal, data: WeatherHoldCreate, clock: Clock
) -> WeatherHoldRow:
    start, until = await _validate(session, data, clock)
    incident = await incident_service.resolve(session, data.incident_id, what="weather hold")
    now = clock.now()
    row = WeatherHoldRow(
        incident_id=incident.id,
        area=data.area.model_dump() if data.area else None,
        base_helicopter_id=data.base_helicopter_id,
        start=start,
        until=until,
        reason=data.reason,
        note=data.note,
        created_by=principal.name,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="weather_hold.create",
        entity="weather_hold",
        entity_id=row.id,
        after=to_read(row).model_dump(mode="json", by_alias=True),
        at=now,
        note=data.note,
    )
    return row


async def get(session: AsyncSession, hold_id: int, *, lock: bool = False) -> WeatherHoldRow:
    query = select(WeatherHoldRow).where(WeatherHoldRow.id == hold_id)
    if lock:
        query = for_change(query)
    row = await session.scalar(query)
    if row is None:
        raise NotFound(f"weather hold {hold_id} does not exist", code="unknown-weather-hold")
    return row


async def list_holds(
    session: AsyncSession,
    *,
    include_lifted: bool,
    limit: int,
    offset: int,
    incident_id: int | None = None,
) -> tuple[list[WeatherHoldRow], int]:
    query = select(WeatherHoldRow)
    if incident_id is not None:
        query = query.where(WeatherHoldRow.incident_id == incident_id)
    if not include_lifted:
        query = query.where(WeatherHoldRow.lifted_at.is_(None))
    return await fetch_page(session, query, WeatherHoldRow.id, limit=limit, offset=offset)


async def lift(
    session: AsyncSession, *, principal: Principal, hold_id: int, clock: Clock
) -> WeatherHoldRow:
    row = await get(session, hold_id, lock=True)
    if row.lifted_at is not None:
        raise Conflict(f"weather hold {hold_id} is already lifted", code="weather-hold-lifted")
    await _lift(session, row, principal=principal, at=clock.now())
    return row


async def _lift(
    session: AsyncSession,
    row: WeatherHoldRow,
    *,
    principal: Principal,
    at: datetime,
    note: str | None = None,
) -> None:
    row.lifted_at, row.lifted_by = at, principal.name
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="weather_hold.lift",
        entity="weather_hold",
        entity_id=row.id,
        before={"lifted_at": None},
        after={"lifted_at": at.isoformat(), "reason": row.reason},
        at=at,
        note=note,
    )


async def lift_for_incident(
    session: AsyncSession, *, principal: Principal, incident_id: int, at: datetime, note: str
) -> list[WeatherHoldRow]:
    """Lift every hold of ``incident_id`` not lifted yet (the incident closes), each audited."""
    query = select(WeatherHoldRow).where(
        WeatherHoldRow.incident_id == incident_id, WeatherHoldRow.lifted_at.is_(None)
    )
    rows = list(await session.scalars(for_change(query.order_by(WeatherHoldRow.id))))
    for row in rows:
        await _lift(session, row, principal=principal, at=at, note=note)
    return rows


def to_core(row: WeatherHoldRow) -> WeatherHold:
    return WeatherHold(
        id=row.id,
        start=row.start,
        until=row.until,
        reason=row.reason,
        area=shape(row.area) if row.area else None,
        base_helicopter_id=row.base_helicopter_id,
    )


async def core_holds(session: AsyncSession) -> list[WeatherHold]:
    """Every hold not lifted, as the core sees it (the core checks each one's times)."""
    rows = await session.scalars(
        select(WeatherHoldRow).where(WeatherHoldRow.lifted_at.is_(None)).order_by(WeatherHoldRow.id)
    )
    return [to_core(r) for r in rows]
