"""A member's trucks in the database, and the pool core's answer to "can this shipment leave?".

Pools are the ASSUMED default (``logistics.default_pools``: 4 × 4 t + 2 × 10 t per member, own
fleet and trucking-association agreements together, ``count_basis = ASSUMPTION``), created the
first time a member's desk dispatches a shipment. A truck is out until its ``free_at`` (drive,
unload, drive back under 改善基準告示, ``logistics.haul_eta``); then it is free again.

Queue order is the core's: priority, then the time the shipment joined the queue, then id.
Trucks are clamped to "free now at the earliest" before simulating, so no waiting shipment is
handed a truck in the past: at the dispatch time every waiting shipment competes in queue order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import logistics
from ukg_aid.db.locking import for_change
from ukg_aid.plans.shipments.enums import ShipmentStatus
from ukg_aid.plans.shipments.models import Shipment, Truck


async def lock_trucks(session: AsyncSession, member_code: str) -> list[Truck]:
    """The member's trucks, locked in id order (created from the default pool if none yet)."""
    query = select(Truck).where(Truck.member_code == member_code).order_by(Truck.id)
    query = for_change(query)
    trucks = list(await session.scalars(query))
    if trucks:
        return trucks
    pool = logistics.default_pools().get(member_code)
    if pool is None:
        return []
    made = [
        Truck(id=t.truck_id, member_code=member_code, class_code=t.class_code)
        for t in logistics.pool_trucks(member_code, pool.counts.as_dict())
    ]
    try:
        async with session.begin_nested():
            session.add_all(made)
    except IntegrityError:  # a concurrent first dispatch made them (committed): lock theirs
        pass
    return list(await session.scalars(query))


def core_truck(truck: Truck, now: datetime) -> logistics.Truck:
    """The core's view at ``now``: a truck back before ``now`` is free now; a driver idle for a
    full rest since is fresh again."""
    rest = timedelta(minutes=logistics.default_driver_rules().rest_min)
    if truck.free_at is None or truck.free_at + rest <= now:
        return logistics.Truck(truck.id, truck.class_code, now, logistics.FRESH)
    duty = logistics.DutyState(truck.continuous_min, truck.drive_min, truck.duty_min)
    return logistics.Truck(truck.id, truck.class_code, max(truck.free_at, now), duty)


def job(shipment: Shipment, ready_at: datetime) -> logistics.Job:
    load = logistics.Load(round(shipment.weight_kg * 1000))
    return logistics.Job(
        shipment.id, ready_at, load, shipment.distance_km, priority_rank=shipment.priority_rank
    )


async def waiting(session: AsyncSession, member_code: str, but: int) -> list[Shipment]:
    """The member's queued shipments other than ``but`` (rows are read under the plan locks of
    their dispatchers; a queue position is advisory until the trucks are locked)."""
    rows = await session.scalars(
        select(Shipment)
        .where(
            Shipment.supplier_code == member_code,
            Shipment.status == ShipmentStatus.queued,
            Shipment.id != but,
        )
        .order_by(Shipment.priority_rank, Shipment.queued_at, Shipment.id)
    )
    return list(rows)


@dataclass(frozen=True)
class Departure:
    """``run``: the shipment's own run from the dispatch time when it gets trucks now (else
    ``None``); ``forecast``: its outcome in the queue (``first_assigned_at`` the earliest
    departure, ``None`` when the member has no trucks); ``position`` in the member's queue."""

    run: logistics.PoolRun | None
    forecast: logistics.JobOutcome
    position: int


def plan_departure(
    trucks: list[Truck], shipment: Shipment, ahead: list[Shipment], when: datetime
) -> Departure:
    """Pure: may ``shipment`` leave at ``when``, with the other waiting shipments ``ahead``?"""
    pool = [core_truck(t, when) for t in trucks]
    others = [job(s, s.queued_at or when) for s in ahead]
    probe = logistics.simulate_pool(pool, [*others, job(shipment, shipment.queued_at or when)])
    forecast = probe.outcome(shipment.id)
    position = 1 + sum(1 for s in ahead if _key(s, when) < _key(shipment, when))
    first = forecast.first_assigned_at
    if first is None or first > when:
        return Departure(None, forecast, position)
    taken = {
        t.truck_id for t in probe.trips if t.shipment_id != shipment.id and t.assigned_at <= when
    }
    free = [t for t in pool if t.truck_id not in taken]
    return Departure(logistics.simulate_pool(free, [job(shipment, when)]), forecast, position)


def _key(s: Shipment, when: datetime) -> tuple[int, datetime, int]:
    return (s.priority_rank, s.queued_at or when, s.id)


def take(trucks: list[Truck], run: logistics.PoolRun, shipment_id: int) -> None:
    """Mark the trucks of a dispatched shipment out until they are back, with their drivers'
    counters at that moment (the run's final truck states)."""
    used = {trip.truck_id for trip in run.trips}
    by_id = {t.id: t for t in trucks}
    for state in run.trucks:
        if state.truck_id in used:
            truck = by_id[state.truck_id]
            truck.free_at, truck.shipment_id = state.free_at, shipment_id
            truck.continuous_min = state.duty.continuous_min
            truck.drive_min = state.duty.drive_min
            truck.duty_min = state.duty.duty_min
