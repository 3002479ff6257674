from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from ukg_aid.deps import Coordinator, DeskOrAdmin, PagingDep, Reader, Session, SettingsDep
from ukg_aid.idempotency.service import IdempotencyDep
from ukg_aid.plans import lifecycle
from ukg_aid.plans import service as plan_service
from ukg_aid.plans.models import AllocationStatus, PlanStatus
from ukg_aid.plans.schemas import (
    AllocationRead,
    PlanAction,
    PlanCreate,
    PlanInputsRead,
    PlanRead,
    PlanSummary,
)
from ukg_aid.schemas import IdParam, Page

router = APIRouter(tags=["plans"])

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
    body: PlanCreate | None = None,
) -> PlanRead | JSONResponse:
    body = body or PlanCreate()
    if (replay := await idem.replay(body)) is not None:
        return replay
    plan = await plan_service.create_plan(
        session, principal=principal, data=body, settings=settings
    )
    out = plan_service.to_read(plan)
    await idem.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("/plans", summary="Plans, newest first")
async def list_plans(
    session: Session,
    _: Reader,
    paging: PagingDep,
    plan_status: Annotated[PlanStatus | None, Query(alias="status")] = None,
) -> Page[PlanSummary]:
    rows, total = await plan_service.list_plans(
        session, status=plan_status, limit=paging.limit, offset=paging.offset
    )
    return paging.page([plan_service.to_summary(p) for p in rows], total)


@router.get("/plans/{plan_id}", summary="One plan with allocations, unmet needs and solver facts")
async def get_plan(plan_id: IdParam, session: Session, _: Reader) -> PlanRead:
    return plan_service.to_read(await plan_service.get_plan(session, plan_id))


@router.get("/plans/{plan_id}/geojson", summary="A plan as depot → delivery lines (GeoJSON)")
async def plan_geojson(plan_id: IdParam, session: Session, _: Reader) -> dict[str, Any]:
    return await plan_service.geojson(session, await plan_service.get_plan(session, plan_id))


@router.get("/plans/{plan_id}/inputs", summary="The frozen inputs the solver saw")
async def plan_inputs(plan_id: IdParam, session: Session, _: Reader) -> PlanInputsRead:
    plan = await plan_service.get_plan(session, plan_id)
    return PlanInputsRead(id=plan.id, inputs=plan.inputs)


@router.post(
    "/plans/{plan_id}/approve",
    responses=CONFLICT,
    summary="Reserve the plan's stock, all or nothing (coordinator)",
)
async def approve_plan(
    plan_id: IdParam, session: Session, principal: Coordinator, body: PlanAction | None = None
) -> PlanRead:
    await lifecycle.approve(
        session, principal=principal, plan_id=plan_id, at=body.at if body else None
    )
    return plan_service.to_read(await plan_service.get_plan(session, plan_id))


@router.post(
    "/plans/{plan_id}/discard", responses=CONFLICT, summary="Drop a proposed plan (coordinator)"
)
async def discard_plan(
    plan_id: IdParam, session: Session, principal: Coordinator, body: PlanAction | None = None
) -> PlanRead:
    await lifecycle.discard(
        session, principal=principal, plan_id=plan_id, at=body.at if body else None
    )
    return plan_service.to_read(await plan_service.get_plan(session, plan_id))


@router.post(
    "/plans/{plan_id}/cancel",
    responses=CONFLICT,
    summary="Stop an approved plan; releases what is not yet dispatched (coordinator)",
)
async def cancel_plan(
    plan_id: IdParam, session: Session, principal: Coordinator, body: PlanAction | None = None
) -> PlanRead:
    plan = await lifecycle.cancel(
        session, principal=principal, plan_id=plan_id, at=body.at if body else None
    )
    return plan_service.to_read(plan)


@router.get("/allocations", summary="Allocations: a supplier's to-ship list, a requester's inbound")
async def list_allocations(
    session: Session,
    _: Reader,
    paging: PagingDep,
    allocation_status: Annotated[AllocationStatus | None, Query(alias="status")] = None,
    supplier: Annotated[str | None, Query(description="supplier member code")] = None,
    requester: Annotated[str | None, Query(description="requesting member code")] = None,
    plan_id: Annotated[IdParam | None, Query()] = None,
) -> Page[AllocationRead]:
    rows, total = await plan_service.list_allocations(
        session,
        status=allocation_status,
        supplier=supplier,
        requester=requester,
        plan_id=plan_id,
        limit=paging.limit,
        offset=paging.offset,
    )
    return paging.page([AllocationRead.model_validate(a) for a in rows], total)


@router.post(
    "/allocations/{allocation_id}/dispatch",
    responses=CONFLICT,
    summary="Ship an allocation (the supplier's desk)",
)
async def dispatch_allocation(
    allocation_id: IdParam,
    session: Session,
    principal: DeskOrAdmin,
    body: PlanAction | None = None,
) -> AllocationRead:
    a = await lifecycle.dispatch(
        session, principal=principal, allocation_id=allocation_id, at=body.at if body else None
    )
    return AllocationRead.model_validate(a)


@router.post(
    "/allocations/{allocation_id}/deliver",
    responses=CONFLICT,
    summary="Confirm an allocation arrived (the requester's desk)",
)
async def deliver_allocation(
    allocation_id: IdParam,
    session: Session,
    principal: DeskOrAdmin,
    body: PlanAction | None = None,
) -> AllocationRead:
    a = await lifecycle.deliver(
        session, principal=principal, allocation_id=allocation_id, at=body.at if body else None
    )
    return AllocationRead.model_validate(a)
