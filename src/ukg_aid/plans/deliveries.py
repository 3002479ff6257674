"""Counted deliveries and declines (SPEC §11), for one allocation or a whole shipment.

A receiving desk counts what arrived: ``received`` (0 ≤ received ≤ quantity) and, when short, a
``reason`` (``short | damaged | lost``). The shortfall goes back onto the request line: its
``allocated`` and ``dispatched`` drop by it, ``lost`` grows by it, ``delivered`` grows by what
arrived, so the line's invariant (delivered ≤ dispatched ≤ allocated ≤ quantity) holds and the next
plan sources the shortfall again. The stock left its depot at dispatch (the ledger says so); the
loss is an audit event (``delivery.loss``) on the event stream.

A supplier's desk may decline an approved allocation before dispatch, with a reason: its
reservation is released exactly (stock ``reserved`` and the line's ``allocated`` drop by its
quantity), the allocation is ``declined`` and the line is open again.

Callers hold the plan's lock and the allocations' (``plans.locks`` order); the work here is a
constant number of statements whatever the number of allocations (batched updates).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ukg_aid.aid_requests import service as request_service
from ukg_aid.aid_requests.enums import RequestStatus
from ukg_aid.aid_requests.models import AidRequest
from ukg_aid.audit import service as audit
from ukg_aid.clock import require_forward
from ukg_aid.errors import Unprocessable
from ukg_aid.plans import batch, locks
from ukg_aid.plans.enums import AllocationStatus
from ukg_aid.plans.models import DispatchPlan, PlanAllocation
from ukg_aid.plans.shipping import complete_if_done
from ukg_aid.principal import Principal
from ukg_aid.stockpiles import batch as stock_batch
from ukg_aid.stockpiles import service as stock_service

Count = batch.Count
"""What the receiving desk counted of one allocation (kept here, where the routes look)."""


Portion = batch.Portion
"""What one confirmation counts of an allocation (kept here, where the routes look)."""


def _whole(allocations: Sequence[PlanAllocation]) -> dict[int, Portion]:
    return {a.id: Portion(a.quantity) for a in allocations}


def _bad_count(detail: str, loc: list[str | int], kind: str) -> Unprocessable:
    return Unprocessable(
        detail, code="bad-count", errors=[{"loc": ["body", *loc], "msg": detail, "type": kind}]
    )


def check_counts(
    allocations: Sequence[PlanAllocation],
    counts: dict[int, Count],
    loc: list[str | int],
    portions: dict[int, Portion] | None = None,
) -> dict[int, Count]:
    """Every allocation's count (all of its portion unless given), or a 422 that changes
    nothing. ``portions``: what this confirmation counts (default: each allocation whole)."""
    known = {a.id: a for a in allocations}
    strays = sorted(set(counts) - set(known))
    if strays:
        raise _bad_count(f"allocations {strays} are not being delivered here", loc, "unknown")
    shares = portions or _whole(allocations)
    out = {}
    for a in allocations:
        shipped = shares[a.id].quantity
        count = counts.get(a.id, Count(shipped))
        if count.received > shipped:
            raise _bad_count(
                f"allocation {a.id}: received {count.received} is more than the {shipped} shipped",
                loc,
                "received_too_many",
            )
        if count.received < shipped and count.reason is None:
            raise _bad_count(
                f"allocation {a.id}: {shipped - count.received} short; say why "
                "(reason: short, damaged or lost)",
                loc,
                "reason_missing",
            )
        if count.received == shipped and count.reason is not None:
            raise _bad_count(
                f"allocation {a.id}: a reason is for a shortfall, and nothing is short",
                loc,
                "reason_without_shortfall",
            )
        out[a.id] = count
    return out


async def _requests_in_time(
    session: AsyncSession, allocations: Sequence[PlanAllocation], when: datetime, subject: str
) -> list[AidRequest]:
    """Lock the requests; a delivery is not before a dispatch nor a request's last change."""
    for a in allocations:
        when = require_forward(when, a.dispatched_at, subject=subject, previous_what="its dispatch")
    locked = await locks.lock_requests(session, {a.request_id for a in allocations})
    for req in locked.values():
        if req.status is not RequestStatus.cancelled:
            require_forward(
                when,
                req.updated_at,
                subject=subject,
                previous_what=f"aid request {req.id}'s last change",
            )
    return list(locked.values())


