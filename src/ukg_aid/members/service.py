"""Reading members. Members are seed data; the union has exactly twelve."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.db.paging import fetch_page
from ukg_aid.errors import NotFound
from ukg_aid.members.enums import MemberKind
from ukg_aid.members.models import Member


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
