"""Plan and allocation state changes, each all-or-nothing.

Lock order everywhere (no deadlocks between coordinators and desks): plan rows by id, then
their allocation rows, then requests by id, then stock rows by (depot_id, item_code), then request
lines by id. Every path that touches an allocation locks its plan first, so two desks finishing
one plan's last deliveries, or a delivery racing a cancellation, are serialised on the plan.

    plan:        proposed ─approve→ approved ─(all allocations closed)→ completed
                 proposed ─discard→ discarded;  approved ─cancel→ cancelled
    allocation:  planned ─dispatch→ dispatched ─deliver→ delivered;  planned ─cancel→ cancelled
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import clock
from ukg_aid.aid_requests import service as request_service
from ukg_aid.aid_requests.models import AidRequest, AidRequestLine
from ukg_aid.audit import service as audit
from ukg_aid.auth.principal import Principal
from ukg_aid.errors import Conflict, NotFound, StaleAllocations
from ukg_aid.members.service import OPEN_STATUSES
from ukg_aid.plans import service as plan_service
from ukg_aid.plans.models import AllocationStatus, DispatchPlan, PlanAllocation, PlanStatus
from ukg_aid.plans.schemas import AllocationRead
from ukg_aid.stockpiles import service as stock_service
from ukg_aid.stockpiles.models import Stock

StockKey = tuple[int, str]


async def _lock_stock(session: AsyncSession, keys: set[StockKey]) -> dict[StockKey, Stock]:
    """The stock rows, locked in (depot_id, item_code) order in one query (rows are locked as
    the sorted scan returns them, so every caller takes them in the same order)."""
    if not keys:
        return {}
    rows = await session.scalars(
        select(Stock)
        .where(tuple_(Stock.depot_id, Stock.item_code).in_(sorted(keys)))
        .order_by(Stock.depot_id, Stock.item_code)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return {(row.depot_id, row.item_code): row for row in rows}


async def _lock_lines(session: AsyncSession, ids: set[int]) -> dict[int, AidRequestLine]:
    rows = await session.scalars(
        select(AidRequestLine)
        .where(AidRequestLine.id.in_(sorted(ids)))
        .order_by(AidRequestLine.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return {line.id: line for line in rows}


async def _lock_requests(session: AsyncSession, ids: set[int]) -> dict[int, AidRequest]:
    rows = await session.scalars(
        select(AidRequest)
        .where(AidRequest.id.in_(sorted(ids)))
        .order_by(AidRequest.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return {r.id: r for r in rows}


def _require(plan: DispatchPlan, *allowed: PlanStatus) -> None:
    if plan.status not in allowed:
        want = " or ".join(s.value for s in allowed)
        raise Conflict(
            f"plan {plan.id} is {plan.status.value}; this needs it {want}",
            code="plan-state",
            plan_status=plan.status.value,
        )


def _stale(
    plan: DispatchPlan,
    stock: dict[StockKey, Stock],
    lines: dict[int, AidRequestLine],
    open_requests: set[int],
) -> list[dict[str, Any]]:
    """Allocations that no longer fit: depot availability or line remainder shrank."""
    need_stock: dict[StockKey, int] = defaultdict(int)
    need_line: dict[int, int] = defaultdict(int)
    for a in plan.allocations:
        need_stock[(a.depot_id, a.item_code)] += a.quantity
        need_line[a.line_id] += a.quantity
    stale = []
    for a in plan.allocations:
        row, line = stock.get((a.depot_id, a.item_code)), lines.get(a.line_id)
        available = row.available if row else 0
        remaining = line.quantity - line.allocated if line and a.request_id in open_requests else 0
        why = []
        if need_stock[(a.depot_id, a.item_code)] > available:
            why.append(
                f"depot {a.depot_id} now has {available} {a.item_code} available, "
                f"the plan needs {need_stock[(a.depot_id, a.item_code)]}"
            )
        if need_line[a.line_id] > remaining:
            why.append(
                f"request line {a.line_id} now has {remaining} unallocated, "
                f"the plan gives {need_line[a.line_id]}"
            )
        if why:
            stale.append(
                {
                    "allocation_id": a.id,
                    "depot_id": a.depot_id,
                    "item_code": a.item_code,
                    "quantity": a.quantity,
                    "reason": "; ".join(why),
                }
            )
    return stale


async def approve(
    session: AsyncSession, *, principal: Principal, plan_id: int, at: datetime | None
) -> DispatchPlan:
    """Reserve every allocation's stock at once, or change nothing (409 names the misfits)."""
    when = clock.resolve_at(at)
    plan = await plan_service.get_plan(session, plan_id, lock=True)
    _require(plan, PlanStatus.proposed)
    requests = await _lock_requests(session, {a.request_id for a in plan.allocations})
    stock = await _lock_stock(session, {(a.depot_id, a.item_code) for a in plan.allocations})
    lines = await _lock_lines(session, {a.line_id for a in plan.allocations})
    open_ids = {i for i, r in requests.items() if r.status in OPEN_STATUSES}
    stale = _stale(plan, stock, lines, open_ids)
    if stale:
        raise StaleAllocations(
            f"{len(stale)} of the plan's {len(plan.allocations)} allocations no longer fit; "
            "nothing was reserved — plan again",
            code="stale-allocations",
            allocations=stale,
        )
    for a in plan.allocations:
        await stock_service.apply_change(
            session,
            stock[(a.depot_id, a.item_code)],
            stock_service.Change(reserved=a.quantity),
            reason=f"reserved for plan {plan.id}",
            actor=principal.name,
            at=when,
            ref=f"allocation:{a.id}",
        )
        lines[a.line_id].allocated += a.quantity
    plan.status = PlanStatus.completed if not plan.allocations else PlanStatus.approved
    plan.decided_by, plan.decided_at = principal.name, when
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="plan.approve",
        entity="plan",
        entity_id=plan.id,
        before={"status": "proposed"},
        after={
            "status": plan.status.value,
            "reserved_units": sum(a.quantity for a in plan.allocations),
        },
        at=when,
    )
    return plan


