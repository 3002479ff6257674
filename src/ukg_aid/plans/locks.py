"""Row locks for plan and allocation state changes, each taken in one fixed order.

Lock order everywhere (no deadlocks between coordinators and desks): plan rows by id, then
their allocation rows, then requests by id, then stock rows by (depot_id, item_code), then request
lines by id. Every path that touches an allocation locks its plan first, so two desks finishing
one plan's last deliveries, or a delivery racing a cancellation, are serialised on the plan.
Each helper is ``db.locking.lock_keys`` (FOR NO KEY UPDATE, keys sorted, rows refreshed).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.aid_requests.models import AidRequest, AidRequestLine
from ukg_aid.db.locking import lock_keys, locked
from ukg_aid.plans.models import DispatchPlan, PlanAllocation
from ukg_aid.stockpiles.models import Stock

StockKey = tuple[int, str]


async def lock_stock(session: AsyncSession, keys: set[StockKey]) -> dict[StockKey, Stock]:
    """The stock rows, locked in (depot_id, item_code) order in one query."""
    rows = await lock_keys(session, Stock, (Stock.depot_id, Stock.item_code), keys)
    return {(row.depot_id, row.item_code): row for row in rows}


async def lock_lines(session: AsyncSession, ids: set[int]) -> dict[int, AidRequestLine]:
    return {
        line.id: line
        for line in await lock_keys(session, AidRequestLine, (AidRequestLine.id,), ids)
    }


async def lock_requests(session: AsyncSession, ids: set[int]) -> dict[int, AidRequest]:
    return {r.id: r for r in await lock_keys(session, AidRequest, (AidRequest.id,), ids)}


async def lock_allocations(session: AsyncSession, ids: list[int]) -> list[PlanAllocation]:
    return await lock_keys(session, PlanAllocation, (PlanAllocation.id,), ids)


async def lock_plan_allocations(session: AsyncSession, plan_id: int) -> list[PlanAllocation]:
    """Every allocation of a plan, locked in id order (as :func:`lock_allocations` would lock
    them) in one query, without first reading their ids."""
    query = select(PlanAllocation).where(PlanAllocation.plan_id == plan_id)
    return await locked(session, query.order_by(PlanAllocation.id), expected=None)


async def lock_plans(session: AsyncSession, ids: set[int]) -> dict[int, DispatchPlan]:
    return {p.id: p for p in await lock_keys(session, DispatchPlan, (DispatchPlan.id,), ids)}
