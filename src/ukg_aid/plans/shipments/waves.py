"""A dispatched shipment's waves (one per truck trip) in the database, and what one
confirmation counts (issue 13: each wave that unloads delivers its part).

At dispatch the pool core's trips (``logistics.simulate_pool``) are numbered 1… in the order the
trucks unload, and ``logistics.split_waves`` puts the allocations' units on them (by allocation
id, a unit on the trip holding its weight midpoint); each (wave, allocation) is a ``WavePart``.
The receiving desk confirms one wave (``wave=n``) or everything still on the road; an allocation
is delivered when its last part is counted, and its ``received`` is the sum of its parts'.

An allocation with no parts (dispatched on its own, or before waves existed) is counted whole.
Parts change only under their plan's lock (the callers hold it), so they are not row-locked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import logistics
from ukg_aid.catalog.models import Item
from ukg_aid.db import bulk
from ukg_aid.plans.deliveries import Count, Portion
from ukg_aid.plans.models import PlanAllocation
from ukg_aid.plans.shipments.models import WavePart


def _trips_in_order(outcome: logistics.JobOutcome) -> list[logistics.Trip]:
    return sorted(outcome.trips, key=lambda t: (t.unloaded_at, t.truck_id))


async def store(
    session: AsyncSession,
    shipment_id: int,
    allocations: Sequence[PlanAllocation],
    outcome: logistics.JobOutcome,
) -> int:
    """Record which units ride on which trip (one statement to read weights, one to insert).
    Returns the number of waves that carry something."""
    codes = {a.item_code for a in allocations}
    found = await session.execute(
        select(Item.code, Item.unit_weight_kg).where(Item.code.in_(codes))
    )
    weights = {str(code): float(kg) for code, kg in found.all()}
    items = [
        logistics.WaveItem(a.id, a.quantity, weights[a.item_code])
        for a in sorted(allocations, key=lambda a: a.id)
    ]
    trips = _trips_in_order(outcome)
    split = logistics.split_waves(items, [Fraction(t.share) for t in trips])
    rows, wave = [], 0
    for trip, parts in zip(trips, split, strict=True):
        if not parts:
            continue  # a sliver of a share smaller than half a unit: nothing to count
        wave += 1
        rows += [
            {
                "shipment_id": shipment_id,
                "wave": wave,
                "truck_id": trip.truck_id,
                "class_code": trip.class_code,
                "depart_at": trip.depart_at,
                "expected_at": trip.unloaded_at,
                "allocation_id": allocation_id,
                "quantity": quantity,
            }
            for allocation_id, quantity in sorted(parts.items())
        ]
    await bulk.insert_rows(session, WavePart, rows)
    return wave


async def open_parts(
    session: AsyncSession, *, shipment_id: int | None = None, allocation_id: int | None = None
) -> list[WavePart]:
    """Parts not yet counted, of one shipment or one allocation, by wave then allocation."""
    query = select(WavePart).where(WavePart.delivered_at.is_(None))
    if shipment_id is not None:
        query = query.where(WavePart.shipment_id == shipment_id)
    if allocation_id is not None:
        query = query.where(WavePart.allocation_id == allocation_id)
    query = query.order_by(WavePart.wave, WavePart.allocation_id)
    return list(await session.scalars(query.execution_options(populate_existing=True)))


async def waves_of(session: AsyncSession, shipment_id: int) -> set[int]:
    rows = await session.scalars(
        select(WavePart.wave).where(WavePart.shipment_id == shipment_id).distinct()
    )
    return set(rows)


def portions(
    allocations: Sequence[PlanAllocation],
    still_open: Sequence[WavePart],
    chosen: Sequence[WavePart],
) -> dict[int, Portion]:
    """Per allocation, the units this confirmation counts and whether they are its last."""
    open_qty: dict[int, int] = defaultdict(int)
    chosen_qty: dict[int, int] = defaultdict(int)
    for p in still_open:
        open_qty[p.allocation_id] += p.quantity
    for p in chosen:
        chosen_qty[p.allocation_id] += p.quantity
    out = {}
    for a in allocations:
        if a.id not in open_qty:  # no waves: counted whole
            out[a.id] = Portion(a.quantity, last=True)
        else:
            out[a.id] = Portion(chosen_qty[a.id], last=chosen_qty[a.id] == open_qty[a.id])
    return out


async def record(
    session: AsyncSession, chosen: Sequence[WavePart], counts: dict[int, Count], when: datetime
) -> None:
    """Mark the counted parts: an allocation's received units fill its parts in wave order (a
    shortfall lands on its latest waves, with the count's reason). One statement, whatever the
    number of parts."""
    left = {allocation_id: c.received for allocation_id, c in counts.items()}
    rows = []
    for p in sorted(chosen, key=lambda p: (p.wave, p.allocation_id)):
        got = min(p.quantity, left.get(p.allocation_id, p.quantity))
        left[p.allocation_id] = left.get(p.allocation_id, p.quantity) - got
        reason = counts[p.allocation_id].reason if p.allocation_id in counts else None
        rows.append(
            {
                "id": p.id,
                "received": got,
                "delivered_at": when,
                "loss_reason": reason if got < p.quantity else None,
            }
        )
    await bulk.update_loaded(session, WavePart, rows, {p.id: p for p in chosen})
