"""Shipment use cases (SPEC §11, §14): one dispatch and one counted delivery per shipment.

Dispatch takes trucks from the supplier's pool (``fleet``); with none free it joins the
member's queue (``queued``, with its position and the earliest departure) and the desk dispatches
again when trucks are back. Each action is a constant number of statements whatever the number
of allocations: rows are locked in one query per table and changed in batches.

Lock order (``plans.locks``): the plan, the shipment, the member's trucks, the allocations,
requests, stock rows, request lines.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import logistics
from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock, require_forward
from ukg_aid.errors import Conflict, NotFound, Unprocessable
from ukg_aid.plans import batch, deliveries, locks
from ukg_aid.plans.deliveries import Count
from ukg_aid.plans.enums import AllocationStatus, PlanStatus
from ukg_aid.plans.models import DispatchPlan, PlanAllocation
from ukg_aid.plans.shipments import fleet, status, waves
from ukg_aid.plans.shipments.enums import ShipmentStatus
from ukg_aid.plans.shipments.models import Shipment, WavePart
from ukg_aid.plans.shipments.status import lock_shipments
from ukg_aid.plans.transitions import require_plan
from ukg_aid.principal import Principal
from ukg_aid.stockpiles import batch as stock_batch
from ukg_aid.stockpiles import service as stock_service


async def _locked(session: AsyncSession, shipment_id: int) -> tuple[DispatchPlan, Shipment]:
    plan_id = await session.scalar(select(Shipment.plan_id).where(Shipment.id == shipment_id))
    if plan_id is None:
        raise NotFound(f"shipment {shipment_id} does not exist", code="unknown-shipment")
    plan = (await locks.lock_plans(session, {plan_id}))[plan_id]
    return plan, (await lock_shipments(session, {shipment_id}))[shipment_id]


def _require(shipment: Shipment, *allowed: ShipmentStatus, action: str) -> None:
    if shipment.status not in allowed:
        raise Conflict(
            f"shipment {shipment.id} is {shipment.status.value}; it cannot be {action}",
            code="shipment-state",
            shipment_status=shipment.status.value,
        )


async def _allocations(
    session: AsyncSession, shipment: Shipment, status: AllocationStatus
) -> list[PlanAllocation]:
    ids = list(
        await session.scalars(
            select(PlanAllocation.id).where(
                PlanAllocation.shipment_id == shipment.id, PlanAllocation.status == status
            )
        )
    )
    return await locks.lock_allocations(session, ids)


async def dispatch(
    session: AsyncSession,
    *,
    principal: Principal,
    shipment_id: int,
    at: datetime | None,
    clock: Clock,
    note: str | None = None,
) -> Shipment:
    """Load the shipment on free trucks now, or queue it for the next ones back."""
    when = clock.resolve(at)
    plan, shipment = await _locked(session, shipment_id)
    principal.require_member(shipment.supplier_code, action="dispatch from depots")
    require_plan(plan, PlanStatus.approved)
    _require(shipment, ShipmentStatus.planned, ShipmentStatus.queued, action="dispatched")
    subject = f"shipment {shipment.id}: dispatch"
    when = require_forward(
        when, plan.decided_at, subject=subject, previous_what=f"the approval of plan {plan.id}"
    )
    when = require_forward(when, shipment.queued_at, subject=subject, previous_what="its queuing")
    trucks = await fleet.lock_trucks(session, shipment.supplier_code)
    ahead = await fleet.waiting(session, shipment.supplier_code, but=shipment.id)
    departure = fleet.plan_departure(trucks, shipment, ahead, when)
    if departure.run is None:
        return await _queue(session, principal, shipment, departure, when, note)
    outcome = departure.run.outcome(shipment.id)
    allocations = await _allocations(session, shipment, AllocationStatus.planned)
    fleet.take(trucks, departure.run, shipment.id)
    await _ship(session, principal, shipment, allocations, when, outcome.delivered_at)
    wave_count = await waves.store(session, shipment.id, allocations, outcome)
    await _record_dispatch(
        session, principal, shipment, allocations, outcome, when, wave_count, note
    )
    return shipment


async def _record_dispatch(
    session: AsyncSession,
    principal: Principal,
    shipment: Shipment,
    allocations: list[PlanAllocation],
    outcome: logistics.JobOutcome,
    when: datetime,
    wave_count: int,
    note: str | None,
) -> None:
    shipment.status, shipment.dispatched_at = ShipmentStatus.dispatched, when
    shipment.expected_at, shipment.departure_at = outcome.delivered_at, None
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="shipment.dispatch",
        entity="shipment",
        entity_id=shipment.id,
        before={"status": "queued" if shipment.queued_at else "planned"},
        after={
            "status": "dispatched",
            "allocation_ids": [a.id for a in allocations],
            "trucks": sorted({t.truck_id for t in outcome.trips}),
            "expected_at": shipment.expected_at.isoformat() if shipment.expected_at else None,
            "queue_wait_min": _wait(shipment, when),
            "waves": wave_count,
        },
        at=when,
        note=note,
    )


def _wait(shipment: Shipment, when: datetime) -> float:
    start = shipment.queued_at or when
    return round((when - start).total_seconds() / 60, 1)


async def _queue(
    session: AsyncSession,
    principal: Principal,
    shipment: Shipment,
    departure: fleet.Departure,
    when: datetime,
    note: str | None,
) -> Shipment:
    before = shipment.status.value
    shipment.status = ShipmentStatus.queued
    shipment.queued_at = shipment.queued_at or when
    shipment.departure_at = departure.forecast.first_assigned_at
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="shipment.queue",
        entity="shipment",
        entity_id=shipment.id,
        before={"status": before},
        after={
            "status": "queued",
            "queue_position": departure.position,
            "departure_at": shipment.departure_at.isoformat() if shipment.departure_at else None,
        },
        at=when,
        note=note,
    )
    return shipment


async def _ship(
    session: AsyncSession,
    principal: Principal,
    shipment: Shipment,
    allocations: list[PlanAllocation],
    when: datetime,
    expected: datetime | None,
) -> None:
    """Stock leaves on_hand and its reservation; lines count it dispatched (batched)."""
    need: dict[tuple[int, str], int] = defaultdict(int)
    for a in allocations:
        need[(a.depot_id, a.item_code)] += a.quantity
    stock = await locks.lock_stock(session, set(need))
    lines = await locks.lock_lines(session, {a.line_id for a in allocations})
    await stock_batch.apply_changes(
        session,
        stock,
        [
            stock_batch.RowChange(
                key, stock_service.Change(on_hand=-q, reserved=-q), f"shipment:{shipment.id}"
            )
            for key, q in sorted(need.items())
        ],
        reason=f"dispatched: shipment {shipment.id} to {shipment.requester_code}",
        actor=principal.name,
        at=when,
    )
    await batch.mark_dispatched(session, allocations, lines, when=when, expected=expected)


async def deliver(
    session: AsyncSession,
    *,
    principal: Principal,
    shipment_id: int,
    counts: dict[int, Count],
    wave: int | None,
    at: datetime | None,
    clock: Clock,
    note: str | None = None,
) -> Shipment:
    """The receiving desk counts one wave (one truck trip) that has unloaded, or everything of
    the shipment still on the road (``wave`` None), in one confirmation."""
    when = clock.resolve(at)
    plan, shipment = await _locked(session, shipment_id)
    principal.require_member(shipment.requester_code, action="confirm deliveries")
    _require(shipment, ShipmentStatus.dispatched, action="delivered")
    still_open = await waves.open_parts(session, shipment_id=shipment.id)
    chosen = await _chosen(session, shipment, still_open, wave)
    allocations = await _allocations(session, shipment, AllocationStatus.dispatched)
    if wave is not None:
        allocations = [a for a in allocations if a.id in {p.allocation_id for p in chosen}]
    shares = waves.portions(allocations, still_open, chosen)
    checked = deliveries.check_counts(allocations, counts, ["received"], shares)
    losses = await deliveries.count_deliveries(
        session,
        principal=principal,
        plan=plan,
        allocations=allocations,
        counts=checked,
        when=when,
        subject=f"shipment {shipment.id}: delivery",
        portions=shares,
    )
    await waves.record(session, chosen, checked, when)
    await status.refresh(session, [shipment.id])
    if shipment.status is ShipmentStatus.delivered:
        shipment.delivered_at = when
    got = {str(a.id): checked[a.id].received for a in allocations}
    await _record_delivery(session, principal, shipment, chosen, got, losses, when, note)
    return shipment


async def _record_delivery(
    session: AsyncSession,
    principal: Principal,
    shipment: Shipment,
    chosen: list[WavePart],
    got: dict[str, int],
    losses: list[dict[str, Any]],
    when: datetime,
    note: str | None,
) -> None:
    after = {
        "status": shipment.status.value,
        "waves": sorted({p.wave for p in chosen}),
        "received": got,
        "lost_units": _lost(losses),
    }
    await audit.record(
        session,
        principal=principal,
        action="shipment.deliver",
        entity="shipment",
        entity_id=shipment.id,
        before={"status": "dispatched"},
        after=after,
        at=when,
        note=note,
    )
    await deliveries.announce_losses(
        session,
        principal=principal,
        entity="shipment",
        entity_id=shipment.id,
        losses=losses,
        when=when,
        note=note,
    )


async def _chosen(
    session: AsyncSession, shipment: Shipment, still_open: list[WavePart], wave: int | None
) -> list[WavePart]:
    """The parts this confirmation counts: one wave's, or every open one."""
    if wave is None:
        return still_open
    chosen = [p for p in still_open if p.wave == wave]
    if chosen:
        return chosen
    known = await waves.waves_of(session, shipment.id)
    if wave in known:
        raise Conflict(
            f"wave {wave} of shipment {shipment.id} is already counted",
            code="wave-delivered",
        )
    raise Unprocessable(
        f"shipment {shipment.id} has no wave {wave} (waves: {sorted(known) or 'none'})",
        code="unknown-wave",
        errors=[{"loc": ["body", "wave"], "msg": "no such wave", "type": "unknown"}],
    )


def _lost(losses: list[dict[str, Any]]) -> int:
    return sum(int(x["lost"]) for x in losses)
