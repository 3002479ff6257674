"""One allocation's counted delivery and its decline (SPEC §11, §14); the rules are in
:mod:`ukg_aid.plans.deliveries`, dispatch in :mod:`ukg_aid.plans.shipping`.

    allocation:  dispatched ─deliver {received, reason}→ delivered (shortfall back on the line)
                 planned ─decline {reason}→ declined (reservation released, line reopened)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock, require_forward
from ukg_aid.plans import deliveries
from ukg_aid.plans.deliveries import Count
from ukg_aid.plans.enums import AllocationStatus, PlanStatus
from ukg_aid.plans.models import PlanAllocation
from ukg_aid.plans.schemas import AllocationRead
from ukg_aid.plans.shipments import status as shipment_status
from ukg_aid.plans.shipments import waves as shipment_waves
from ukg_aid.plans.shipping import (
    complete_if_done,
    load_allocation,
    require_allocation,
)
from ukg_aid.plans.transitions import require_plan
from ukg_aid.principal import Principal


async def deliver(
    session: AsyncSession,
    *,
    principal: Principal,
    allocation_id: int,
    count: Count | None,
    at: datetime | None,
    clock: Clock,
    note: str | None = None,
) -> PlanAllocation:
    """The requester's desk confirms what arrived of it (default: all still on the road)."""
    when = clock.resolve(at)
    plan, a = await load_allocation(session, allocation_id)
    principal.require_member(a.requester_code, action="confirm deliveries")
    require_allocation(a, AllocationStatus.dispatched, "delivered")
    parts = await shipment_waves.open_parts(session, allocation_id=a.id)  # still on the road
    shares = shipment_waves.portions([a], parts, parts)
    counts = deliveries.check_counts([a], {a.id: count} if count else {}, [], shares)
    losses = await deliveries.count_deliveries(
        session,
        principal=principal,
        plan=plan,
        allocations=[a],
        counts=counts,
        when=when,
        subject=f"allocation {a.id}: delivery",
        portions=shares,
    )
    await shipment_waves.record(session, parts, counts, when)
    await shipment_status.refresh(session, [a.shipment_id])
    await _record_delivery(session, principal, a, losses, when, note)
    return a


async def _record_delivery(
    session: AsyncSession,
    principal: Principal,
    a: PlanAllocation,
    losses: list[dict[str, Any]],
    when: datetime,
    note: str | None,
) -> None:
    await audit.record(
        session,
        principal=principal,
        action="allocation.deliver",
        entity="allocation",
        entity_id=a.id,
        before={"status": "dispatched"},
        after=AllocationRead.model_validate(a).model_dump(mode="json"),
        at=when,
        note=note,
    )
    await deliveries.announce_losses(
        session,
        principal=principal,
        entity="allocation",
        entity_id=a.id,
        losses=losses,
        when=when,
        note=note,
    )


async def decline(
    session: AsyncSession,
    *,
    principal: Principal,
    allocation_id: int,
    reason: str,
    at: datetime | None,
    clock: Clock,
) -> PlanAllocation:
    """The supplier's desk cannot send it: release the reservation, reopen the line."""
    when = clock.resolve(at)
    plan, a = await load_allocation(session, allocation_id)
    principal.require_member(a.supplier_code, action="decline allocations")
    require_plan(plan, PlanStatus.approved)
    require_allocation(a, AllocationStatus.planned, "declined")
    when = require_forward(
        when,
        plan.decided_at,
        subject=f"allocation {a.id}: decline",
        previous_what=f"the approval of plan {plan.id}",
    )
    released = await deliveries.release_declined(
        session, [a], actor=principal.name, when=when, reason=reason, ref=f"allocation:{a.id}"
    )
    await shipment_status.refresh(session, [a.shipment_id])
    await shipment_status.reweigh(session, a.shipment_id)
    await complete_if_done(session, principal, plan, when)
    await audit.record(
        session,
        principal=principal,
        action="allocation.decline",
        entity="allocation",
        entity_id=a.id,
        before={"status": "planned"},
        after=AllocationRead.model_validate(a).model_dump(mode="json")
        | {"released_units": released},
        at=when,
        note=reason,
    )
    return a
