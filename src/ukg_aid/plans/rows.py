"""Allocation rows that name things: one joined query per list, never one query per row.

A row carries its depot, supplier, requester, delivery point and item by name (CONTRACTS §2);
every list and answer that shows allocations (``GET /allocations``, a plan's ``allocations``,
dispatch and deliver) reads them through :func:`load`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Result, RowMapping, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from ukg_aid.aid_requests.models import AidRequest
from ukg_aid.catalog.models import Item
from ukg_aid.members.models import Member
from ukg_aid.plans.enums import AllocationStatus
from ukg_aid.plans.models import DispatchPlan, PlanAllocation
from ukg_aid.plans.schemas import AllocationRow
from ukg_aid.stockpiles.models import Depot

Supplier = aliased(Member, name="supplier")
Requester = aliased(Member, name="requester")


_ALLOCATION = tuple(PlanAllocation.__table__.c)
_NAMES = (
    Depot.name.label("depot_name"),
    Depot.name_ja.label("depot_name_ja"),
    Supplier.name_ja.label("supplier_name_ja"),
    Supplier.name_en.label("supplier_name_en"),
    Requester.name_ja.label("requester_name_ja"),
    Requester.name_en.label("requester_name_en"),
    AidRequest.delivery_name,
    AidRequest.delivery_lat,
    AidRequest.delivery_lon,
    Item.name_ja.label("item_name_ja"),
    Item.name_en.label("item_name_en"),
    Item.unit,
    Item.unit_weight_kg,
)


def _row_query() -> Select[*tuple[Any, ...]]:
    """Plain columns, no ORM object per row (a Nankai plan answers thousands of rows). Every
    foreign key of an allocation is required, so the inner joins drop no row."""
    return (
        select(*_ALLOCATION, *_NAMES)
        .join(Depot, Depot.id == PlanAllocation.depot_id)
        .join(Supplier, Supplier.code == PlanAllocation.supplier_code)
        .join(Requester, Requester.code == PlanAllocation.requester_code)
        .join(AidRequest, AidRequest.id == PlanAllocation.request_id)
        .join(Item, Item.code == PlanAllocation.item_code)
    )


def _to_row(record: RowMapping) -> AllocationRow:
    """One validation of the row's columns (pydantic-core), no intermediate model."""
    data = dict(record)
    data["delivery"] = {
        "name": data.pop("delivery_name"),
        "lat": data.pop("delivery_lat"),
        "lon": data.pop("delivery_lon"),
    }
    data["weight_kg"] = round(data["quantity"] * data["unit_weight_kg"], 3)
    return AllocationRow.model_validate(data)


async def load(session: AsyncSession, ids: Sequence[int]) -> list[AllocationRow]:
    """The named rows of these allocations, in id order (one query)."""
    if not ids:
        return []
    result = await session.execute(
        _row_query().where(PlanAllocation.id.in_(sorted(set(ids)))).order_by(PlanAllocation.id)
    )
    return [_to_row(r) for r in result.mappings()]


async def one(session: AsyncSession, allocation_id: int) -> AllocationRow:
    return (await load(session, [allocation_id]))[0]


async def for_plan(session: AsyncSession, plan_id: int) -> list[AllocationRow]:
    """A plan's allocations as named rows, in id order (one query; the rows are made in a
    worker thread: thousands of them are a long stall of the event loop)."""
    return await asyncio.to_thread(named, await for_plan_result(session, plan_id))


async def for_plan_result(session: AsyncSession, plan_id: int) -> Result[Any]:
    """The query of :func:`for_plan`, executed: its rows are fetched, not yet processed. On the
    session's connection, not through the ORM: an ORM execution of an async session processes
    every row (its enum and timestamp columns, in Python) before it returns, on the loop."""
    connection = await session.connection()
    result: Result[Any] = await connection.execute(
        _row_query().where(PlanAllocation.plan_id == plan_id).order_by(PlanAllocation.id)
    )
    return result


def named(result: Result[Any]) -> list[AllocationRow]:
    """An executed row query's rows as named rows (a buffered result: no I/O, so a worker
    thread may do it while the session's coroutine waits)."""
    return [_to_row(r) for r in result.mappings()]


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
    return [_to_row(r) for r in result.mappings()], int(total or 0)
