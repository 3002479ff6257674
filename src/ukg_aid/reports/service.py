"""The situation report: where the union stands, in six set-based queries (none per row).

Counting rules (units, per member that filed):
- ``requested``: the lines' quantities; a cancelled request counts only what was dispatched for
  it before it was cancelled (the rest was withdrawn, not left unserved).
- ``allocated`` / ``dispatched`` / ``delivered``: the lines' counters (approved plans, shipped,
  confirmed), so delivered ≤ dispatched ≤ allocated ≤ requested.
- ``unmet``: the open remainder (quantity − allocated) of open requests' lines.
- ``fill_rate``: delivered ÷ requested; ``hours_to_first_delivery``: from the member's first
  filing to its first confirmed delivery.
- Units are only comparable within one item (litres of water, meals, blankets): ``items`` gives
  them per item, for the union and for each member. Summed over items (``totals`` and each
  member's own numbers) they are kept for scripts, but what a person reads across items is a
  count of request lines: ``lines`` (lines asking for something, by the ``requested`` rule),
  ``lines_delivered`` (delivered in full) and ``lines_unmet`` (open lines with a remainder).
- Unmet needs by item carry the cause the latest plan covering the line gave it; a line that
  plan did not leave unmet is ``awaiting_approval`` while the plan is proposed, else
  ``not_planned`` (never planned, or what was planned was discarded, cancelled or released).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import clock
from ukg_aid.aid_requests.enums import OPEN_STATUSES, RequestStatus
from ukg_aid.aid_requests.models import AidRequest, AidRequestLine
from ukg_aid.catalog.models import Item
from ukg_aid.members.models import Member
from ukg_aid.plans.enums import AllocationStatus, PlanStatus
from ukg_aid.plans.models import DispatchPlan, PlanAllocation
from ukg_aid.reports.schemas import (
    ItemSituation,
    MemberSituation,
    PlanCounts,
    SituationReport,
    Totals,
    UnmetNeed,
)

SUMS = ("requested", "allocated", "dispatched", "delivered", "unmet")
LINES = ("lines", "lines_delivered", "lines_unmet")
NOT_PLANNED = "not_planned"
AWAITING_APPROVAL = "awaiting_approval"


def _fill(delivered: int, requested: int) -> float | None:
    return round(delivered / requested, 4) if requested else None


def _hours(start: datetime, end: datetime | None) -> float | None:
    if end is None:
        return None
    return round((end - start).total_seconds() / 3600, 2)


Q = TypeVar("Q", bound="Select[*tuple[Any, ...]]")


def _scoped(query: Q, column: Any, incident_id: int | None) -> Q:
    """``query`` limited to one incident's rows (``column`` is its ``incident_id``)."""
    return query if incident_id is None else query.where(column == incident_id)


async def _line_sums(session: AsyncSession, incident_id: int | None) -> list[Any]:
    """Per (member, item): the item's names and unit, the unit sums (``SUMS``) and the line
    counts (``LINES``) — one query."""
    cancelled = AidRequest.status == RequestStatus.cancelled
    is_open = AidRequest.status.in_(OPEN_STATUSES)
    asked = case((cancelled, AidRequestLine.dispatched), else_=AidRequestLine.quantity)
    counted = asked > 0
    query = (
        select(
            AidRequest.member_code,
            Item.code,
            Item.name_ja,
            Item.name_en,
            Item.unit,
            func.sum(asked),
            func.sum(AidRequestLine.allocated),
            func.sum(AidRequestLine.dispatched),
            func.sum(AidRequestLine.delivered),
            func.sum(case((is_open, AidRequestLine.quantity - AidRequestLine.allocated), else_=0)),
            func.count().filter(counted),
            func.count().filter(counted, AidRequestLine.delivered >= asked),
            func.count().filter(is_open, AidRequestLine.quantity > AidRequestLine.allocated),
        )
        .join(AidRequest, AidRequest.id == AidRequestLine.request_id)
        .join(Item, Item.code == AidRequestLine.item_code)
        .group_by(AidRequest.member_code, Item.code, Item.name_ja, Item.name_en, Item.unit)
        .order_by(AidRequest.member_code, Item.code)
    )
    return list(await session.execute(_scoped(query, AidRequest.incident_id, incident_id)))