async def discard(
    session: AsyncSession, *, principal: Principal, plan_id: int, at: datetime | None
) -> DispatchPlan:
    when = clock.resolve_at(at)
    plan = await plan_service.get_plan(session, plan_id, lock=True)
    _require(plan, PlanStatus.proposed)
    plan.status, plan.decided_by, plan.decided_at = PlanStatus.discarded, principal.name, when
    for a in await _lock_allocations(session, [a.id for a in plan.allocations]):
        a.status = AllocationStatus.cancelled  # nothing was reserved: nothing to release
    plan.closed_at = when
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="plan.discard",
        entity="plan",
        entity_id=plan.id,
        before={"status": "proposed"},
        after={"status": "discarded"},
        at=when,
    )
    return plan


async def _release(
    session: AsyncSession,
    allocations: list[PlanAllocation],
    *,
    principal: Principal,
    when: datetime,
    why: str,
) -> int:
    """Cancel still-planned allocations and give their reservations back. Returns units freed."""
    planned = [a for a in allocations if a.status is AllocationStatus.planned]
    stock = await _lock_stock(session, {(a.depot_id, a.item_code) for a in planned})
    lines = await _lock_lines(session, {a.line_id for a in planned})
    for a in planned:
        await stock_service.apply_change(
            session,
            stock[(a.depot_id, a.item_code)],
            stock_service.Change(reserved=-a.quantity),
            reason=f"released: {why}",
            actor=principal.name,
            at=when,
            ref=f"allocation:{a.id}",
        )
        lines[a.line_id].allocated -= a.quantity
        a.status = AllocationStatus.cancelled
        await session.flush()
        await audit.record(
            session,
            principal=principal,
            action="allocation.cancel",
            entity="allocation",
            entity_id=a.id,
            before={"status": "planned"},
            after={"status": "cancelled", "released_units": a.quantity, "why": why},
            at=when,
        )
    return sum(a.quantity for a in planned)


async def cancel(
    session: AsyncSession, *, principal: Principal, plan_id: int, at: datetime | None
) -> DispatchPlan:
    """Stop an approved plan: what is not yet dispatched is released; trucks on the road go on."""
    when = clock.resolve_at(at)
    plan = await plan_service.get_plan(session, plan_id, lock=True)
    _require(plan, PlanStatus.approved)
    allocations = await _lock_allocations(session, [a.id for a in plan.allocations])
    freed = await _release(
        session, allocations, principal=principal, when=when, why=f"plan {plan.id} cancelled"
    )
    plan.status, plan.closed_at = PlanStatus.cancelled, when
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="plan.cancel",
        entity="plan",
        entity_id=plan.id,
        before={"status": "approved"},
        after={"status": "cancelled", "released_units": freed},
        at=when,
    )
    return await plan_service.get_plan(session, plan.id)


