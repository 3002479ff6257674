"""A shipment's status follows its allocations when they are acted on one by one."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import logistics
from ukg_aid.catalog.models import Item
from ukg_aid.db import bulk
from ukg_aid.db.locking import lock_keys, lock_rows
from ukg_aid.plans.enums import AllocationStatus
from ukg_aid.plans.models import PlanAllocation
from ukg_aid.plans.shipments.enums import ShipmentStatus
from ukg_aid.plans.shipments.models import Shipment

_GONE = {AllocationStatus.cancelled, AllocationStatus.declined}


async def lock_shipments(session: AsyncSession, ids: set[int]) -> dict[int, Shipment]:
    """Shipment rows locked in id order, after their plan's lock (every path takes that first;
    cancel locks shipments after the allocations, stock and lines)."""
    rows = await lock_keys(session, Shipment, [Shipment.id], ids)
    return {s.id: s for s in rows}


def follow(now: ShipmentStatus, statuses: set[AllocationStatus]) -> ShipmentStatus:
    """Nothing left to carry: cancelled; all carried and counted: delivered; nothing left to
    load: dispatched; else as it was (planned or queued)."""
    if statuses <= _GONE:
        return ShipmentStatus.cancelled
    if statuses <= _GONE | {AllocationStatus.delivered}:
        return ShipmentStatus.delivered
    if AllocationStatus.planned not in statuses:
        return ShipmentStatus.dispatched
    return now


async def refresh(
    session: AsyncSession,
    shipment_ids: Iterable[int | None],
    every: Sequence[PlanAllocation] | None = None,
) -> None:
    """Re-derive these shipments' status from their allocations (the caller holds the plan):
    the changed ones in one statement (a cancelled Nankai plan changes thousands). ``every``:
    all the allocations of these shipments, loaded and current (a whole plan's, as a plan's
    cancellation holds them; a shipment carries only its plan's allocations), read instead of
    querying their statuses again."""
    ids = {i for i in shipment_ids if i is not None}
    if not ids:
        return
    shipments = None
    if every is not None and not _any_loaded(session):
        now = await _lock_statuses(session, ids)
    else:
        shipments = await lock_shipments(session, ids)
        now = {i: s.status for i, s in shipments.items()}
    statuses: dict[int, set[AllocationStatus]] = defaultdict(set)
    for shipment_id, status in await _statuses(session, ids, every):
        if shipment_id is not None:
            statuses[shipment_id].add(status)
    changed = [{"id": i, "status": s} for i, s in _changed(now, statuses).items()]
    if shipments is None:
        await bulk.update_rows(session, Shipment, "id", changed)
    else:
        await bulk.update_loaded(session, Shipment, changed, shipments)


def _any_loaded(session: AsyncSession) -> bool:
    """Whether the session holds any shipment object (which a plain update would leave stale)."""
    return any(isinstance(o, Shipment) for o in session.identity_map.values())


async def _lock_statuses(session: AsyncSession, ids: set[int]) -> dict[int, ShipmentStatus]:
    """The shipments' statuses, their rows locked in id order as :func:`lock_shipments` locks
    them (``db.locking.lock_rows``), without an ORM object each (a cancelled Nankai plan has
    2,335 shipments)."""
    rows = await lock_rows(session, [Shipment.id, Shipment.status], Shipment.id, ids)
    return {row.id: row.status for row in rows}


def _changed(
    now: dict[int, ShipmentStatus], statuses: dict[int, set[AllocationStatus]]
) -> dict[int, ShipmentStatus]:
    changed = {}
    for shipment_id, status in now.items():
        followed = follow(status, statuses[shipment_id])
        if followed is not status:
            changed[shipment_id] = followed
    return changed


async def _statuses(
    session: AsyncSession, ids: set[int], every: Sequence[PlanAllocation] | None
) -> Iterable[tuple[int | None, AllocationStatus]]:
    if every is not None:
        return [(a.shipment_id, a.status) for a in every if a.shipment_id in ids]
    rows = await session.execute(
        select(PlanAllocation.shipment_id, PlanAllocation.status).where(
            PlanAllocation.shipment_id.in_(sorted(ids))
        )
    )
    return [(shipment_id, status) for shipment_id, status in rows]


async def reweigh(session: AsyncSession, shipment_id: int | None) -> None:
    """Weight and trucks of what is still to load (after a decline took some of it off)."""
    if shipment_id is None:
        return
    shipment = (await lock_shipments(session, {shipment_id}))[shipment_id]
    rows = await session.execute(
        select(PlanAllocation.item_code, PlanAllocation.quantity).where(
            PlanAllocation.shipment_id == shipment_id,
            PlanAllocation.status == AllocationStatus.planned,
        )
    )
    pairs = [(code, quantity) for code, quantity in rows]
    if not pairs:
        return
    found = await session.execute(
        select(Item.code, Item.unit_weight_kg).where(Item.code.in_({c for c, _ in pairs}))
    )
    weights = {str(code): float(weight) for code, weight in found.all()}
    grams = math.ceil(sum(Decimal(repr(float(weights[c]))) * q for c, q in pairs) * 1000)
    trucks = logistics.trucks_needed(logistics.Load(grams), logistics.default_truck_classes())
    shipment.weight_kg = grams / 1000
    shipment.trucks_4t, shipment.trucks_10t = trucks.get("4t"), trucks.get("10t")
    await session.flush()