def _item(code: str, name_ja: str, name_en: str, unit: str, sums: dict[str, int]) -> ItemSituation:
    return ItemSituation(
        item_code=code,
        name_ja=name_ja,
        name_en=name_en,
        unit=unit,
        **sums,
        fill_rate=_fill(sums["delivered"], sums["requested"]),
    )


def _by_member(rows: list[Any]) -> dict[str, tuple[dict[str, int], list[ItemSituation]]]:
    """Per member: its unit sums and line counts over items, and its items (those asked for,
    or with anything allocated, shipped or open)."""
    out: dict[str, tuple[dict[str, int], list[ItemSituation]]] = {}
    for member, code, name_ja, name_en, unit, *numbers in rows:
        sums = dict(zip(SUMS + LINES, map(int, numbers), strict=True))
        total, items = out.setdefault(member, (dict.fromkeys(SUMS + LINES, 0), []))
        for key, n in sums.items():
            total[key] += n
        if any(sums[k] for k in SUMS):
            items.append(_item(code, name_ja, name_en, unit, {k: sums[k] for k in SUMS}))
    return out


def _union_items(members: list[MemberSituation]) -> list[ItemSituation]:
    """The union's requests per item: the members' item rows added up, by item code."""
    sums: dict[tuple[str, str, str, str], dict[str, int]] = {}
    for m in members:
        for i in m.items:
            key = (i.item_code, i.name_ja, i.name_en, i.unit)
            row = sums.setdefault(key, dict.fromkeys(SUMS, 0))
            for k in SUMS:
                row[k] += getattr(i, k)
    return [_item(*key, row) for key, row in sorted(sums.items())]


async def _request_facts(session: AsyncSession, incident_id: int | None) -> list[Any]:
    """Per member that filed: names, open requests, first filing."""
    query = (
        select(
            Member.code,
            Member.name_ja,
            Member.name_en,
            func.count(AidRequest.id).filter(AidRequest.status.in_(OPEN_STATUSES)),
            func.min(AidRequest.filed_at),
        )
        .join(AidRequest, AidRequest.member_code == Member.code)
        .group_by(Member.code, Member.name_ja, Member.name_en)
        .order_by(Member.code)
    )
    return list(await session.execute(_scoped(query, AidRequest.incident_id, incident_id)))


async def _first_deliveries(session: AsyncSession, incident_id: int | None) -> dict[str, datetime]:
    query = (
        select(PlanAllocation.requester_code, func.min(PlanAllocation.delivered_at))
        .join(DispatchPlan, DispatchPlan.id == PlanAllocation.plan_id)
        .where(PlanAllocation.status == AllocationStatus.delivered)
        .group_by(PlanAllocation.requester_code)
    )
    query = _scoped(query, DispatchPlan.incident_id, incident_id)
    return {code: at for code, at in await session.execute(query) if at is not None}


async def _members(session: AsyncSession, incident_id: int | None) -> list[MemberSituation]:
    sums = _by_member(await _line_sums(session, incident_id))
    delivered_at = await _first_deliveries(session, incident_id)
    out = []
    facts = await _request_facts(session, incident_id)
    for code, name_ja, name_en, open_count, first_filed in facts:
        s, items = sums.get(code) or (dict.fromkeys(SUMS + LINES, 0), [])
        out.append(
            MemberSituation(
                member_code=code,
                name_ja=name_ja,
                name_en=name_en,
                requests_open=int(open_count),
                **s,
                fill_rate=_fill(s["delivered"], s["requested"]),
                first_request_at=first_filed,
                first_delivery_at=delivered_at.get(code),
                hours_to_first_delivery=_hours(first_filed, delivered_at.get(code)),
                items=items,
            )
        )
    return out


