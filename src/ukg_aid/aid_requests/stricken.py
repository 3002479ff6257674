"""The "stricken" rule (SPEC §3): a member with an open aid request is stricken, and by default
its stock stays home. It lives with the aid requests because it is a fact about them; the
members registry, the member views and the planner read it from here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.aid_requests.enums import OPEN_STATUSES
from ukg_aid.aid_requests.models import AidRequest


async def stricken_members(session: AsyncSession, *, as_of: datetime | None = None) -> set[str]:
    """Members with an open aid request (filed by ``as_of``, if given): by default their stock
    stays home (SPEC §3)."""
    query = select(AidRequest.member_code).where(AidRequest.status.in_(OPEN_STATUSES))
    if as_of is not None:
        query = query.where(AidRequest.filed_at <= as_of)
    return set(await session.scalars(query.distinct()))
