"""Checks shared by everything placed at a position (depots, aid requests, medevac scenes and
receiving hospitals): the member exists, the point lies inside Japan and, for a union member's
own things, inside the union's area (SPEC §2). They return 422 field errors so one answer can
list every problem of a body."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import japan_area, union_area
from ukg_aid.db import wire
from ukg_aid.geo import haversine_km
from ukg_aid.members.enums import MemberKind
from ukg_aid.members.models import Member

GUEST_RADIUS_KM = 40.0
"""``UKG_AID_GUEST_RADIUS_KM``'s default: how far from a guest's office its points may lie."""


def _where(lat: float, lon: float, union_buffer_km: float | None) -> str | None:
    """``outside_japan``, ``outside_union`` or None (inside everything asked for)."""
    if not japan_area.inside_japan(lat, lon):
        return "outside_japan"
    if union_buffer_km is not None and not union_area.contains(lat, lon, buffer_km=union_buffer_km):
        return "outside_union"
    return None


def _ready(union_buffer_km: float | None) -> bool:
    return japan_area.ready() and (union_buffer_km is None or union_area.ready(union_buffer_km))


def warm(union_buffer_km: float) -> None:
    """Build the outlines now (seconds of CPU, once per process), so the first requests that
    place a point do not wait for them: the app starts this in a thread."""
    japan_area.japan_area()
    union_area.union_area_km(union_buffer_km)


async def point_errors(
    *,
    lat: float,
    lon: float,
    loc: list[str | int],
    what: str,
    union_buffer_km: float | None,
) -> list[dict[str, Any]]:
    """Field errors for a position outside Japan or (when ``union_buffer_km`` is given)
    outside the union's area. The outlines are built once per process, off the event loop
    (:func:`warm` at start-up); once built, a test takes microseconds and runs inline."""
    if _ready(union_buffer_km):
        where = _where(lat, lon, union_buffer_km)
    else:
        where = await asyncio.to_thread(_where, lat, lon, union_buffer_km)
    if where == "outside_japan":
        msg = (
            f"{what} ({lat:g}, {lon:g}) is outside Japan (prefecture outlines buffered by "
            f"{japan_area.OUTLINE_BUFFER_KM:g} km, island municipalities by "
            f"{japan_area.ISLAND_RADIUS_KM:g} km); check latitude and longitude"
        )
    elif where == "outside_union":
        msg = (
            f"{what} ({lat:g}, {lon:g}) is outside the union's area "
            f"(member outlines buffered by {union_buffer_km:g} km)"
        )
    else:
        return []
    return [{"loc": ["body", *loc], "msg": msg, "type": where}]


@dataclass(frozen=True, slots=True)
class Placing:
    """What placing a point reads of its member: its kind and, for a guest, its office."""

    code: str
    name_en: str
    kind: MemberKind
    office_lat: float
    office_lon: float


_PLACING = select(*(Member.__table__.c[f.name] for f in fields(Placing))).where(
    Member.code == bindparam("member_code")
)


def guest_point_errors(
    guest: Placing, *, lat: float, lon: float, loc: list[str | int], what: str, radius_km: float
) -> list[dict[str, Any]]:
    """A guest recipient's points lie within ``radius_km`` of its office (SPEC §10)."""
    km = haversine_km(guest.office_lat, guest.office_lon, lat, lon)
    if km <= radius_km:
        return []
    msg = (
        f"{what} ({lat:g}, {lon:g}) is {km:.0f} km from the office of guest {guest.code} "
        f"({guest.name_en}); a guest's points lie within {radius_km:g} km of it "
        "(UKG_AID_GUEST_RADIUS_KM)"
    )
    return [{"loc": ["body", *loc], "msg": msg, "type": "outside_guest_radius"}]


async def member_and_point_errors(
    session: AsyncSession,
    *,
    member_code: str,
    lat: float,
    lon: float,
    field: str,
    what: str,
    buffer_km: float,
    guest_radius_km: float = GUEST_RADIUS_KM,
) -> list[dict[str, Any]]:
    """Unknown member, point outside Japan, and then: for a union member outside the union's
    area, for a guest farther than the guest radius from its office. The member is read as
    plain data, one Core statement on the driver (``db.wire``; filing an aid request is a hot
    write, issue 11)."""
    errors: list[dict[str, Any]] = []
    row = await wire.first(session, _PLACING, {"member_code": member_code})
    member = None if row is None else Placing(**{**row, "kind": MemberKind(row["kind"])})
    if member is None:
        errors.append(
            {"loc": ["body", "member_code"], "msg": "unknown member", "type": "unknown_member"}
        )
    guest = member is not None and member.kind is MemberKind.guest
    errors += await point_errors(
        lat=lat, lon=lon, loc=[field], what=what, union_buffer_km=None if guest else buffer_km
    )
    if guest and member is not None and not errors:
        errors += guest_point_errors(
            member, lat=lat, lon=lon, loc=[field], what=what, radius_km=guest_radius_km
        )
    return errors