Latest = dict[int, tuple[int, PlanStatus]]  # request id → (plan id, status) of its latest plan


def _causes(plans: list[Any]) -> tuple[Latest, dict[tuple[int, int], str]]:
    """The latest plan covering each request, and each (plan, line)'s unmet cause."""
    latest: Latest = {}
    unmet: dict[tuple[int, int], str] = {}
    for plan_id, status, request_ids, plan_unmet in plans:  # ascending id: later plans win
        for request_id in request_ids:
            latest[int(request_id)] = (plan_id, status)
        for u in plan_unmet:
            unmet[(plan_id, int(u["line_id"]))] = str(u["cause"])
    return latest, unmet


async def _unmet(session: AsyncSession, incident_id: int | None) -> list[UnmetNeed]:
    line_query = (
        select(
            AidRequestLine.id,
            AidRequestLine.request_id,
            AidRequestLine.quantity - AidRequestLine.allocated,
            Item.code,
            Item.name_ja,
            Item.name_en,
            Item.unit,
        )
        .join(AidRequest, AidRequest.id == AidRequestLine.request_id)
        .join(Item, Item.code == AidRequestLine.item_code)
        .where(
            AidRequest.status.in_(OPEN_STATUSES),
            AidRequestLine.quantity > AidRequestLine.allocated,
        )
    )
    lines = await session.execute(_scoped(line_query, AidRequest.incident_id, incident_id))
    plan_query = select(
        DispatchPlan.id, DispatchPlan.status, DispatchPlan.request_ids, DispatchPlan.unmet
    ).order_by(DispatchPlan.id)
    plans = await session.execute(_scoped(plan_query, DispatchPlan.incident_id, incident_id))
    latest, causes = _causes(list(plans))
    totals: dict[tuple[str, str], int] = defaultdict(int)
    items: dict[str, tuple[str, str, str]] = {}
    for line_id, request_id, remainder, code, name_ja, name_en, unit in lines:
        plan = latest.get(request_id)
        cause = NOT_PLANNED
        if plan is not None:
            cause = causes.get((plan[0], line_id)) or (
                AWAITING_APPROVAL if plan[1] is PlanStatus.proposed else NOT_PLANNED
            )
        totals[(code, cause)] += int(remainder)
        items[code] = (name_ja, name_en, unit)
    return [
        UnmetNeed(
            item_code=code,
            name_ja=items[code][0],
            name_en=items[code][1],
            unit=items[code][2],
            quantity=quantity,
            cause=cause,
        )
        for (code, cause), quantity in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


async def _plan_counts(session: AsyncSession, incident_id: int | None) -> PlanCounts:
    query = select(DispatchPlan.status, func.count()).group_by(DispatchPlan.status)
    rows = await session.execute(_scoped(query, DispatchPlan.incident_id, incident_id))
    return PlanCounts(**{status.value: int(n) for status, n in rows})


async def situation(session: AsyncSession, incident_id: int | None = None) -> SituationReport:
    """The whole database, or one incident's requests and plans (``incident_id``)."""
    members = await _members(session, incident_id)
    requested = sum(m.requested for m in members)
    delivered = sum(m.delivered for m in members)
    totals = Totals(
        requested=requested,
        allocated=sum(m.allocated for m in members),
        dispatched=sum(m.dispatched for m in members),
        delivered=delivered,
        unmet=sum(m.unmet for m in members),
        fill_rate=_fill(delivered, requested),
        **{k: sum(getattr(m, k) for m in members) for k in LINES},
    )
    return SituationReport(
        generated_at=clock.now(),
        incident_id=incident_id,
        totals=totals,
        items=_union_items(members),
        members=members,
        unmet=await _unmet(session, incident_id),
        plans=await _plan_counts(session, incident_id),
    )