async def _lock_allocations(session: AsyncSession, ids: list[int]) -> list[PlanAllocation]:
    rows = await session.scalars(
        select(PlanAllocation)
        .where(PlanAllocation.id.in_(sorted(ids)))
        .order_by(PlanAllocation.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def _lock_plans(session: AsyncSession, ids: set[int]) -> dict[int, DispatchPlan]:
    rows = await session.scalars(
        select(DispatchPlan)
        .where(DispatchPlan.id.in_(sorted(ids)))
        .order_by(DispatchPlan.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return {p.id: p for p in rows}


async def cancel_request(
    session: AsyncSession,
    *,
    principal: Principal,
    request_id: int,
    reason: str | None,
    at: datetime | None,
) -> None:
    """Cancel an aid request and give back what approved plans reserved for it and did not ship.

    The plans holding its allocations are locked before the request (the lock order above).
    """
    when = clock.resolve_at(at)
    holding = set(
        await session.scalars(
            select(PlanAllocation.plan_id).where(
                PlanAllocation.request_id == request_id,
                PlanAllocation.status == AllocationStatus.planned,
            )
        )
    )
    plans = await _lock_plans(session, holding)
    await request_service.cancel_request(
        session, principal=principal, request_id=request_id, reason=reason, at=when
    )
    approved = [p.id for p in plans.values() if p.status is PlanStatus.approved]
    ids = list(
        await session.scalars(
            select(PlanAllocation.id).where(
                PlanAllocation.request_id == request_id,
                PlanAllocation.plan_id.in_(approved),
                PlanAllocation.status == AllocationStatus.planned,
            )
        )
    )
    allocations = await _lock_allocations(session, ids)
    await _release(
        session,
        allocations,
        principal=principal,
        when=when,
        why=f"aid request {request_id} cancelled",
    )
    for plan_id in sorted({a.plan_id for a in allocations}):
        await _complete_if_done(session, principal, plans[plan_id], when)


async def _allocation(
    session: AsyncSession, allocation_id: int
) -> tuple[DispatchPlan, PlanAllocation]:
    """The allocation and its plan, plan locked first."""
    plan_id = await session.scalar(
        select(PlanAllocation.plan_id).where(PlanAllocation.id == allocation_id)
    )
    if plan_id is None:
        raise NotFound(f"allocation {allocation_id} does not exist", code="unknown-allocation")
    plan = (await _lock_plans(session, {plan_id}))[plan_id]
    return plan, (await _lock_allocations(session, [allocation_id]))[0]


def _require_allocation(a: PlanAllocation, status: AllocationStatus, action: str) -> None:
    if a.status is not status:
        raise Conflict(
            f"allocation {a.id} is {a.status.value}; only a {status.value} allocation "
            f"can be {action}",
            code="allocation-state",
            allocation_status=a.status.value,
        )


async def dispatch(
    session: AsyncSession, *, principal: Principal, allocation_id: int, at: datetime | None
) -> PlanAllocation:
    """The supplier's desk ships: stock leaves on_hand and its reservation."""
    when = clock.resolve_at(at)
    plan, a = await _allocation(session, allocation_id)
    principal.require_member(a.supplier_code, action="dispatch from depots")
    _require(plan, PlanStatus.approved)  # nothing ships from a plan nobody approved
    _require_allocation(a, AllocationStatus.planned, "dispatched")
    stock = await _lock_stock(session, {(a.depot_id, a.item_code)})
    lines = await _lock_lines(session, {a.line_id})
    await stock_service.apply_change(
        session,
        stock[(a.depot_id, a.item_code)],
        stock_service.Change(on_hand=-a.quantity, reserved=-a.quantity),
        reason=f"dispatched for aid request {a.request_id}",
        actor=principal.name,
        at=when,
        ref=f"allocation:{a.id}",
    )
    lines[a.line_id].dispatched += a.quantity
    a.status, a.dispatched_at = AllocationStatus.dispatched, when
    a.expected_at = when + timedelta(minutes=a.eta_minutes)
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="allocation.dispatch",
        entity="allocation",
        entity_id=a.id,
        before={"status": "planned"},
        after=AllocationRead.model_validate(a).model_dump(mode="json"),
        at=when,
    )
    return a


async def deliver(
    session: AsyncSession, *, principal: Principal, allocation_id: int, at: datetime | None
) -> PlanAllocation:
    """The requester's desk confirms arrival; the request's status follows its lines."""
    when = clock.resolve_at(at)
    plan, a = await _allocation(session, allocation_id)
    principal.require_member(a.requester_code, action="confirm deliveries")
    _require_allocation(a, AllocationStatus.dispatched, "delivered")
    req = (await _lock_requests(session, {a.request_id}))[a.request_id]
    lines = await _lock_lines(session, {a.line_id})
    lines[a.line_id].delivered += a.quantity
    a.status, a.delivered_at = AllocationStatus.delivered, when
    await session.flush()
    req = await request_service.get_request(session, req.id)
    request_service.refresh_status(req, when)
    await _complete_if_done(session, principal, plan, when)
    await audit.record(
        session,
        principal=principal,
        action="allocation.deliver",
        entity="allocation",
        entity_id=a.id,
        before={"status": "dispatched"},
        after=AllocationRead.model_validate(a).model_dump(mode="json")
        | {"request_status": req.status.value},
        at=when,
    )
    return a


async def _complete_if_done(
    session: AsyncSession, principal: Principal, plan: DispatchPlan, when: datetime
) -> None:
    """An approved plan whose allocations are all delivered or cancelled is completed.

    The caller holds the plan's lock, so two last deliveries cannot both miss the completion.
    """
    if plan.status is not PlanStatus.approved:
        return
    statuses = set(
        await session.scalars(
            select(PlanAllocation.status).where(PlanAllocation.plan_id == plan.id)
        )
    )
    if statuses <= {AllocationStatus.delivered, AllocationStatus.cancelled}:
        plan.status, plan.closed_at = PlanStatus.completed, when
        await session.flush()
        await audit.record(
            session,
            principal=principal,
            action="plan.complete",
            entity="plan",
            entity_id=plan.id,
            before={"status": "approved"},
            after={"status": "completed"},
            at=when,
        )
