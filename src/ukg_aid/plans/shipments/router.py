from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import BackgroundTasks, Query, Request

from ukg_aid.clock import Clock
from ukg_aid.deps import (
    ClockDep,
    DeskOrAdmin,
    DeskOrCoordinator,
    PagingDep,
    Reader,
    Session,
    api_router,
    get_database,
)
from ukg_aid.errors import Unprocessable
from ukg_aid.plans.deliveries import Count
from ukg_aid.plans.shipments import queue, reading, service
from ukg_aid.plans.shipments.enums import ShipmentStatus
from ukg_aid.plans.shipments.schemas import (
    QueueAdvance,
    QueueAdvanced,
    ShipmentAction,
    ShipmentDeliver,
    ShipmentRead,
    TruckRead,
)
from ukg_aid.principal import Role
from ukg_aid.schemas import IdParam, Page

router = api_router(tags=["shipments"])

CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "the shipment or its plan is not in a state that allows this"}
}


@router.get(
    "/shipments",
    summary="Shipments: an approved plan's allocations per depot → delivery point",
    description="A supplier's loading list (`supplier=`), a receiver's inbound (`requester=`); "
    "queued shipments carry their queue position and earliest departure.",
)
async def list_shipments(
    session: Session,
    _: Reader,
    paging: PagingDep,
    plan_id: Annotated[IdParam | None, Query()] = None,
    supplier: Annotated[str | None, Query(max_length=8)] = None,
    requester: Annotated[str | None, Query(max_length=8)] = None,
    shipment_status: Annotated[ShipmentStatus | None, Query(alias="status")] = None,
) -> Page[ShipmentRead]:
    rows, total = await reading.page(
        session,
        plan_id=plan_id,
        supplier=supplier,
        requester=requester,
        status=shipment_status,
        limit=paging.limit,
        offset=paging.offset,
    )
    return paging.page(rows, total)


@router.get("/shipments/{shipment_id}", summary="One shipment")
async def get_shipment(shipment_id: IdParam, session: Session, _: Reader) -> ShipmentRead:
    return await reading.one(session, shipment_id)


@router.post(
    "/shipments/{shipment_id}/dispatch",
    responses=CONFLICT,
    summary="Dispatch a whole shipment on the supplier's trucks, or queue it (supplier's desk)",
)
async def dispatch_shipment(
    shipment_id: IdParam,
    request: Request,
    tasks: BackgroundTasks,
    session: Session,
    principal: DeskOrAdmin,
    clock: ClockDep,
    body: ShipmentAction | None = None,
) -> ShipmentRead:
    body = body or ShipmentAction()
    shipment = await service.dispatch(
        session,
        principal=principal,
        shipment_id=shipment_id,
        at=body.at,
        clock=clock,
        note=body.note,
    )
    _advance_later(request, tasks, shipment.supplier_code, clock.resolve(body.at), clock)
    return await reading.one(session, shipment_id)


def _advance_later(
    request: Request, tasks: BackgroundTasks, member: str, until: datetime, clock: Clock
) -> None:
    """After the action has committed: the supplier's queue, up to the action's time."""
    tasks.add_task(queue.advance_later, get_database(request), member, until, clock)


@router.post(
    "/shipments/{shipment_id}/deliver",
    responses=CONFLICT,
    summary="Confirm a wave (one truck trip) or the rest of a shipment arrived, with counts "
    "per allocation (receiving desk)",
)
async def deliver_shipment(
    shipment_id: IdParam,
    request: Request,
    tasks: BackgroundTasks,
    session: Session,
    principal: DeskOrAdmin,
    clock: ClockDep,
    body: ShipmentDeliver | None = None,
) -> ShipmentRead:
    body = body or ShipmentDeliver()
    counts = {c.allocation_id: Count(c.received, c.reason) for c in body.received or []}
    if len(counts) != len(body.received or []):
        raise Unprocessable(
            "an allocation is counted twice in 'received'",
            code="bad-count",
            errors=[{"loc": ["body", "received"], "msg": "duplicate", "type": "duplicate"}],
        )
    shipment = await service.deliver(
        session,
        principal=principal,
        shipment_id=shipment_id,
        counts=counts,
        wave=body.wave,
        at=body.at,
        clock=clock,
        note=body.note,
    )
    _advance_later(request, tasks, shipment.supplier_code, clock.resolve(body.at), clock)
    return await reading.one(session, shipment_id)


@router.get("/trucks", summary="Members' truck pools (ASSUMED sizes) and which trucks are out")
async def list_trucks(
    session: Session,
    _: Reader,
    clock: ClockDep,
    member: Annotated[str | None, Query(max_length=8)] = None,
) -> list[TruckRead]:
    return await reading.trucks(session, member, clock.resolve(None))


@router.post(
    "/trucks/queue/advance",
    summary="Queued shipments whose trucks are back by `at` leave, in queue order",
    description="Trucks' returns are known times, so the queue also advances by itself (after "
    "each shipment action and every minute); drills call this on their simulated clock.",
)
async def advance_queue(
    session: Session,
    principal: DeskOrCoordinator,
    clock: ClockDep,
    body: QueueAdvance | None = None,
) -> QueueAdvanced:
    body = body or QueueAdvance()
    member = body.member or (principal.member_code if principal.role is Role.desk else None)
    if member is not None:
        principal.require_member(member, action="advance truck queues")
    until = clock.resolve(body.at)
    left = await queue.advance_all(
        session, members=None if member is None else [member], until=until, clock=clock
    )
    shipments = await reading.many(session, left)
    return QueueAdvanced(until=until, dispatched=shipments)
