"""Plan state changes, each all-or-nothing: approve, discard, cancel, and cancelling a request
(which releases what approved plans reserved for it). Locks follow :mod:`ukg_aid.plans.locks`;
dispatch and delivery are in :mod:`ukg_aid.plans.shipping`.

    plan:        proposed ─approve→ approved ─(all allocations closed)→ completed
                 proposed ─discard→ discarded;  approved ─cancel→ cancelled
    allocation:  planned ─cancel→ cancelled (released)

Timelines (SPEC §9): approving or discarding is not before the plan was made, cancelling (and
releasing its allocations) not before its approval.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.aid_requests import service as request_service
from ukg_aid.aid_requests.models import AidRequestLine
from ukg_aid.audit import service as audit
from ukg_aid.auth.principal import Principal
from ukg_aid.clock import Clock, require_forward
from ukg_aid.errors import StaleAllocations
from ukg_aid.members.service import OPEN_STATUSES
from ukg_aid.plans import batch, locks
from ukg_aid.plans import service as plan_service
from ukg_aid.plans.locks import StockKey
from ukg_aid.plans.models import AllocationStatus, DispatchPlan, PlanAllocation, PlanStatus
from ukg_aid.plans.shipping import complete_if_done, require_plan
from ukg_aid.stockpiles.models import Stock


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
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: int,
    at: datetime | None,
    clock: Clock,
    note: str | None = None,
) -> DispatchPlan:
    """Reserve every allocation's stock at once, or change nothing (409 names the misfits)."""
    when = clock.resolve(at)
    plan = await plan_service.get_plan(session, plan_id, lock=True)
    require_plan(plan, PlanStatus.proposed)
    when = _after_creation(plan, when, "approval")
    requests = await locks.lock_requests(session, {a.request_id for a in plan.allocations})
    stock = await locks.lock_stock(session, {(a.depot_id, a.item_code) for a in plan.allocations})
    lines = await locks.lock_lines(session, {a.line_id for a in plan.allocations})
    open_ids = {i for i, r in requests.items() if r.status in OPEN_STATUSES}
    stale = _stale(plan, stock, lines, open_ids)
    if stale:
        raise StaleAllocations(
            f"{len(stale)} of the plan's {len(plan.allocations)} allocations no longer fit; "
            "nothing was reserved — plan again",
            code="stale-allocations",
            allocations=stale,
        )
    await _reserve(session, plan, stock, lines, actor=principal.name, when=when)
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
        note=note,
    )
    return plan


async def _reserve(
    session: AsyncSession,
    plan: DispatchPlan,
    stock: dict[StockKey, Stock],
    lines: dict[int, AidRequestLine],
    *,
    actor: str,
    when: datetime,
) -> None:
    """Reserve every allocation's units on its (locked) stock row and request line."""
    reason = f"reserved for plan {plan.id}"
    await batch.reserve(
        session, plan.allocations, stock, lines, reason=reason, actor=actor, when=when
    )


def _after_creation(plan: DispatchPlan, when: datetime, what: str) -> datetime:
    return require_forward(
        when, plan.created_at, subject=f"plan {plan.id}: {what}", previous_what="its creation"
    )


async def discard(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: int,
    at: datetime | None,
    clock: Clock,
    note: str | None = None,
) -> DispatchPlan:
    when = clock.resolve(at)
    plan = await plan_service.get_plan(session, plan_id, lock=True)
    require_plan(plan, PlanStatus.proposed)
    when = _after_creation(plan, when, "discard")
    plan.status, plan.decided_by, plan.decided_at = PlanStatus.discarded, principal.name, when
    allocations = await locks.lock_allocations(session, [a.id for a in plan.allocations])
    # nothing was reserved: nothing to release
    await batch.set_status(session, allocations, AllocationStatus.cancelled)
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
        note=note,
    )
    return plan


async def _release(
    session: AsyncSession,
    allocations: list[PlanAllocation],
    *,
    principal: Principal,
    when: datetime,
    why: str,
    note: str | None,
) -> int:
    """Cancel still-planned allocations and give their reservations back. Returns units freed."""
    planned = [a for a in allocations if a.status is AllocationStatus.planned]
    stock = await locks.lock_stock(session, {(a.depot_id, a.item_code) for a in planned})
    lines = await locks.lock_lines(session, {a.line_id for a in planned})
    await batch.release(
        session, planned, stock, lines, principal=principal, when=when, why=why, note=note
    )
    return sum(a.quantity for a in planned)


def _after_approval(plan: DispatchPlan, when: datetime, what: str) -> datetime:
    return require_forward(
        when, plan.decided_at, subject=f"plan {plan.id}: {what}", previous_what="its approval"
    )


async def cancel(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: int,
    at: datetime | None,
    clock: Clock,
    note: str | None = None,
) -> DispatchPlan:
    """Stop an approved plan: what is not yet dispatched is released; trucks on the road go on."""
    when = clock.resolve(at)
    plan = await plan_service.get_plan(session, plan_id, lock=True)
    require_plan(plan, PlanStatus.approved)
    when = _after_approval(plan, when, "cancellation")
    allocations = await locks.lock_allocations(session, [a.id for a in plan.allocations])
    why = f"plan {plan.id} cancelled"
    freed = await _release(session, allocations, principal=principal, when=when, why=why, note=note)
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
        note=note,
    )
    return await plan_service.get_plan(session, plan.id)


async def cancel_request(
    session: AsyncSession,
    *,
    principal: Principal,
    request_id: int,
    reason: str | None,
    at: datetime | None,
    clock: Clock,
    note: str | None = None,
) -> None:
    """Cancel an aid request and give back what approved plans reserved for it and did not ship.

    The plans holding its allocations are locked before the request (the lock order).
    """
    when = clock.resolve(at)
    holding = set(
        await session.scalars(
            select(PlanAllocation.plan_id).where(
                PlanAllocation.request_id == request_id,
                PlanAllocation.status == AllocationStatus.planned,
            )
        )
    )
    plans = await locks.lock_plans(session, holding)
    await request_service.cancel_request(
        session, principal=principal, request_id=request_id, reason=reason, when=when, note=note
    )
    approved = [p.id for p in plans.values() if p.status is PlanStatus.approved]
    for plan_id in approved:
        when = _after_approval(plans[plan_id], when, f"release for aid request {request_id}")
    ids = list(
        await session.scalars(
            select(PlanAllocation.id).where(
                PlanAllocation.request_id == request_id,
                PlanAllocation.plan_id.in_(approved),
                PlanAllocation.status == AllocationStatus.planned,
            )
        )
    )
    allocations = await locks.lock_allocations(session, ids)
    await _release(
        session,
        allocations,
        principal=principal,
        when=when,
        why=f"aid request {request_id} cancelled",
        note=note,
    )
    for plan_id in sorted({a.plan_id for a in allocations}):
        await complete_if_done(session, principal, plans[plan_id], when)
