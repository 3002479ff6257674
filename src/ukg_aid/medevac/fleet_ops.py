"""Staging at forward bases and visiting aircraft (SPEC §12), on the fleet's rows.

* A **staging** puts one aircraft at a forward base for ``[from, until)``: sorties assigned in
  that period start and end there. Periods of one aircraft never overlap (409). Deleting a
  staging withdraws it (``cancelled_at``).
* A **visiting aircraft** (from outside the union) is added by EMS with its performance; it has
  no member (own-first never applies to it) and flies from the base given. ``leave`` takes it
  out of the fleet (``left_at``); it must not be on a mission.
* Both belong to an incident (``incident_id``; default the only active one, SPEC §10): a visiting
  aircraft joins that incident's fleet and flies only its missions (``dispatch_air.flies_for``);
  closing the incident ends both (``medevac.incident_end``).

Fleet rows are locked (FOR NO KEY UPDATE, in id order) before they change, as assignment does.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock, sane
from ukg_aid.dispatch_air import AircraftStatus
from ukg_aid.errors import Conflict, NotFound, Unprocessable
from ukg_aid.helicopters import service as heli_service
from ukg_aid.helicopters.models import Helicopter, HelicopterStaging
from ukg_aid.helicopters.schemas import LeaveBody, StagingCreate, StagingRead, VisitingCreate
from ukg_aid.incidents import service as incident_service
from ukg_aid.medevac import fleet
from ukg_aid.placement import point_errors
from ukg_aid.principal import Principal

DEFAULT_WINDOW_START = dt.time(8, 30)
"""Daylight VFR operations start at 08:30 at every union base (``dispatch_air.model``); a
visiting aircraft without its own start time is assumed to keep the union's."""


async def _period_and_place(data: StagingCreate, clock: Clock) -> tuple[dt.datetime, dt.datetime]:
    """The staging's period (until after from, not over on the live clock) and place (inside
    Japan), or a 422."""
    start, until = sane(data.start, field="from"), sane(data.until, field="until")
    errors = await point_errors(
        lat=data.lat, lon=data.lon, loc=[], what="forward base", union_buffer_km=None
    )
    errors += clock.period_errors(until)
    if until <= start:
        errors.append(
            {
                "loc": ["body", "until"],
                "msg": "until must be after from",
                "type": "until_before_from",
            }
        )
    if errors:
        raise Unprocessable("the staging is not valid", errors=errors)
    return start, until


async def _may_stage(
    session: AsyncSession,
    heli: Helicopter,
    *,
    incident_id: int,
    start: dt.datetime,
    until: dt.datetime,
) -> None:
    """409 unless the (locked) aircraft is in the incident's fleet and free for the period."""
    if heli.left_at is not None:
        raise Conflict(f"helicopter {heli.id} has left the fleet", code="helicopter-left")
    if heli.incident_id not in (None, incident_id):
        raise Conflict(
            f"helicopter {heli.id} joined incident {heli.incident_id}'s fleet, "
            f"not incident {incident_id}'s",
            code="helicopter-other-incident",
        )
    for other in (await heli_service.stagings_of(session, [heli.id])).get(heli.id, []):
        if other.start < until and start < other.until:
            raise Conflict(
                f"helicopter {heli.id} is already staged at {other.name} "
                f"from {other.start.isoformat()} until {other.until.isoformat()}",
                code="staging-overlap",
                staging_id=other.id,
            )


async def stage(
    session: AsyncSession,
    *,
    principal: Principal,
    heli_id: int,
    data: StagingCreate,
    clock: Clock,
) -> HelicopterStaging:
    start, until = await _period_and_place(data, clock)
    incident = await incident_service.resolve(session, data.incident_id, what="staging")
    heli = await heli_service.get_helicopter(session, heli_id, lock=True)
    await _may_stage(session, heli, incident_id=incident.id, start=start, until=until)
    now = clock.now()
    row = HelicopterStaging(
        helicopter_id=heli.id,
        incident_id=incident.id,
        name=data.name,
        lat=data.lat,
        lon=data.lon,
        start=start,
        until=until,
        note=data.note,
        created_by=principal.name,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="helicopter.stage",
        entity="helicopter",
        entity_id=heli.id,
        after=StagingRead.model_validate(row).model_dump(mode="json", by_alias=True),
        at=now,
        note=data.note,
    )
    return row


