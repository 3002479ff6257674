from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, status
from fastapi.responses import Response

from ukg_aid.deps import (
    ClockDep,
    Coordinator,
    DeskOrAdmin,
    PagingDep,
    Reader,
    Session,
    SettingsDep,
    api_router,
)
from ukg_aid.errors import Unprocessable
from ukg_aid.idempotency.service import IdempotencyDep
from ukg_aid.incidents import service as incident_service
from ukg_aid.plans import allocation_actions, answer, lifecycle, rows, shipping
from ukg_aid.plans import service as plan_service
from ukg_aid.plans.deliveries import Count
from ukg_aid.plans.enums import AllocationStatus, PlanStatus
from ukg_aid.plans.schemas import (
    AllocationDecline,
    AllocationDeliver,
    AllocationRow,
    PlanAction,
    PlanCreate,
    PlanInputsRead,
    PlanRead,
    PlanSummary,
)
from ukg_aid.schemas import IdParam, Page

router = api_router(tags=["plans"])

CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "the plan or allocation is not in a state that allows this"}
}


@router.post(
    "/plans",
    status_code=status.HTTP_201_CREATED,
    response_model=PlanRead,
    summary="Match open requests to stock: a proposed plan (coordinator)",
)
async def create_plan(
    session: Session,
    principal: Coordinator,
    idem: IdempotencyDep,
    settings: SettingsDep,
    clock: ClockDep,
    body: PlanCreate | None = None,
) -> Response:
    body = body or PlanCreate()
    if (replay := await idem.replay(body)) is not None:
        return replay
    plan = await plan_service.create_plan(
        session, principal=principal, data=body, settings=settings, clock=clock
    )
    _, sent = await answer.read(session, plan)
    await idem.remember_sent(status.HTTP_201_CREATED, sent)
    return answer.json_bytes(sent, status.HTTP_201_CREATED)


@router.get("/plans", summary="Plans, newest first")
async def list_plans(
    session: Session,
    _: Reader,
    paging: PagingDep,
    plan_status: Annotated[PlanStatus | None, Query(alias="status")] = None,
    incident: Annotated[IdParam | None, Query(description="incident id")] = None,
) -> Page[PlanSummary]:
    rows, total = await plan_service.list_plans(
        session,
        status=plan_status,
        limit=paging.limit,
        offset=paging.offset,
        incident_id=await incident_service.existing(session, incident),
    )
    return paging.page([plan_service.to_summary(p) for p in rows], total)


@router.get(
    "/plans/{plan_id}",
    response_model=PlanRead,
    summary="One plan with allocations, unmet needs and solver facts",
)
async def get_plan(plan_id: IdParam, session: Session, _: Reader) -> Response:
    plan = await plan_service.get_plan(session, plan_id, allocations=False)
    return await answer.response(session, plan)


@router.get("/plans/{plan_id}/geojson", summary="A plan as depot → delivery lines (GeoJSON)")
async def plan_geojson(plan_id: IdParam, session: Session, _: Reader) -> dict[str, Any]:
    plan = await plan_service.get_plan(session, plan_id, allocations=False)
    return await plan_service.geojson(session, plan)


@router.get("/plans/{plan_id}/inputs", summary="The frozen inputs the solver saw")
async def plan_inputs(plan_id: IdParam, session: Session, _: Reader) -> PlanInputsRead:
    return PlanInputsRead(id=plan_id, inputs=await plan_service.inputs(session, plan_id))


@router.post(
    "/plans/{plan_id}/approve",
    response_model=PlanRead,
    responses=CONFLICT,
    summary="Reserve the plan's stock, all or nothing (coordinator)",
)
async def approve_plan(
    plan_id: IdParam,
    session: Session,
    principal: Coordinator,
    clock: ClockDep,
    body: PlanAction | None = None,
) -> Response:
    body = body or PlanAction()
    plan = await lifecycle.approve(
        session, principal=principal, plan_id=plan_id, at=body.at, clock=clock, note=body.note
    )
    return await answer.response(session, plan)


