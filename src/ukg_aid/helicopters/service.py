"""Helicopter use cases: read the fleet, change status (with history), coverage, GeoJSON.

Bridges rows to the pure ``dispatch_air`` core: ``to_aircraft`` builds an aircraft with its
stagings. Receiving hospitals are the ``hospitals`` table (``hospitals.service.core_hospitals``),
weather holds the ``weather_holds`` table (``weather.service.core_holds``). A visiting aircraft
that has left (``left_at``) is out of the fleet: not listed, never assigned, not in coverage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import dispatch_air
from ukg_aid.audit import service as audit
from ukg_aid.clock import require_forward
from ukg_aid.db.locking import for_change
from ukg_aid.db.paging import fetch_page
from ukg_aid.dispatch_air import Aircraft, AircraftStatus, Preference, Staging
from ukg_aid.errors import NotFound
from ukg_aid.helicopters.models import Helicopter, HelicopterStaging, HelicopterStatusChange
from ukg_aid.helicopters.schemas import (
    BaseRead,
    CoverageRead,
    CoverageReport,
    HelicopterRead,
    StagingRead,
)
from ukg_aid.members.enums import MemberKind
from ukg_aid.members.models import Member
from ukg_aid.principal import Principal


def to_read(
    h: Helicopter, mission_id: int | None = None, staging: HelicopterStaging | None = None
) -> HelicopterRead:
    return HelicopterRead(
        id=h.id,
        callsign=h.callsign,
        member_code=h.member_code,
        visiting_from=h.visiting_from,
        incident_id=h.incident_id,
        left_at=h.left_at,
        staging=StagingRead.model_validate(staging) if staging is not None else None,
        base=BaseRead(name=h.base_name, name_ja=h.base_name_ja, lat=h.base_lat, lon=h.base_lon),
        aircraft_type=h.aircraft_type,
        status=h.status,
        cruise_kmh=h.cruise_kmh,
        range_km=h.range_km,
        daylight_start=h.daylight_start,
        daylight_fixed_end=h.daylight_fixed_end,
        mission_id=mission_id,
        updated_at=h.updated_at,
    )


def to_staging(s: HelicopterStaging) -> Staging:
    return Staging(name=s.name, lat=s.lat, lon=s.lon, start=s.start, until=s.until)


def to_aircraft(h: Helicopter, stagings: Sequence[HelicopterStaging] = ()) -> Aircraft:
    return Aircraft(
        id=h.id,
        callsign=h.callsign,
        member_code=h.member_code,
        base_name=h.base_name,
        base_lat=h.base_lat,
        base_lon=h.base_lon,
        status=h.status,
        cruise_kmh=h.cruise_kmh,
        range_km=h.range_km,
        window_start=h.daylight_start,
        fixed_end=h.daylight_fixed_end,
        stagings=tuple(to_staging(s) for s in stagings),
        incident_id=h.incident_id,
    )


@dataclass(frozen=True, slots=True)
class MemberContext:
    """What the core needs to know about members: policy, city → prefecture, office points."""

    preferences: dict[str, Preference]
    parents: dict[str, str]
    offices: dict[str, tuple[float, float]]


async def member_context(session: AsyncSession) -> MemberContext:
    members = list(await session.scalars(select(Member).order_by(Member.code)))
    return MemberContext(
        preferences={m.code: Preference(m.heli_preference.value) for m in members},
        parents={
            m.code: m.parent_code
            for m in members
            if m.kind is MemberKind.city and m.parent_code is not None
        },
        offices={m.code: (m.office_lat, m.office_lon) for m in members},
    )


async def get_helicopter(session: AsyncSession, heli_id: int, *, lock: bool = False) -> Helicopter:
    query = select(Helicopter).where(Helicopter.id == heli_id)
    if lock:
        query = for_change(query)
    heli = await session.scalar(query)
    if heli is None:
        raise NotFound(f"helicopter {heli_id} does not exist", code="unknown-helicopter")
    return heli


async def lock_fleet(session: AsyncSession) -> list[Helicopter]:
    """Every aircraft, locked in id order (one lock order for every assignment path)."""
    return list(await session.scalars(for_change(select(Helicopter).order_by(Helicopter.id))))


async def stagings_of(
    session: AsyncSession, heli_ids: list[int] | None = None
) -> dict[int, list[HelicopterStaging]]:
    """Stagings not withdrawn, by aircraft, in start order."""
    query = select(HelicopterStaging).where(HelicopterStaging.cancelled_at.is_(None))
    if heli_ids is not None:
        query = query.where(HelicopterStaging.helicopter_id.in_(heli_ids))
    found: dict[int, list[HelicopterStaging]] = {}
    for s in await session.scalars(query.order_by(HelicopterStaging.start)):
        found.setdefault(s.helicopter_id, []).append(s)
    return found


def current_staging(
    stagings: Sequence[HelicopterStaging], at: datetime
) -> HelicopterStaging | None:
    """The staging that covers ``at``, if any."""
    return next((s for s in stagings if s.start <= at < s.until), None)


def in_fleet_of(incident_id: int) -> ColumnElement[bool]:
    """An incident's fleet: the union's own aircraft and the visitors that joined it."""
    return or_(Helicopter.incident_id.is_(None), Helicopter.incident_id == incident_id)


async def list_helicopters(
    session: AsyncSession,
    *,
    member_code: str | None,
    status: AircraftStatus | None,
    limit: int,
    offset: int,
    incident_id: int | None = None,
) -> tuple[list[Helicopter], int]:
    """The fleet not left; with ``incident_id``, that incident's fleet (``in_fleet_of``)."""
    query = select(Helicopter).where(Helicopter.left_at.is_(None))
    if incident_id is not None:
        query = query.where(in_fleet_of(incident_id))
    if member_code:
        query = query.where(Helicopter.member_code == member_code)
    if status:
        query = query.where(Helicopter.status == status)
    return await fetch_page(session, query, Helicopter.id, limit=limit, offset=offset)


