"""Row locks for plan and allocation state changes, each taken in one fixed order.

Lock order everywhere (no deadlocks between coordinators and desks): plan rows by id, then
their allocation rows, then requests by id, then stock rows by (depot_id, item_code), then request
lines by id. Every path that touches an allocation locks its plan first, so two desks finishing
one plan's last deliveries, or a delivery racing a cancellation, are serialised on the plan.
"""

from __future__ import annotations

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.aid_requests.models import AidRequest, AidRequestLine
from ukg_aid.plans.models import DispatchPlan, PlanAllocation
from ukg_aid.stockpiles.models import Stock

StockKey = tuple[int, str]


async def lock_stock(session: AsyncSession, keys: set[StockKey]) -> dict[StockKey, Stock]:
    """The stock rows, locked in (depot_id, item_code) order in one query (rows are locked as
    the sorted scan returns them, so every caller takes them in the same order)."""
    if not keys:
        return {}
    rows = await session.scalars(
        select(Stock)
        .where(tuple_(Stock.depot_id, Stock.item_code).in_(sorted(keys)))
        .order_by(Stock.depot_id, Stock.item_code)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {(row.depot_id, row.item_code): row for row in rows}


async def lock_lines(session: AsyncSession, ids: set[int]) -> dict[int, AidRequestLine]:
    rows = await session.scalars(
        select(AidRequestLine)
        .where(AidRequestLine.id.in_(sorted(ids)))
        .order_by(AidRequestLine.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {line.id: line for line in rows}


async def lock_requests(session: AsyncSession, ids: set[int]) -> dict[int, AidRequest]:
    rows = await session.scalars(
        select(AidRequest)
        .where(AidRequest.id.in_(sorted(ids)))
        .order_by(AidRequest.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {r.id: r for r in rows}


async def lock_allocations(session: AsyncSession, ids: list[int]) -> list[PlanAllocation]:
    rows = await session.scalars(
        select(PlanAllocation)
        .where(PlanAllocation.id.in_(sorted(ids)))
        .order_by(PlanAllocation.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def lock_plans(session: AsyncSession, ids: set[int]) -> dict[int, DispatchPlan]:
    rows = await session.scalars(
        select(DispatchPlan)
        .where(DispatchPlan.id.in_(sorted(ids)))
        .order_by(DispatchPlan.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {p.id: p for p in rows}
