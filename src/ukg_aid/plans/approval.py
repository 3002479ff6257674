"""Approving a proposed plan (reserve every allocation's stock at once, or nothing) and
discarding one. Locks follow :mod:`ukg_aid.plans.locks`; the transitions are
:mod:`ukg_aid.plans.transitions`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import offload
from ukg_aid.aid_requests.enums import OPEN_STATUSES
from ukg_aid.aid_requests.models import AidRequestLine
from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock
from ukg_aid.errors import StaleAllocations
from ukg_aid.plans import batch, locks
from ukg_aid.plans import service as plan_service
from ukg_aid.plans.enums import AllocationStatus, PlanStatus
from ukg_aid.plans.locks import StockKey
from ukg_aid.plans.models import DispatchPlan
from ukg_aid.plans.shipments import building
from ukg_aid.plans.transitions import enter
from ukg_aid.principal import Principal
from ukg_aid.stockpiles.models import Stock


@dataclass(frozen=True)
class _Keys:
    """What a plan's approval locks: its requests, stock rows and request lines."""

    requests: set[int]
    stock: set[StockKey]
    lines: set[int]


def _keys(plan: DispatchPlan) -> _Keys:
    allocations = plan.allocations
    return _Keys(
        {a.request_id for a in allocations},
        {(a.depot_id, a.item_code) for a in allocations},
        {a.line_id for a in allocations},
    )


def _stale(
    plan: DispatchPlan,
    stock: dict[StockKey, Stock],
    lines: dict[int, AidRequestLine],
    open_requests: set[int],
) -> list[dict[str, Any]]:
    """Allocations that no longer fit: depot availability or line remainder shrank."""
    need_stock: dict[StockKey, int] = defaultdict(int)
    need_line: dict[int, int] = defaultdict(int)
    for a in plan.allocations:
        need_stock[(a.depot_id, a.item_code)] += a.quantity
        need_line[a.line_id] += a.quantity
    stale = []
    for a in plan.allocations:
        row, line = stock.get((a.depot_id, a.item_code)), lines.get(a.line_id)
        available = row.available if row else 0
        remaining = line.quantity - line.allocated if line and a.request_id in open_requests else 0
        why = []
        if need_stock[(a.depot_id, a.item_code)] > available:
            why.append(
                f"depot {a.depot_id} now has {available} {a.item_code} available, "
                f"the plan needs {need_stock[(a.depot_id, a.item_code)]}"
            )
        if need_line[a.line_id] > remaining:
            why.append(
                f"request line {a.line_id} now has {remaining} unallocated, "
                f"the plan gives {need_line[a.line_id]}"
            )
        if why:
            stale.append(
                {
                    "allocation_id": a.id,
                    "depot_id": a.depot_id,
                    "item_code": a.item_code,
                    "quantity": a.quantity,
                    "reason": "; ".join(why),
                }
            )
    return stale


async def approve(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: int,
    at: datetime | None,
    clock: Clock,
    note: str | None = None,
) -> DispatchPlan:
    """Reserve every allocation's stock at once, or change nothing (409 names the misfits)."""
    when = clock.resolve(at)
    plan = await plan_service.get_plan(session, plan_id, lock=True)
    when = enter(plan, "approve", when, "approval")
    keys = await offload.run(len(plan.allocations), _keys, plan)
    requests = await locks.lock_requests(session, keys.requests)
    stock = await locks.lock_stock(session, keys.stock)
    lines = await locks.lock_lines(session, keys.lines)
    open_ids = {i for i, r in requests.items() if r.status in OPEN_STATUSES}
    stale = await offload.run(len(plan.allocations), _stale, plan, stock, lines, open_ids)
    if stale:
        raise StaleAllocations(
            f"{len(stale)} of the plan's {len(plan.allocations)} allocations no longer fit; "
            "nothing was reserved — plan again",
            code="stale-allocations",
            allocations=stale,
        )
    await _reserve(session, plan, stock, lines, actor=principal.name, when=when)
    plan.status = PlanStatus.completed if not plan.allocations else PlanStatus.approved
    plan.decided_by, plan.decided_at = principal.name, when
    await session.flush()
    shipments = await building.create_for_plan(session, plan, requests, when)
    await audit.record(
        session,
        principal=principal,
        action="plan.approve",
        entity="plan",
        entity_id=plan.id,
        before={"status": "proposed"},
        after={
            "status": plan.status.value,
            "reserved_units": sum(a.quantity for a in plan.allocations),
            "shipments": shipments,
        },
        at=when,
        note=note,
    )
    return plan


async def _reserve(
    session: AsyncSession,
    plan: DispatchPlan,
    stock: dict[StockKey, Stock],
    lines: dict[int, AidRequestLine],
    *,
    actor: str,
    when: datetime,
) -> None:
    """Reserve every allocation's units on its (locked) stock row and request line."""
    reason = f"reserved for plan {plan.id}"
    await batch.reserve(
        session, plan.allocations, stock, lines, reason=reason, actor=actor, when=when
    )


async def discard(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: int,
    at: datetime | None,
    clock: Clock,
    note: str | None = None,
) -> DispatchPlan:
    when = clock.resolve(at)
    plan = await plan_service.get_plan(session, plan_id, lock=True)
    when = enter(plan, "discard", when, "discard")
    plan.status, plan.decided_by, plan.decided_at = PlanStatus.discarded, principal.name, when
    allocations = await locks.lock_allocations(session, [a.id for a in plan.allocations])
    # nothing was reserved: nothing to release
    await batch.set_status(session, allocations, AllocationStatus.cancelled)
    plan.closed_at = when
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="plan.discard",
        entity="plan",
        entity_id=plan.id,
        before={"status": "proposed"},
        after={"status": "discarded"},
        at=when,
        note=note,
    )
    return plan
