"""Shipments as the API answers them: a page in two queries plus one for their allocations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import logistics
from ukg_aid.aid_requests.schemas import DeliveryRead
from ukg_aid.errors import NotFound
from ukg_aid.plans.models import PlanAllocation
from ukg_aid.plans.shipments.enums import ShipmentStatus
from ukg_aid.plans.shipments.models import Shipment, Truck, WavePart
from ukg_aid.plans.shipments.schemas import ShipmentRead, TruckRead, WavePartRead, WaveRead


async def _positions(session: AsyncSession, suppliers: set[str]) -> dict[int, int]:
    """Queue position of every queued shipment of these suppliers (1 = next)."""
    rows = await session.execute(
        select(Shipment.id, Shipment.supplier_code)
        .where(Shipment.status == ShipmentStatus.queued, Shipment.supplier_code.in_(suppliers))
        .order_by(Shipment.priority_rank, Shipment.queued_at, Shipment.id)
    )
    seen: dict[str, int] = defaultdict(int)
    out = {}
    for shipment_id, supplier in rows:
        seen[supplier] += 1
        out[shipment_id] = seen[supplier]
    return out


async def _waves(session: AsyncSession, ids: list[int]) -> dict[int, list[WaveRead]]:
    """Each shipment's waves with their parts (one query for the page)."""
    parts = await session.scalars(
        select(WavePart)
        .where(WavePart.shipment_id.in_(ids))
        .order_by(WavePart.shipment_id, WavePart.wave, WavePart.allocation_id)
    )
    grouped: dict[tuple[int, int], list[WavePart]] = defaultdict(list)
    for p in parts:
        grouped[(p.shipment_id, p.wave)].append(p)
    out: dict[int, list[WaveRead]] = defaultdict(list)
    for (shipment_id, wave), rows in grouped.items():
        counted = [p.delivered_at for p in rows]
        out[shipment_id].append(
            WaveRead(
                wave=wave,
                truck_id=rows[0].truck_id,
                class_code=rows[0].class_code,
                depart_at=rows[0].depart_at,
                expected_at=rows[0].expected_at,
                delivered_at=None if None in counted else max(d for d in counted if d),
                parts=[
                    WavePartRead(
                        allocation_id=p.allocation_id,
                        quantity=p.quantity,
                        received=p.received,
                        loss_reason=p.loss_reason,
                    )
                    for p in rows
                ],
            )
        )
    return out


async def to_reads(session: AsyncSession, shipments: Sequence[Shipment]) -> list[ShipmentRead]:
    ids = [s.id for s in shipments]
    waves = await _waves(session, ids)
    rows = await session.execute(
        select(PlanAllocation.shipment_id, PlanAllocation.id, PlanAllocation.late)
        .where(PlanAllocation.shipment_id.in_(ids))
        .order_by(PlanAllocation.id)
    )
    members: dict[int, list[int]] = defaultdict(list)
    late: set[int] = set()
    for shipment_id, allocation_id, is_late in rows:
        if shipment_id is None:
            continue
        members[shipment_id].append(allocation_id)
        if is_late:
            late.add(shipment_id)
    queued = {s.supplier_code for s in shipments if s.status is ShipmentStatus.queued}
    positions = await _positions(session, queued) if queued else {}
    return [
        ShipmentRead(
            id=s.id,
            plan_id=s.plan_id,
            depot_id=s.depot_id,
            supplier_code=s.supplier_code,
            requester_code=s.requester_code,
            delivery=DeliveryRead(name=s.delivery_name, lat=s.delivery_lat, lon=s.delivery_lon),
            allocation_ids=members[s.id],
            distance_km=s.distance_km,
            weight_kg=s.weight_kg,
            trucks={"4t": s.trucks_4t, "10t": s.trucks_10t},
            status=s.status,
            queue_position=positions.get(s.id),
            departure_at=s.departure_at if s.status is ShipmentStatus.queued else None,
            queued_at=s.queued_at,
            dispatched_at=s.dispatched_at,
            expected_at=s.expected_at,
            delivered_at=s.delivered_at,
            late=s.id in late,
            waves_total=len(waves[s.id]),
            waves_delivered=sum(1 for w in waves[s.id] if w.delivered_at is not None),
            waves=waves[s.id],
        )
        for s in shipments
    ]


async def one(session: AsyncSession, shipment_id: int) -> ShipmentRead:
    shipment = await session.get(Shipment, shipment_id, populate_existing=True)
    if shipment is None:
        raise NotFound(f"shipment {shipment_id} does not exist", code="unknown-shipment")
    return (await to_reads(session, [shipment]))[0]


async def many(session: AsyncSession, ids: Sequence[int]) -> list[ShipmentRead]:
    """These shipments read in the order given: one query for the rows, not one per shipment."""
    if not ids:
        return []
    found = await session.scalars(
        select(Shipment).where(Shipment.id.in_(ids)).execution_options(populate_existing=True)
    )
    by_id = {s.id: s for s in found}
    return await to_reads(session, [by_id[i] for i in ids])


async def page(
    session: AsyncSession,
    *,
    plan_id: int | None,
    supplier: str | None,
    requester: str | None,
    status: ShipmentStatus | None,
    limit: int,
    offset: int,
) -> tuple[list[ShipmentRead], int]:
    conditions = []
    if plan_id is not None:
        conditions.append(Shipment.plan_id == plan_id)
    if supplier:
        conditions.append(Shipment.supplier_code == supplier)
    if requester:
        conditions.append(Shipment.requester_code == requester)
    if status:
        conditions.append(Shipment.status == status)
    total = await session.scalar(select(func.count()).select_from(Shipment).where(*conditions))
    rows = await session.scalars(
        select(Shipment).where(*conditions).order_by(Shipment.id).limit(limit).offset(offset)
    )
    return await to_reads(session, list(rows)), int(total or 0)


async def trucks(session: AsyncSession, member: str | None, now: datetime) -> list[TruckRead]:
    query = select(Truck).order_by(Truck.member_code, Truck.id)
    if member:
        query = query.where(Truck.member_code == member)
    stored = list(await session.scalars(query))
    return _reads(stored, now) + _unused_pools(stored, member)


def _reads(stored: list[Truck], now: datetime) -> list[TruckRead]:
    return [
        TruckRead(
            id=t.id,
            member_code=t.member_code,
            class_code=t.class_code,
            free_at=t.free_at,
            shipment_id=t.shipment_id,
            out=t.free_at is not None and t.free_at > now,
        )
        for t in stored
    ]


def _unused_pools(stored: list[Truck], member: str | None) -> list[TruckRead]:
    """Members whose desk has not dispatched yet still have their (ASSUMED) default pool."""
    have = {t.member_code for t in stored}
    pools = logistics.default_pools()
    codes = [member] if member else sorted(pools)
    return [
        TruckRead(
            id=t.truck_id,
            member_code=code,
            class_code=t.class_code,
            free_at=None,
            shipment_id=None,
            out=False,
        )
        for code in codes
        if code in pools and code not in have
        for t in logistics.pool_trucks(code, pools[code].counts.as_dict())
    ]