async def change_status(
    session: AsyncSession,
    heli: Helicopter,
    status: AircraftStatus,
    *,
    principal: Principal,
    at: datetime,
    note: str | None = None,
    mission_id: int | None = None,
) -> None:
    """Set ``status`` (the caller holds the row lock), append history and audit.

    Every status change of an aircraft goes through here: its timeline only moves forward.
    """
    at = require_forward(
        at,
        heli.updated_at,
        subject=f"helicopter {heli.id} ({heli.callsign}): status change to {status.value}",
        previous_what="its last status change",
    )
    before = heli.status
    heli.status, heli.updated_at = status, at
    session.add(
        HelicopterStatusChange(
            helicopter_id=heli.id,
            status=status,
            previous=before,
            at=at,
            actor=principal.name,
            note=note,
            mission_id=mission_id,
        )
    )
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="helicopter.status",
        entity="helicopter",
        entity_id=heli.id,
        before={"status": before.value},
        after={"status": status.value, "note": note, "mission_id": mission_id},
        at=at,
        note=note,
    )


async def history(
    session: AsyncSession, heli_id: int, *, limit: int, offset: int
) -> tuple[list[HelicopterStatusChange], int]:
    await get_helicopter(session, heli_id)
    query = select(HelicopterStatusChange).where(HelicopterStatusChange.helicopter_id == heli_id)
    order = HelicopterStatusChange.id.desc()
    return await fetch_page(session, query, order, limit=limit, offset=offset)


async def coverage(
    session: AsyncSession,
    at: datetime,
    holds: Sequence[dispatch_air.WeatherHold] = (),
    incident_id: int | None = None,
) -> CoverageReport:
    """Coverage at ``at`` with weather holds and stagings; each row without an aircraft says why.
    With ``incident_id``, by that incident's fleet (``in_fleet_of``); else by every aircraft."""
    query = select(Helicopter).where(Helicopter.left_at.is_(None))
    if incident_id is not None:
        query = query.where(in_fleet_of(incident_id))
    fleet = list(await session.scalars(query.order_by(Helicopter.id)))
    callsigns = {h.id: h.callsign for h in fleet}
    ctx = await member_context(session)
    stagings = await stagings_of(session)
    aircraft = [to_aircraft(h, stagings.get(h.id, [])) for h in fleet]
    rows = dispatch_air.coverage(aircraft, ctx.offices, at, holds)
    return CoverageReport(
        at=at,
        covered_within_minutes=dispatch_air.COVERED_WITHIN_MIN,
        rows=[
            CoverageRead(
                member_code=r.member_code,
                helicopter_id=r.helicopter_id,
                callsign=callsigns.get(r.helicopter_id) if r.helicopter_id else None,
                flight_minutes=round(r.flight_minutes, 1) if r.flight_minutes is not None else None,
                within_30=r.within_30,
                reason=r.reason,
                reason_detail=r.detail or None,
            )
            for r in rows
        ],
    )
