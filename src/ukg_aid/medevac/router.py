from __future__ import annotations

import enum
from typing import Annotated, Any

from fastapi import Query, status
from fastapi.responses import JSONResponse

from ukg_aid.deps import (
    ClockDep,
    Ems,
    EmsOrDesk,
    PagingDep,
    Reader,
    Session,
    SettingsDep,
    api_router,
)
from ukg_aid.dispatch_air import Severity
from ukg_aid.idempotency.service import IdempotencyDep
from ukg_aid.incidents import service as incident_service
from ukg_aid.medevac import lifecycle
from ukg_aid.medevac import service as mission_service
from ukg_aid.medevac.enums import MissionStatus
from ukg_aid.medevac.schemas import (
    AssignBody,
    BatchBody,
    BatchRead,
    MissionAction,
    MissionCreate,
    MissionRead,
)
from ukg_aid.problems import problem_response
from ukg_aid.schemas import IdParam, Page

router = api_router(prefix="/medevac-missions", tags=["medevac missions"])

CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "no aircraft can fly it (body names the reason), or wrong mission state"}
}
MemberFilter = Annotated[str | None, Query(description="requesting member code")]
StatusFilter = Annotated[MissionStatus | None, Query(alias="status")]


class LifecycleAction(enum.StrEnum):
    en_route = "en_route"
    on_scene = "on_scene"
    transporting = "transporting"
    completed = "completed"
    cancel = "cancel"


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MissionRead,
    summary="File a medevac mission (ems, or a desk for its own member); never assigns",
)
async def file_mission(
    body: MissionCreate,
    session: Session,
    principal: EmsOrDesk,
    idem: IdempotencyDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> MissionRead | JSONResponse:
    if (replay := await idem.replay(body)) is not None:
        return replay
    mission = await mission_service.file_mission(
        session, principal=principal, data=body, buffer_km=settings.union_buffer_km, clock=clock
    )
    out = mission_service.to_read(mission)
    await idem.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("", summary="Medevac missions, filtered by member, status and severity")
async def list_missions(
    session: Session,
    _: Reader,
    paging: PagingDep,
    member: MemberFilter = None,
    mission_status: StatusFilter = None,
    severity: Annotated[Severity | None, Query()] = None,
    incident: Annotated[IdParam | None, Query(description="incident id")] = None,
) -> Page[MissionRead]:
    rows, total = await mission_service.list_missions(
        session,
        member_code=member,
        status=mission_status,
        severity=severity,
        limit=paging.limit,
        offset=paging.offset,
        incident_id=await incident_service.existing(session, incident),
    )
    return paging.page([mission_service.to_read(m) for m in rows], total)


@router.get("/geojson", summary="Medevac scenes as GeoJSON points")
async def missions_geojson(
    session: Session,
    _: Reader,
    member: MemberFilter = None,
    mission_status: StatusFilter = None,
    severity: Annotated[Severity | None, Query()] = None,
) -> dict[str, Any]:
    rows, _total = await mission_service.list_missions(
        session,
        member_code=member,
        status=mission_status,
        severity=severity,
        limit=100_000,
        offset=0,
    )
    return mission_service.geojson(rows)


@router.post(
    "/assign",
    summary="Assign every pending mission in one optimization (ems, admin)",
)
async def assign_pending(
    session: Session,
    principal: Ems,
    settings: SettingsDep,
    clock: ClockDep,
    body: BatchBody | None = None,
) -> BatchRead:
    body = body or BatchBody()
    outcome = await lifecycle.assign_pending(
        session,
        principal=principal,
        at=body.at,
        clock=clock,
        time_limit_s=settings.medevac_time_limit_s,
        note=body.note,
    )
    return BatchRead(
        status=outcome.status,
        solve_seconds=outcome.solve_seconds,
        assigned=[mission_service.to_read(m) for m in outcome.assigned],
        refused=[mission_service.to_read(m) for m in outcome.refused],
        deferred=[mission_service.to_read(m) for m in outcome.deferred],
    )


@router.get("/{mission_id}", summary="One medevac mission")
async def get_mission(mission_id: IdParam, session: Session, _: Reader) -> MissionRead:
    return mission_service.to_read(await mission_service.get_mission(session, mission_id))


@router.post(
    "/{mission_id}/assign",
    response_model=MissionRead,
    responses=CONFLICT,
    summary="Assign the best capable aircraft, or a named one if capable (ems, admin)",
)
async def assign_mission(
    mission_id: IdParam,
    session: Session,
    principal: Ems,
    clock: ClockDep,
    body: AssignBody | None = None,
) -> MissionRead | JSONResponse:
    body = body or AssignBody()
    outcome = await lifecycle.assign(
        session,
        principal=principal,
        mission_id=mission_id,
        helicopter_id=body.helicopter_id,
        at=body.at,
        clock=clock,
        preference=body.preference,
        note=body.note,
    )
    if outcome.refusal is not None:
        # Returned, not raised: the refusal reason recorded on the mission is committed.
        return problem_response(lifecycle.refusal_problem(outcome.mission, outcome.refusal))
    return mission_service.to_read(outcome.mission)


@router.post(
    "/{mission_id}/{action}",
    responses=CONFLICT,
    summary="Lifecycle: en_route, on_scene, transporting, completed, cancel (ems, admin)",
)
async def advance_mission(
    mission_id: IdParam,
    action: LifecycleAction,
    session: Session,
    principal: Ems,
    clock: ClockDep,
    body: MissionAction | None = None,
) -> MissionRead:
    body = body or MissionAction()
    mission = await lifecycle.advance(
        session,
        principal=principal,
        mission_id=mission_id,
        action=action.value,
        at=body.at,
        clock=clock,
        note=body.note,
    )
    return mission_service.to_read(mission)
