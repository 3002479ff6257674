"""Queued shipments leave by themselves when trucks are back (issue 13).

Trucks' return times are known (``trucks.free_at``), so the service does not wait for a desk to
press "dispatch" again: ``advance(member, until)`` dispatches, in queue order (priority, then
the time it joined the queue, then id: the pool core's), every queued shipment of the member
that gets trucks by ``until``, each **at the moment its trucks are back** (the pool core's
``first_assigned_at``), as the system (``shipment.dispatch`` audited and on the event stream,
with the note ``queue``). The head goes first; nothing overtakes it.

When it runs (decided here):

* after every shipment dispatch and delivery, for that shipment's supplier, up to the action's
  time — a drill's simulated time or the desk's — in its own transaction after the action has
  committed (one plan locked at a time: no lock-order cycle with the action);
* ``POST /trucks/queue/advance {member?, at?}`` (coordinator, admin, or the member's desk):
  a drill's step on its simulated clock, or a desk reading its queue;
* a periodic task in the app's lifespan (``UKG_AID_QUEUE_ADVANCE_SECONDS``, default 60; 0 off;
  live clock only), so departures are not lost when nobody acts; because the queue and the
  trucks' return times are rows, a restarted process dispatches what came due meanwhile
  (backdated to the truck's return when the clock's backdating window allows, else now).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.clock import Clock
from ukg_aid.db import Database
from ukg_aid.errors import Conflict, Unprocessable
from ukg_aid.plans.shipments import fleet, service
from ukg_aid.plans.shipments.enums import ShipmentStatus
from ukg_aid.plans.shipments.models import Shipment, Truck
from ukg_aid.principal import SYSTEM

NOTE = "queue: trucks back at the depot"
log = logging.getLogger("ukg_aid.trucks")


async def queued_members(session: AsyncSession) -> list[str]:
    rows = await session.scalars(
        select(Shipment.supplier_code).where(Shipment.status == ShipmentStatus.queued).distinct()
    )
    return sorted(rows)


async def _head(session: AsyncSession, member_code: str) -> tuple[Shipment, datetime | None]:
    """The member's first queued shipment and when the pool core gives it trucks."""
    queued = await fleet.waiting(session, member_code, but=0)
    head, ahead = queued[0], queued[1:]
    start = min(s.queued_at or head.created_at for s in queued)
    query = select(Truck).where(Truck.member_code == member_code).order_by(Truck.id)
    trucks = list(await session.scalars(query.execution_options(populate_existing=True)))
    departure = fleet.plan_departure(trucks, head, ahead, start)
    return head, departure.forecast.first_assigned_at


async def advance(
    session: AsyncSession, *, member_code: str, until: datetime, clock: Clock
) -> list[int]:
    """Dispatch the member's queued shipments that get trucks by ``until``, in queue order.
    Returns their ids (the caller commits)."""
    left: list[int] = []
    while await fleet.waiting(session, member_code, but=0):
        head, first = await _head(session, member_code)
        if first is None or first > until:
            break
        out = await _dispatch(session, head, max(first, head.queued_at or first), until, clock)
        if out is None:
            break
        left.append(out.id)
    return left


async def _dispatch(
    session: AsyncSession, head: Shipment, when: datetime, until: datetime, clock: Clock
) -> Shipment | None:
    """Dispatch at the trucks' return; at ``until`` if that moment is no longer allowed (the
    clock's backdating window, or a later change of the plan). ``None``: it stays queued (its
    try is rolled back: no second ``shipment.queue`` event), or someone else dispatched it."""
    for at in dict.fromkeys((when, until)):
        nested = await session.begin_nested()
        try:
            out = await service.dispatch(
                session, principal=SYSTEM, shipment_id=head.id, at=at, clock=clock, note=NOTE
            )
        except Unprocessable:
            await nested.rollback()
            continue
        except Conflict:
            await nested.rollback()
            return None
        if out.status is ShipmentStatus.dispatched:
            await nested.commit()
            return out
        await nested.rollback()
    return None


async def advance_all(
    session: AsyncSession, *, members: list[str] | None, until: datetime, clock: Clock
) -> list[int]:
    """``advance`` for these members (default: every member with a queue)."""
    left: list[int] = []
    for code in members if members is not None else await queued_members(session):
        left += await advance(session, member_code=code, until=until, clock=clock)
    return left


async def advance_later(db: Database, member_code: str, until: datetime, clock: Clock) -> None:
    """``advance`` in a transaction of its own (after a request, or from the periodic task); a
    failure is logged, and the next action or tick tries again."""
    try:
        async with db.transaction() as session:
            await advance(session, member_code=member_code, until=until, clock=clock)
    except Exception:  # the departure is not lost: the queue rows stay for the next try
        log.exception("advancing the truck queue of %s failed", member_code)


async def run_periodically(db: Database, clock: Clock, every_s: float) -> None:
    """The lifespan's task: every member's queue up to now, every ``every_s`` seconds."""
    while True:
        try:
            async with db.reading() as session:
                members = await queued_members(session)
        except Exception:
            log.exception("reading the truck queues failed")
            members = []
        for code in members:
            await advance_later(db, code, clock.resolve(None), clock)
        await asyncio.sleep(every_s)