async def unstage(
    session: AsyncSession, *, principal: Principal, heli_id: int, staging_id: int, clock: Clock
) -> HelicopterStaging:
    heli = await heli_service.get_helicopter(session, heli_id, lock=True)
    row = await session.scalar(
        select(HelicopterStaging).where(
            HelicopterStaging.id == staging_id, HelicopterStaging.helicopter_id == heli.id
        )
    )
    if row is None:
        raise NotFound(f"helicopter {heli_id} has no staging {staging_id}", code="unknown-staging")
    if row.cancelled_at is not None:
        raise Conflict(f"staging {staging_id} is already withdrawn", code="staging-withdrawn")
    await withdraw(session, row, principal=principal, at=clock.now())
    return row


async def withdraw(
    session: AsyncSession,
    row: HelicopterStaging,
    *,
    principal: Principal,
    at: dt.datetime,
    note: str | None = None,
) -> None:
    """End (or withdraw) a staging at ``at``, audited on its aircraft."""
    row.cancelled_at = at
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="helicopter.unstage",
        entity="helicopter",
        entity_id=row.helicopter_id,
        before={"staging_id": row.id, "name": row.name},
        after={"cancelled_at": at.isoformat()},
        at=at,
        note=note,
    )


async def add_visiting(
    session: AsyncSession, *, principal: Principal, data: VisitingCreate, clock: Clock
) -> Helicopter:
    at = clock.resolve(data.at)
    errors = await point_errors(
        lat=data.base.lat, lon=data.base.lon, loc=["base"], what="base", union_buffer_km=None
    )
    start = data.daylight_start or DEFAULT_WINDOW_START
    if data.daylight_fixed_end is not None and data.daylight_fixed_end <= start:
        msg = f"the daylight window would end before it starts ({start:%H:%M})"
        errors.append(
            {"loc": ["body", "daylight_fixed_end"], "msg": msg, "type": "window_end_before_start"}
        )
    if errors:
        raise Unprocessable("the visiting aircraft is not valid", errors=errors)
    incident = await incident_service.resolve(session, data.incident_id, what="visiting aircraft")
    taken = await session.scalar(select(Helicopter.id).where(Helicopter.callsign == data.callsign))
    if taken is not None:
        raise Conflict(f"callsign {data.callsign} is taken", code="callsign-taken")
    heli = Helicopter(
        callsign=data.callsign,
        member_code=None,
        incident_id=incident.id,
        visiting_from=data.visiting_from,
        base_name=data.base.name,
        base_lat=data.base.lat,
        base_lon=data.base.lon,
        aircraft_type=data.aircraft_type,
        status=AircraftStatus.available,
        cruise_kmh=data.cruise_kmh,
        range_km=data.range_km,
        daylight_start=start,
        daylight_fixed_end=data.daylight_fixed_end,
        updated_at=at,
    )
    session.add(heli)
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="helicopter.visit",
        entity="helicopter",
        entity_id=heli.id,
        after=heli_service.to_read(heli).model_dump(mode="json", by_alias=True),
        at=at,
        note=data.note,
    )
    return heli


async def leave(
    session: AsyncSession, *, principal: Principal, heli_id: int, data: LeaveBody, clock: Clock
) -> Helicopter:
    at = clock.resolve(data.at)
    heli = await heli_service.get_helicopter(session, heli_id, lock=True)
    if heli.member_code is not None:
        raise Conflict(
            f"helicopter {heli.id} belongs to the union's fleet; ground it instead",
            code="not-visiting",
        )
    if heli.left_at is not None:
        raise Conflict(f"helicopter {heli.id} has already left", code="helicopter-left")
    mission = (await fleet.active_missions(session)).get(heli.id)
    if mission is not None:
        raise Conflict(
            f"helicopter {heli.id} is flying mission {mission.id}; complete or cancel it first",
            code="helicopter-on-mission",
            mission_id=mission.id,
        )
    await depart(session, heli, principal=principal, at=at, note=data.note)
    return heli


async def depart(
    session: AsyncSession,
    heli: Helicopter,
    *,
    principal: Principal,
    at: dt.datetime,
    note: str | None = None,
) -> None:
    """A visiting aircraft (locked, on no mission) leaves the fleet at ``at``, audited."""
    await heli_service.change_status(
        session, heli, AircraftStatus.off_duty, principal=principal, at=at, note=note or "left"
    )
    heli.left_at = at
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="helicopter.leave",
        entity="helicopter",
        entity_id=heli.id,
        after={"left_at": at.isoformat(), "visiting_from": heli.visiting_from},
        at=at,
        note=note,
    )
