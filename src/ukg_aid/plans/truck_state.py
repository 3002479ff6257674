"""The suppliers' truck pools as a plan sees them (issue 13): plain data for ``truckplan``.

Read, not locked: a plan only forecasts from the trucks; dispatch locks them (``shipments.fleet``).
A member with no truck rows yet has its ASSUMED default pool, all free
(``logistics.default_pools``); a truck back before the plan's time is free at it, with a fresh
driver after a full rest (``fleet.core_truck``). Queued shipments keep the time they joined the
queue, so the plan's own loads queue behind those of their priority or higher.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import logistics, matching, truckplan
from ukg_aid.catalog.models import Item
from ukg_aid.plans.shipments import fleet
from ukg_aid.plans.shipments.enums import ShipmentStatus
from ukg_aid.plans.shipments.models import Shipment, Truck


async def fleet_at(
    session: AsyncSession, problem: matching.Problem, at: datetime
) -> truckplan.Fleet:
    """Every supplying member's pool at ``at`` and the unit weights of the problem's items."""
    members = sorted({s.member_code for s in problem.supplies})
    trucks: dict[str, list[logistics.Truck]] = defaultdict(list)
    rows = await session.scalars(
        select(Truck).where(Truck.member_code.in_(members)).order_by(Truck.id)
    )
    for t in rows:
        trucks[t.member_code].append(fleet.core_truck(t, at))
    queued: dict[str, list[logistics.Job]] = defaultdict(list)
    waiting = await session.scalars(
        select(Shipment)
        .where(Shipment.status == ShipmentStatus.queued, Shipment.supplier_code.in_(members))
        .order_by(Shipment.id)
    )
    for s in waiting:
        queued[s.supplier_code].append(fleet.job(s, s.queued_at or at))
    defaults = logistics.default_pools()
    pools = {}
    for code in members:
        own = trucks.get(code)
        if not own and code in defaults:
            own = list(logistics.pool_trucks(code, defaults[code].counts.as_dict()))
        if own:
            pools[code] = truckplan.MemberPool(tuple(own), tuple(queued.get(code, ())))
    codes = {ln.item_code for ln in problem.lines}
    found = await session.execute(
        select(Item.code, Item.unit_weight_kg).where(Item.code.in_(codes))
    )
    weights = {str(code): float(weight) for code, weight in found.all()}
    return truckplan.Fleet(at=at, pools=pools, unit_weight_kg=weights)
