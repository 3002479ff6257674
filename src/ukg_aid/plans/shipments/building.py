"""Shipments of an approved plan (SPEC §11): its allocations per depot → delivery point, with
weight from the items' unit weights and the trucks the load needs (``logistics`` core)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from ukg_aid import logistics
from ukg_aid.aid_requests.models import AidRequest
from ukg_aid.catalog.models import Item
from ukg_aid.db import bulk
from ukg_aid.plans.models import DispatchPlan, PlanAllocation
from ukg_aid.plans.shipments.enums import ShipmentStatus
from ukg_aid.plans.shipments.models import Shipment

_RANK = {"critical": 0, "high": 1, "normal": 2}


async def _lines(
    session: AsyncSession, plan: DispatchPlan
) -> tuple[list[logistics.AllocationLine], dict[int, int], dict[int, float]]:
    """The plan's allocations as the core's lines; priority rank per request; km per allocation."""
    rows = await session.execute(
        select(
            PlanAllocation.id,
            AidRequest.delivery_name,
            AidRequest.delivery_lat,
            AidRequest.delivery_lon,
            AidRequest.priority,
        )
        .join(AidRequest, AidRequest.id == PlanAllocation.request_id)
        .where(PlanAllocation.plan_id == plan.id)  # all of them: one parameter, not thousands
    )
    points, ranks = {}, {}
    for allocation_id, name, lat, lon, priority in rows:
        points[allocation_id] = logistics.DeliveryPoint(name, lat, lon)
        ranks[allocation_id] = _RANK[priority.value]
    lines = [
        logistics.AllocationLine(
            allocation_id=a.id,
            plan_id=a.plan_id,
            depot_id=a.depot_id,
            supplier_code=a.supplier_code,
            requester_code=a.requester_code,
            request_id=a.request_id,
            item_code=a.item_code,
            quantity=a.quantity,
            delivery=points[a.id],
        )
        for a in plan.allocations
    ]
    return lines, ranks, {a.id: a.distance_km for a in plan.allocations}


async def create_for_plan(session: AsyncSession, plan: DispatchPlan, when: datetime) -> int:
    """Group a just-approved plan's allocations into shipments (three statements whatever the
    plan's size: read, insert the shipments, point the allocations at them). Returns how many."""
    if not plan.allocations:
        return 0
    lines, ranks, km = await _lines(session, plan)
    codes = {line.item_code for line in lines}
    found = await session.execute(
        select(Item.code, Item.unit_weight_kg).where(Item.code.in_(codes))
    )
    weights = {str(code): float(weight) for code, weight in found.all()}
    built = logistics.build_shipments(
        lines, unit_weight_kg=weights, classes=logistics.default_truck_classes()
    )
    rows = [_row(s, ranks, km, when) for s in built]
    await bulk.insert_rows(session, Shipment, rows)  # one statement on PostgreSQL
    ids = {
        _key(r.depot_id, r.requester_code, r.delivery_name, r.delivery_lat, r.delivery_lon): r.id
        for r in (
            await session.execute(
                select(
                    Shipment.id,
                    Shipment.depot_id,
                    Shipment.requester_code,
                    Shipment.delivery_name,
                    Shipment.delivery_lat,
                    Shipment.delivery_lon,
                ).where(Shipment.plan_id == plan.id)
            )
        ).all()
    }
    shipment_of = {
        allocation_id: ids[_key(*(row[k] for k in _KEY))]
        for s, row in zip(built, rows, strict=True)
        for allocation_id in s.allocation_ids
    }
    await bulk.update_rows(
        session,
        PlanAllocation,
        "id",
        [{"id": a.id, "shipment_id": shipment_of[a.id]} for a in plan.allocations],
    )
    for a in plan.allocations:  # the loaded rows in step, without a second write
        set_committed_value(a, "shipment_id", shipment_of[a.id])
    return len(rows)


_KEY = ("depot_id", "requester_code", "delivery_name", "delivery_lat", "delivery_lon")


def _key(*parts: object) -> tuple[object, ...]:
    """A shipment within its plan: one depot to one delivery point."""
    return tuple(round(p, 6) if isinstance(p, float) else p for p in parts)


def _row(
    s: logistics.Shipment, ranks: dict[int, int], km: dict[int, float], when: datetime
) -> dict[str, Any]:
    trucks = s.trucks.as_dict()
    return {
        "plan_id": s.plan_id,
        "depot_id": s.depot_id,
        "supplier_code": s.supplier_code,
        "requester_code": s.requester_code,
        "delivery_name": s.delivery.name,
        "delivery_lat": s.delivery.lat,
        "delivery_lon": s.delivery.lon,
        "distance_km": max(km[i] for i in s.allocation_ids),
        "weight_kg": s.weight_kg,
        "trucks_4t": trucks.get("4t", 0),
        "trucks_10t": trucks.get("10t", 0),
        "priority_rank": min(ranks[i] for i in s.allocation_ids),
        "status": ShipmentStatus.planned,
        "created_at": when,
    }
