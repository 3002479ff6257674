"""Shipments of an approved plan (SPEC §11): its allocations per depot → delivery point, with
weight from the items' unit weights and the trucks the load needs (``logistics`` core)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Result, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import logistics
from ukg_aid.aid_requests.models import AidRequest
from ukg_aid.catalog.models import Item
from ukg_aid.db import bulk
from ukg_aid.plans.models import DispatchPlan, PlanAllocation
from ukg_aid.plans.shipments.enums import ShipmentStatus
from ukg_aid.plans.shipments.models import Shipment

_RANK = {"critical": 0, "high": 1, "normal": 2}


Points = Mapping[int, tuple[logistics.DeliveryPoint, int]]
"""Each request's delivery point and priority rank, by request id."""


def _points(requests: Mapping[int, AidRequest]) -> Points:
    """From the approval's locked request rows (read under its lock: the plan's requests, a
    few hundred), so the allocations need no second query joining them to their requests."""
    return {
        i: (
            logistics.DeliveryPoint(r.delivery_name, r.delivery_lat, r.delivery_lon),
            _RANK[r.priority.value],
        )
        for i, r in requests.items()
    }


def _lines(
    allocations: Sequence[PlanAllocation], points: Points
) -> tuple[list[logistics.AllocationLine], dict[int, int], dict[int, float]]:
    """The plan's allocations as the core's lines; priority rank and km per allocation."""
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
            delivery=points[a.request_id][0],
        )
        for a in allocations
    ]
    ranks = {a.id: points[a.request_id][1] for a in allocations}
    return lines, ranks, {a.id: a.distance_km for a in allocations}


@dataclass(frozen=True)
class _Built:
    shipments: Sequence[logistics.Shipment]
    rows: list[dict[str, Any]]


def _build(
    allocations: Sequence[PlanAllocation],
    points: Points,
    weights: dict[str, float],
    when: datetime,
) -> _Built:
    """In a worker thread (seconds of Python for a Nankai plan: the truck mix of each of its
    ~2,300 shipments): the core's shipments and their rows. The loaded allocations are only
    read; their session waits for this thread."""
    lines, ranks, km = _lines(allocations, points)
    built = logistics.build_shipments(
        lines, unit_weight_kg=weights, classes=logistics.default_truck_classes()
    )
    return _Built(built, [_row(s, ranks, km, when) for s in built])


def _links(
    allocations: Sequence[PlanAllocation],
    built: _Built,
    stored: Result[int, int, str, str, float, float],
) -> list[dict[str, int]]:
    """Each allocation's shipment id (``stored``: the plan's shipment rows just inserted), as
    rows for the one update, in the allocations' order."""
    ids = {
        _key(r.depot_id, r.requester_code, r.delivery_name, r.delivery_lat, r.delivery_lon): r.id
        for r in stored
    }
    shipment_of = {
        allocation_id: ids[_key(*(row[k] for k in _KEY))]
        for s, row in zip(built.shipments, built.rows, strict=True)
        for allocation_id in s.allocation_ids
    }
    return [{"id": a.id, "shipment_id": shipment_of[a.id]} for a in allocations]


async def create_for_plan(
    session: AsyncSession,
    plan: DispatchPlan,
    requests: Mapping[int, AidRequest],
    when: datetime,
) -> int:
    """Group a just-approved plan's allocations into shipments (``requests``: the plan's
    request rows, locked by the approval). Four statements whatever the plan's size: the items'
    weights, insert the shipments, read their ids, point the allocations at them. Returns how
    many. The grouping and the truck mix run off the event loop (:func:`_build`)."""
    if not plan.allocations:
        return 0
    points = _points(requests)
    codes = {a.item_code for a in plan.allocations}
    found = await session.execute(
        select(Item.code, Item.unit_weight_kg).where(Item.code.in_(codes))
    )
    weights = {str(code): float(weight) for code, weight in found.all()}
    built = await asyncio.to_thread(_build, plan.allocations, points, weights, when)
    await bulk.insert_rows(session, Shipment, built.rows)  # one statement on PostgreSQL
    connection = await session.connection()  # rows processed in the worker, not here
    stored = await connection.execute(
        select(
            Shipment.id,
            Shipment.depot_id,
            Shipment.requester_code,
            Shipment.delivery_name,
            Shipment.delivery_lat,
            Shipment.delivery_lon,
        ).where(Shipment.plan_id == plan.id)
    )
    links = await asyncio.to_thread(_links, plan.allocations, built, stored)
    await bulk.update_rows(session, PlanAllocation, "id", links)
    await bulk.keep_committed(plan.allocations, links)  # the loaded rows in step
    return len(built.rows)


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
