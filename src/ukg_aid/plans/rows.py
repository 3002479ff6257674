"""Allocation rows that name things: one joined query per list, never one query per row.

A row carries its depot, supplier, requester, delivery point and item by name (CONTRACTS §2);
every list and answer that shows allocations (``GET /allocations``, a plan's ``allocations``,
dispatch and deliver) reads them through :func:`load`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from ukg_aid.aid_requests.models import AidRequest
from ukg_aid.aid_requests.schemas import DeliveryRead
from ukg_aid.catalog.models import Item
from ukg_aid.members.models import Member
from ukg_aid.plans.enums import AllocationStatus
from ukg_aid.plans.models import DispatchPlan, PlanAllocation
from ukg_aid.plans.schemas import AllocationRead, AllocationRow
from ukg_aid.stockpiles.models import Depot

Supplier = aliased(Member, name="supplier")
Requester = aliased(Member, name="requester")


def _row_query() -> Select[*tuple[Any, ...]]:
    """Every foreign key of an allocation is required, so the inner joins drop no row."""
    return (
        select(
            PlanAllocation,
            Depot.name,
            Depot.name_ja,
            Supplier.name_ja,
            Supplier.name_en,
            Requester.name_ja,
            Requester.name_en,
            AidRequest.delivery_name,
            AidRequest.delivery_lat,
            AidRequest.delivery_lon,
            Item.name_ja,
            Item.name_en,
            Item.unit,
            Item.unit_weight_kg,
        )
        .join(Depot, Depot.id == PlanAllocation.depot_id)
        .join(Supplier, Supplier.code == PlanAllocation.supplier_code)
        .join(Requester, Requester.code == PlanAllocation.requester_code)
        .join(AidRequest, AidRequest.id == PlanAllocation.request_id)
        .join(Item, Item.code == PlanAllocation.item_code)
    )


def _to_row(record: Sequence[Any]) -> AllocationRow:
    (a, depot, depot_ja, sup_ja, sup_en, req_ja, req_en, dname, dlat, dlon) = record[:10]
    item_ja, item_en, unit, unit_kg = record[10:]
    base = AllocationRead.model_validate(a).model_dump()
    return AllocationRow(
        **base,
        depot_name=depot,
        depot_name_ja=depot_ja,
        supplier_name_ja=sup_ja,
        supplier_name_en=sup_en,
        requester_name_ja=req_ja,
        requester_name_en=req_en,
        delivery=DeliveryRead(name=dname, lat=dlat, lon=dlon),
        item_name_ja=item_ja,
        item_name_en=item_en,
        unit=unit,
        unit_weight_kg=unit_kg,
        weight_kg=round(a.quantity * unit_kg, 3),
    )


async def load(session: AsyncSession, ids: Sequence[int]) -> list[AllocationRow]:
    """The named rows of these allocations, in id order (one query)."""
    if not ids:
        return []
    result = await session.execute(
        _row_query().where(PlanAllocation.id.in_(sorted(set(ids)))).order_by(PlanAllocation.id)
    )
    return [_to_row(r) for r in result]


async def one(session: AsyncSession, allocation_id: int) -> AllocationRow:
    return (await load(session, [allocation_id]))[0]


async def for_plan(session: AsyncSession, plan_id: int) -> list[AllocationRow]:
    """A plan's allocations as named rows, in id order (one query)."""
    result = await session.execute(
        _row_query().where(PlanAllocation.plan_id == plan_id).order_by(PlanAllocation.id)
    )
    return [_to_row(r) for r in result]


async def page(
    session: AsyncSession,
    *,
    status: AllocationStatus | None,
    supplier: str | None,
    requester: str | None,
    plan_id: int | None,
    incident_id: int | None = None,
    limit: int,
    offset: int,
) -> tuple[list[AllocationRow], int]:
    """One page of named rows in id order, and the total: two queries whatever the page size.
    An allocation belongs to the incident of its plan (a plan covers one incident, SPEC §10)."""
    conditions = []
    if status:
        conditions.append(PlanAllocation.status == status)
    if supplier:
        conditions.append(PlanAllocation.supplier_code == supplier)
    if requester:
        conditions.append(PlanAllocation.requester_code == requester)
    if plan_id is not None:
        conditions.append(PlanAllocation.plan_id == plan_id)
    if incident_id is not None:
        in_incident = select(DispatchPlan.id).where(DispatchPlan.incident_id == incident_id)
        conditions.append(PlanAllocation.plan_id.in_(in_incident))
    total = await session.scalar(
        select(func.count()).select_from(PlanAllocation).where(*conditions)
    )
    result = await session.execute(
        _row_query().where(*conditions).order_by(PlanAllocation.id).limit(limit).offset(offset)
    )
    return [_to_row(r) for r in result], int(total or 0)
