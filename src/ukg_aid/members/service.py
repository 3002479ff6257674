"""Members: the union's twelve (seed data) and the guest recipients a coordinator registers."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import japan_area
from ukg_aid.audit import service as audit
from ukg_aid.db.paging import fetch_page
from ukg_aid.errors import Conflict, NotFound, Unprocessable
from ukg_aid.members.enums import MemberKind
from ukg_aid.members.models import Member
from ukg_aid.members.schemas import GuestCreate
from ukg_aid.principal import Principal


async def list_members(session: AsyncSession) -> list[Member]:
    return list(await session.scalars(select(Member).order_by(Member.code)))


async def page_members(
    session: AsyncSession, *, kind: MemberKind | None, limit: int, offset: int
) -> tuple[list[Member], int]:
    """One page of members in code order, optionally of one kind (prefecture or city)."""
    query = select(Member)
    if kind is not None:
        query = query.where(Member.kind == kind)
    return await fetch_page(session, query, Member.code, limit=limit, offset=offset)


async def get_member(session: AsyncSession, code: str) -> Member:
    member = await session.get(Member, code)
    if member is None:
        raise NotFound(f"member {code} does not exist", code="unknown-member")
    return member


async def guest_codes(session: AsyncSession) -> set[str]:
    """Members of kind guest: recipients from outside the union, who never supply."""
    return set(await session.scalars(select(Member.code).where(Member.kind == MemberKind.guest)))


UNION_PREFECTURES = frozenset({"25", "26", "27", "28", "29", "30", "31", "36"})


def _guest_errors(data: GuestCreate) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    if data.code[:2] in UNION_PREFECTURES:
        errors.append(
            {
                "loc": ["body", "code"],
                "msg": f"{data.code} lies in a union prefecture: a guest comes from outside",
                "type": "inside_union",
            }
        )
    if not japan_area.inside_japan(data.office.lat, data.office.lon):
        errors.append(
            {
                "loc": ["body", "office"],
                "msg": f"office ({data.office.lat:g}, {data.office.lon:g}) is outside Japan",
                "type": "outside_japan",
            }
        )
    return errors


async def register_guest(
    session: AsyncSession, *, principal: Principal, data: GuestCreate
) -> Member:
    """Register a guest recipient (coordinator, admin); audited. Its prefecture, when already
    registered as a guest, becomes its parent."""
    if await session.get(Member, data.code) is not None:
        raise Conflict(f"member {data.code} already exists", code="duplicate-member")
    errors = await asyncio.to_thread(_guest_errors, data)
    if errors:
        raise Unprocessable("the guest recipient is not valid", errors=errors)
    parent = await session.get(Member, data.code[:2]) if len(data.code) == 5 else None
    member = Member(
        code=data.code,
        name_en=data.name_en,
        name_ja=data.name_ja,
        kind=MemberKind.guest,
        parent_code=parent.code if parent is not None else None,
        office_name_ja=data.office_name_ja,
        office_lat=data.office.lat,
        office_lon=data.office.lon,
        population=data.population,
    )
    session.add(member)
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="member.register_guest",
        entity="member",
        entity_id=member.code,
        after={
            "code": member.code,
            "name_en": member.name_en,
            "name_ja": member.name_ja,
            "kind": "guest",
            "office": {"lat": member.office_lat, "lon": member.office_lon},
            "population": member.population,
        },
    )
    return member