@router.post(
    "/plans/{plan_id}/discard",
    response_model=PlanRead,
    responses=CONFLICT,
    summary="Drop a proposed plan (coordinator)",
)
async def discard_plan(
    plan_id: IdParam,
    session: Session,
    principal: Coordinator,
    clock: ClockDep,
    body: PlanAction | None = None,
) -> Response:
    body = body or PlanAction()
    plan = await lifecycle.discard(
        session, principal=principal, plan_id=plan_id, at=body.at, clock=clock, note=body.note
    )
    return await answer.response(session, plan)


@router.post(
    "/plans/{plan_id}/cancel",
    response_model=PlanRead,
    responses=CONFLICT,
    summary="Stop an approved plan; releases what is not yet dispatched (coordinator)",
)
async def cancel_plan(
    plan_id: IdParam,
    session: Session,
    principal: Coordinator,
    clock: ClockDep,
    body: PlanAction | None = None,
) -> Response:
    body = body or PlanAction()
    plan = await lifecycle.cancel(
        session, principal=principal, plan_id=plan_id, at=body.at, clock=clock, note=body.note
    )
    return await answer.response(session, plan)


@router.get(
    "/allocations",
    summary="Allocations: a supplier's to-ship list, a requester's inbound",
    description="Each row names its depot, supplier, requester, delivery point and item "
    "(ja/en, unit, unit weight, total weight) beside the ids; loaded in one joined query. "
    "``?incident=`` keeps the allocations of that incident's plans (an unknown one is a 404).",
)
async def list_allocations(
    session: Session,
    _: Reader,
    paging: PagingDep,
    allocation_status: Annotated[AllocationStatus | None, Query(alias="status")] = None,
    supplier: Annotated[str | None, Query(description="supplier member code")] = None,
    requester: Annotated[str | None, Query(description="requesting member code")] = None,
    plan_id: Annotated[IdParam | None, Query()] = None,
    incident: Annotated[IdParam | None, Query(description="incident id")] = None,
) -> Page[AllocationRow]:
    named, total = await rows.page(
        session,
        status=allocation_status,
        supplier=supplier,
        requester=requester,
        plan_id=plan_id,
        incident_id=await incident_service.existing(session, incident),
        limit=paging.limit,
        offset=paging.offset,
    )
    return paging.page(named, total)


@router.post(
    "/allocations/{allocation_id}/dispatch",
    responses=CONFLICT,
    summary="Ship an allocation (the supplier's desk)",
)
async def dispatch_allocation(
    allocation_id: IdParam,
    session: Session,
    principal: DeskOrAdmin,
    clock: ClockDep,
    body: PlanAction | None = None,
) -> AllocationRow:
    body = body or PlanAction()
    a = await shipping.dispatch(
        session,
        principal=principal,
        allocation_id=allocation_id,
        at=body.at,
        clock=clock,
        note=body.note,
    )
    return await rows.one(session, a.id)


@router.post(
    "/allocations/{allocation_id}/deliver",
    responses=CONFLICT,
    summary="Confirm what of an allocation arrived, with a count (the requester's desk)",
)
async def deliver_allocation(
    allocation_id: IdParam,
    session: Session,
    principal: DeskOrAdmin,
    clock: ClockDep,
    body: AllocationDeliver | None = None,
) -> AllocationRow:
    body = body or AllocationDeliver()
    count = None if body.received is None else Count(body.received, body.reason)
    if count is None and body.reason is not None:
        raise Unprocessable(
            "a reason comes with a count: say how many were received",
            code="bad-count",
            errors=[
                {"loc": ["body", "received"], "msg": "missing", "type": "reason_without_count"}
            ],
        )
    a = await allocation_actions.deliver(
        session,
        principal=principal,
        allocation_id=allocation_id,
        count=count,
        at=body.at,
        clock=clock,
        note=body.note,
    )
    return await rows.one(session, a.id)


@router.post(
    "/allocations/{allocation_id}/decline",
    responses=CONFLICT,
    summary="Decline an approved allocation before dispatch, with a reason (the supplier's desk)",
)
async def decline_allocation(
    allocation_id: IdParam,
    session: Session,
    principal: DeskOrAdmin,
    clock: ClockDep,
    body: AllocationDecline,
) -> AllocationRow:
    a = await allocation_actions.decline(
        session,
        principal=principal,
        allocation_id=allocation_id,
        reason=body.reason,
        at=body.at,
        clock=clock,
    )
    return await rows.one(session, a.id)
