"""Allocation state changes: the supplier dispatches (counted deliveries and declines are in
:mod:`ukg_aid.plans.allocation_actions`), and a plan whose allocations are all closed is
completed. Locks follow :mod:`ukg_aid.plans.locks`.

    allocation:  planned ─dispatch→ dispatched ─deliver→ delivered

Timelines (SPEC §9): a dispatch is not before its plan's approval, a delivery not before its
dispatch nor before its request's last change.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock, require_forward
from ukg_aid.errors import Conflict, NotFound
from ukg_aid.plans import locks
from ukg_aid.plans.enums import AllocationStatus, PlanStatus
from ukg_aid.plans.models import DispatchPlan, PlanAllocation
from ukg_aid.plans.schemas import AllocationRead
from ukg_aid.plans.shipments import status as shipment_status
from ukg_aid.plans.transitions import STEPS, require_plan
from ukg_aid.principal import Principal
from ukg_aid.stockpiles import service as stock_service

CLOSED = frozenset(
    {AllocationStatus.delivered, AllocationStatus.cancelled, AllocationStatus.declined}
)
"""Allocation states that end its part in a plan."""


async def load_allocation(
    session: AsyncSession, allocation_id: int
) -> tuple[DispatchPlan, PlanAllocation]:
    """The allocation and its plan, plan locked first."""
    plan_id = await session.scalar(
        select(PlanAllocation.plan_id).where(PlanAllocation.id == allocation_id)
    )
    if plan_id is None:
        raise NotFound(f"allocation {allocation_id} does not exist", code="unknown-allocation")
    plan = (await locks.lock_plans(session, {plan_id}))[plan_id]
    return plan, (await locks.lock_allocations(session, [allocation_id]))[0]


def require_allocation(a: PlanAllocation, status: AllocationStatus, action: str) -> None:
    if a.status is not status:
        raise Conflict(
            f"allocation {a.id} is {a.status.value}; only a {status.value} allocation "
            f"can be {action}",
            code="allocation-state",
            allocation_status=a.status.value,
        )


async def dispatch(
    session: AsyncSession,
    *,
    principal: Principal,
    allocation_id: int,
    at: datetime | None,
    clock: Clock,
    note: str | None = None,
) -> PlanAllocation:
    """The supplier's desk ships: stock leaves on_hand and its reservation."""
    when = clock.resolve(at)
    plan, a = await load_allocation(session, allocation_id)
    principal.require_member(a.supplier_code, action="dispatch from depots")
    require_plan(plan, *STEPS["ship"].allowed)  # nothing ships from a plan nobody approved
    require_allocation(a, AllocationStatus.planned, "dispatched")
    when = require_forward(
        when,
        plan.decided_at,
        subject=f"allocation {a.id}: dispatch",
        previous_what=f"the approval of plan {plan.id}",
    )
    stock = await locks.lock_stock(session, {(a.depot_id, a.item_code)})
    lines = await locks.lock_lines(session, {a.line_id})
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
    a.expected_at = when + timedelta(minutes=drive_minutes(a))
    await session.flush()
    await shipment_status.refresh(session, [a.shipment_id])
    await audit.record(
        session,
        principal=principal,
        action="allocation.dispatch",
        entity="allocation",
        entity_id=a.id,
        before={"status": "planned"},
        after=AllocationRead.model_validate(a).model_dump(mode="json"),
        at=when,
        note=note,
    )
    return a


async def complete_if_done(
    session: AsyncSession, principal: Principal, plan: DispatchPlan, when: datetime
) -> None:
    """An approved plan whose allocations are all delivered, cancelled or declined is completed.

    The caller holds the plan's lock, so two last deliveries cannot both miss the completion.
    """
    if plan.status is not PlanStatus.approved:
        return
    statuses = set(
        await session.scalars(
            select(PlanAllocation.status).where(PlanAllocation.plan_id == plan.id)
        )
    )
    if statuses <= CLOSED:
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


def drive_minutes(a: PlanAllocation) -> float:
    """Loading and the drive from the moment of dispatch: the plan's ETA counted from the plan's
    time less the truck wait inside it (a truck loading now has waited already)."""
    return max(0.0, a.eta_minutes - a.truck_wait_minutes)