async def count_deliveries(
    session: AsyncSession,
    *,
    principal: Principal,
    plan: DispatchPlan,
    allocations: Sequence[PlanAllocation],
    counts: dict[int, Count],
    when: datetime,
    subject: str,
    portions: dict[int, Portion] | None = None,
) -> list[dict[str, Any]]:
    """Count dispatched, locked allocations' portions (default: whole) with their (checked)
    counts; an allocation is delivered with its last portion. Returns the losses."""
    await _requests_in_time(session, allocations, when, subject)
    lines = await locks.lock_lines(session, {a.line_id for a in allocations})
    shares = portions or _whole(allocations)
    await batch.mark_delivered(session, allocations, lines, counts, shares, when=when)
    losses = [
        _loss(a, shares[a.id].quantity, counts[a.id].received)
        for a in allocations
        if shares[a.id].quantity > counts[a.id].received
    ]
    await _refresh_requests(session, {a.request_id for a in allocations}, when)
    await complete_if_done(session, principal, plan, when)
    return losses


def _loss(a: PlanAllocation, shipped: int, received: int) -> dict[str, Any]:
    return {
        "allocation_id": a.id,
        "request_id": a.request_id,
        "line_id": a.line_id,
        "item_code": a.item_code,
        "shipped": shipped,
        "received": received,
        "lost": shipped - received,
        "reason": a.loss_reason.value if a.loss_reason else None,
    }


async def _refresh_requests(session: AsyncSession, ids: set[int], when: datetime) -> None:
    """Requests follow their lines (one read for all of them, a batched update)."""
    rows = await session.scalars(
        select(AidRequest)
        .where(AidRequest.id.in_(sorted(ids)))
        .options(selectinload(AidRequest.lines))
        .execution_options(populate_existing=True)
    )
    for req in rows:
        request_service.refresh_status(req, when)
    await session.flush()


async def announce_losses(
    session: AsyncSession,
    *,
    principal: Principal,
    entity: str,
    entity_id: int,
    losses: list[dict[str, Any]],
    when: datetime,
    note: str | None,
) -> None:
    """One ``delivery.loss`` event for the units that did not arrive (none: no event)."""
    if not losses:
        return
    await audit.record(
        session,
        principal=principal,
        action="delivery.loss",
        entity=entity,
        entity_id=entity_id,
        after={"lost_units": sum(x["lost"] for x in losses), "losses": losses},
        at=when,
        note=note,
    )


async def release_declined(
    session: AsyncSession,
    allocations: Sequence[PlanAllocation],
    *,
    actor: str,
    when: datetime,
    reason: str,
    ref: str | None,
) -> int:
    """Give back the reservations of planned, locked allocations and mark them declined."""
    need: dict[tuple[int, str], int] = defaultdict(int)
    for a in allocations:
        need[(a.depot_id, a.item_code)] += a.quantity
    stock = await locks.lock_stock(session, set(need))
    lines = await locks.lock_lines(session, {a.line_id for a in allocations})
    await stock_batch.apply_changes(
        session,
        stock,
        [
            stock_batch.RowChange(key, stock_service.Change(reserved=-q), ref)
            for key, q in sorted(need.items())
        ],
        reason=f"released: declined: {reason}",
        actor=actor,
        at=when,
    )
    for a in allocations:
        lines[a.line_id].allocated -= a.quantity
        a.status, a.decline_reason = AllocationStatus.declined, reason
    await session.flush()
    return sum(need.values())
