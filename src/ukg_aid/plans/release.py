"""Releasing reserved stock: cancelling an approved plan, and cancelling an aid request (which
gives back what approved plans reserved for it and did not ship). Locks follow
:mod:`ukg_aid.plans.locks`; transitions :mod:`ukg_aid.plans.transitions`.

Marking a request cancelled is private to this module: on its own it would leave the stock
its allocations reserved held for a request nobody wants.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.aid_requests import service as request_service
from ukg_aid.aid_requests.enums import RequestStatus
from ukg_aid.aid_requests.models import AidRequest
from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock, require_forward
from ukg_aid.errors import Conflict
from ukg_aid.plans import batch, locks
from ukg_aid.plans import service as plan_service
from ukg_aid.plans.enums import AllocationStatus, PlanStatus
from ukg_aid.plans.models import DispatchPlan, PlanAllocation
from ukg_aid.plans.shipments import status as shipment_status
from ukg_aid.plans.shipping import complete_if_done
from ukg_aid.plans.transitions import STEPS, enter, not_before
from ukg_aid.principal import Principal


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
    plan = await plan_service.get_plan(session, plan_id, lock=True, allocations=False)
    when = enter(plan, "cancel", when, "cancellation")
    allocations = await locks.lock_plan_allocations(session, plan.id)
    why = f"plan {plan.id} cancelled"
    freed = await _release(session, allocations, principal=principal, when=when, why=why, note=note)
    shipments = {a.shipment_id for a in allocations}
    await shipment_status.refresh(session, shipments, every=allocations)  # the whole plan's
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
    return plan


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
    plans = await locks.lock_plans(session, await _plans_holding(session, request_id))
    await _mark_request_cancelled(
        session, principal=principal, request_id=request_id, reason=reason, when=when, note=note
    )
    approved = [p.id for p in plans.values() if p.status is PlanStatus.approved]
    for plan_id in approved:
        when = not_before(
            plans[plan_id], STEPS["release"], when, f"release for aid request {request_id}"
        )
    allocations = await locks.lock_allocations(
        session, await _planned_allocations(session, request_id, approved)
    )
    why = f"aid request {request_id} cancelled"
    await _release(session, allocations, principal=principal, when=when, why=why, note=note)
    await shipment_status.refresh(session, {a.shipment_id for a in allocations})
    for plan_id in sorted({a.plan_id for a in allocations}):
        await complete_if_done(session, principal, plans[plan_id], when)


async def _plans_holding(session: AsyncSession, request_id: int) -> set[int]:
    """Plans with a still-planned allocation for the request (read before any lock is taken)."""
    query = select(PlanAllocation.plan_id).where(
        PlanAllocation.request_id == request_id,
        PlanAllocation.status == AllocationStatus.planned,
    )
    return set(await session.scalars(query))


async def _planned_allocations(
    session: AsyncSession, request_id: int, plan_ids: list[int]
) -> list[int]:
    """The request's still-planned allocations in ``plan_ids`` (whose rows are locked)."""
    query = select(PlanAllocation.id).where(
        PlanAllocation.request_id == request_id,
        PlanAllocation.plan_id.in_(plan_ids),
        PlanAllocation.status == AllocationStatus.planned,
    )
    return list(await session.scalars(query))


async def _mark_request_cancelled(
    session: AsyncSession,
    *,
    principal: Principal,
    request_id: int,
    reason: str | None,
    when: datetime,
    note: str | None = None,
) -> AidRequest:
    """Cancel what is still open. Units already dispatched stay on the road and are tracked."""
    req = await request_service.get_request(session, request_id, lock=True)
    principal.require_member(req.member_code, action="cancel aid requests")
    if req.status in request_service.CLOSED:
        raise Conflict(
            f"aid request {request_id} is already {req.status.value}", code="request-closed"
        )
    when = require_forward(
        when,
        req.updated_at,
        subject=f"aid request {req.id}: cancellation",
        previous_what="its last change" if req.updated_at > req.filed_at else "its filing",
    )
    before = request_service.snapshot(req)
    req.status = RequestStatus.cancelled
    req.cancelled_at = when
    req.updated_at = when
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="aid_request.cancel",
        entity="aid_request",
        entity_id=req.id,
        before=before,
        after={**request_service.snapshot(req), "reason": reason},
        at=when,
        note=note,
    )
    return req
