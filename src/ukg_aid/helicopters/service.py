"""Helicopter use cases: read the fleet, change status (with history), coverage, GeoJSON.

Bridges rows to the pure ``dispatch_air`` core: ``to_aircraft`` and ``base_hospitals`` build the
core's inputs. Receiving hospitals are the base hospitals of the fleet (grounded aircraft's bases
too: a hospital without its helicopter still receives patients); none is marked damaged, since
damaged areas are not modelled for hospitals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import dispatch_air
from ukg_aid.audit import service as audit
from ukg_aid.clock import require_forward
from ukg_aid.db.locking import for_change
from ukg_aid.db.paging import fetch_page
from ukg_aid.dispatch_air import Aircraft, AircraftStatus, Hospital, Preference
from ukg_aid.errors import NotFound
from ukg_aid.helicopters.models import Helicopter, HelicopterStatusChange
from ukg_aid.helicopters.schemas import (
    BaseRead,
    CoverageRead,
    CoverageReport,
    HelicopterRead,
)
from ukg_aid.members.enums import MemberKind
from ukg_aid.members.models import Member
from ukg_aid.principal import Principal


def to_read(h: Helicopter, mission_id: int | None = None) -> HelicopterRead:
    return HelicopterRead(
        id=h.id,
        callsign=h.callsign,
        member_code=h.member_code,
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


def to_aircraft(h: Helicopter) -> Aircraft:
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
    )


def base_hospitals(fleet: Sequence[Helicopter]) -> list[Hospital]:
    """One receiving hospital per base (by position), in aircraft id order."""
    seen: dict[tuple[float, float], Hospital] = {}
    for h in sorted(fleet, key=lambda h: h.id):
        seen.setdefault((h.base_lat, h.base_lon), Hospital(h.base_name, h.base_lat, h.base_lon))
    return list(seen.values())


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


async def list_helicopters(
    session: AsyncSession,
    *,
    member_code: str | None,
    status: AircraftStatus | None,
    limit: int,
    offset: int,
) -> tuple[list[Helicopter], int]:
    query = select(Helicopter)
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


async def coverage(session: AsyncSession, at: datetime) -> CoverageReport:
    fleet = list(await session.scalars(select(Helicopter).order_by(Helicopter.id)))
    callsigns = {h.id: h.callsign for h in fleet}
    ctx = await member_context(session)
    rows = dispatch_air.coverage([to_aircraft(h) for h in fleet], ctx.offices, at)
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
            )
            for r in rows
        ],
    )
