"""A whole plan's writes in a constant number of statements (issue 11): reserving its stock on
approval and releasing it on cancellation. Same rules, ledger rows and audit events as one
allocation at a time, in the same order; the caller holds the locks (:mod:`ukg_aid.plans.locks`)
and raises before calling if anything does not fit, so all or nothing still holds.

Statements, whatever the plan's size: approve — stock update, ledger insert, request-line
update; release — those three, the allocation update, one audit insert and one notification;
a shipment's dispatch and its counted delivery — one request-line update and one allocation
update each (:func:`mark_dispatched`, :func:`mark_delivered`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import offload
from ukg_aid.aid_requests.models import AidRequestLine
from ukg_aid.audit import service as audit
from ukg_aid.db import bulk
from ukg_aid.plans.enums import AllocationStatus, LossReason
from ukg_aid.plans.locks import StockKey
from ukg_aid.plans.models import PlanAllocation
from ukg_aid.principal import Principal
from ukg_aid.stockpiles import service as stock_service
from ukg_aid.stockpiles.batch import RowChange, apply_changes
from ukg_aid.stockpiles.models import Stock


async def reserve(
    session: AsyncSession,
    allocations: Sequence[PlanAllocation],
    stock: Mapping[StockKey, Stock],
    lines: Mapping[int, AidRequestLine],
    *,
    reason: str,
    actor: str,
    when: datetime,
) -> None:
    """Reserve every allocation's units on its stock row and request line."""
    changes = await offload.run(len(allocations), _changes, allocations, 1)
    await apply_changes(session, stock, changes, reason=reason, actor=actor, at=when)
    await _add_allocated(session, lines, allocations, sign=1)


async def release(
    session: AsyncSession,
    planned: Sequence[PlanAllocation],
    stock: Mapping[StockKey, Stock],
    lines: Mapping[int, AidRequestLine],
    *,
    principal: Principal,
    when: datetime,
    why: str,
    note: str | None,
) -> None:
    """Give back every planned allocation's reservation and cancel it, one audit event each."""
    changes = await offload.run(len(planned), _changes, planned, -1)
    reason = f"released: {why}"
    await apply_changes(session, stock, changes, reason=reason, actor=principal.name, at=when)
    await _add_allocated(session, lines, planned, sign=-1)
    await set_status(session, planned, AllocationStatus.cancelled)
    entries = await offload.run(len(planned), _cancelled, planned, why, note)
    await audit.record_many(session, principal=principal, entries=entries, at=when)


def _changes(allocations: Sequence[PlanAllocation], sign: int) -> list[RowChange]:
    """Each allocation's units reserved (``sign`` 1) or given back (-1) on its stock row."""
    return [
        RowChange(_key(a), stock_service.Change(reserved=sign * a.quantity), f"allocation:{a.id}")
        for a in allocations
    ]


def _cancelled(planned: Sequence[PlanAllocation], why: str, note: str | None) -> list[audit.Entry]:
    return [
        audit.Entry(
            action="allocation.cancel",
            entity="allocation",
            entity_id=a.id,
            before={"status": "planned"},
            after={"status": "cancelled", "released_units": a.quantity, "why": why},
            note=note,
        )
        for a in planned
    ]


async def set_status(
    session: AsyncSession, allocations: Sequence[PlanAllocation], status: AllocationStatus
) -> None:
    """Move every allocation to ``status``: one statement."""
    rows = [{"id": a.id, "status": status} for a in allocations]
    await bulk.update_rows(session, PlanAllocation, "id", rows)
    await bulk.keep_committed(allocations, [{"status": status}] * len(allocations))


async def mark_dispatched(
    session: AsyncSession,
    allocations: Sequence[PlanAllocation],
    lines: Mapping[int, AidRequestLine],
    *,
    when: datetime,
    expected: datetime | None,
) -> None:
    """Lines count the units dispatched and the allocations are on their way: two statements
    (the stock's part is :func:`ukg_aid.stockpiles.batch.apply_changes`)."""
    dispatched = {line_id: line.dispatched for line_id, line in lines.items()}
    for a in allocations:
        dispatched[a.line_id] += a.quantity
    touched = sorted({a.line_id for a in allocations})
    line_rows = [{"id": i, "dispatched": dispatched[i]} for i in touched]
    await bulk.update_loaded(session, AidRequestLine, line_rows, lines)
    rows = [
        {
            "id": a.id,
            "status": AllocationStatus.dispatched,
            "dispatched_at": when,
            "expected_at": expected,
        }
        for a in allocations
    ]
    await bulk.update_loaded(session, PlanAllocation, rows, {a.id: a for a in allocations})


@dataclass(frozen=True)
class Count:
    """What the receiving desk counted of one allocation (a reason when short)."""

    received: int
    reason: LossReason | None = None


@dataclass(frozen=True)
class Portion:
    """What one confirmation counts of an allocation: ``quantity`` units (all of it, or one
    truck wave's part), and whether nothing of it is left on the road afterwards (``last``)."""

    quantity: int
    last: bool = True


async def mark_delivered(
    session: AsyncSession,
    allocations: Sequence[PlanAllocation],
    lines: Mapping[int, AidRequestLine],
    counts: Mapping[int, Count],
    portions: Mapping[int, Portion],
    *,
    when: datetime,
) -> None:
    """Counted deliveries of each allocation's portion: each line gains what arrived and gives
    back the portion's shortfall (its ``allocated`` and ``dispatched`` drop by it, ``lost`` grows
    by it); an allocation adds the count to what it has received and is delivered with its last
    portion. Two statements, whatever the number of allocations."""
    names = ("delivered", "allocated", "dispatched", "lost")
    books = {i: {n: getattr(line, n) for n in names} for i, line in lines.items()}
    for a in allocations:
        got, book = counts[a.id].received, books[a.line_id]
        short = portions[a.id].quantity - got
        book["delivered"] += got
        book["allocated"] -= short
        book["dispatched"] -= short
        book["lost"] += short
    touched = sorted({a.line_id for a in allocations})
    line_rows = [{"id": i, **books[i]} for i in touched]
    await bulk.update_loaded(session, AidRequestLine, line_rows, lines)
    rows = [
        {
            "id": a.id,
            "status": AllocationStatus.delivered if portions[a.id].last else a.status,
            "delivered_at": when if portions[a.id].last else a.delivered_at,
            "received": (a.received or 0) + counts[a.id].received,
            "loss_reason": counts[a.id].reason or a.loss_reason,
        }
        for a in allocations
    ]
    await bulk.update_loaded(session, PlanAllocation, rows, {a.id: a for a in allocations})


def _key(a: PlanAllocation) -> StockKey:
    return (a.depot_id, a.item_code)


async def _add_allocated(
    session: AsyncSession,
    lines: Mapping[int, AidRequestLine],
    allocations: Sequence[PlanAllocation],
    *,
    sign: int,
) -> None:
    allocated = {line_id: line.allocated for line_id, line in lines.items()}
    for a in allocations:
        allocated[a.line_id] += sign * a.quantity
    touched = sorted({a.line_id for a in allocations})
    rows = [{"id": i, "allocated": allocated[i]} for i in touched]
    await bulk.update_rows(session, AidRequestLine, "id", rows)
    await bulk.keep_committed(
        [lines[i] for i in touched], [{"allocated": allocated[i]} for i in touched]
    )
