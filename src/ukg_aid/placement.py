"""Checks shared by everything filed for a member at a place (aid requests, medevac missions):
the member exists and the point lies inside the union (SPEC §2). They return 422 field errors
so one answer can list every problem of a body."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import union_area
from ukg_aid.members.models import Member


async def member_and_point_errors(
    session: AsyncSession,
    *,
    member_code: str,
    lat: float,
    lon: float,
    field: str,
    what: str,
    buffer_km: float,
) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    if await session.get(Member, member_code) is None:
        errors.append(
            {"loc": ["body", "member_code"], "msg": "unknown member", "type": "unknown_member"}
        )
    if not union_area.contains(lat, lon, buffer_km=buffer_km):
        errors.append(
            {
                "loc": ["body", field],
                "msg": f"{what} is outside the union's area "
                f"(member outlines buffered by {buffer_km:g} km)",
                "type": "outside_union",
            }
        )
    return errors
