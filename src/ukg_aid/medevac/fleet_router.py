"""``/helicopters``: the fleet with the mission holding each aircraft (hence in medevac, above
the helicopters package)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Query, status
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import clock as clocks
from ukg_aid.clock import sane
from ukg_aid.deps import ClockDep, Ems, PagingDep, Reader, Session, api_router
from ukg_aid.dispatch_air import AircraftStatus
from ukg_aid.helicopters import service as heli_service
from ukg_aid.helicopters.models import Helicopter
from ukg_aid.helicopters.schemas import (
    CoverageReport,
    HelicopterRead,
    HelicopterUpdate,
    LeaveBody,
    StagingCreate,
    StagingRead,
    StatusChangeRead,
    VisitingCreate,
)
from ukg_aid.idempotency.service import IdempotencyDep
from ukg_aid.incidents import service as incident_service
from ukg_aid.medevac import fleet
from ukg_aid.medevac import fleet_ops as operations
from ukg_aid.medevac.models import MedevacMission
from ukg_aid.schemas import IdParam, Page
from ukg_aid.weather.service import core_holds

router = api_router(prefix="/helicopters", tags=["helicopters"])

StatusFilter = Annotated[AircraftStatus | None, Query(alias="status")]
MemberFilter = Annotated[str | None, Query(description="operating member code")]
IncidentFilter = Annotated[
    IdParam | None,
    Query(description="incident id: the union's aircraft and the visitors that joined it"),
]


@router.get("", summary="The Doctor-Heli fleet, filtered by operating member and status")
async def list_helicopters(
    session: Session,
    _: Reader,
    paging: PagingDep,
    member: MemberFilter = None,
    heli_status: StatusFilter = None,
    incident: IncidentFilter = None,
) -> Page[HelicopterRead]:
    rows, total = await heli_service.list_helicopters(
        session,
        member_code=member,
        status=heli_status,
        limit=paging.limit,
        offset=paging.offset,
        incident_id=await incident_service.existing(session, incident),
    )
    return paging.page(await _reads(session, rows), total)


def _mission_id(missions: dict[int, MedevacMission], heli_id: int) -> int | None:
    mission = missions.get(heli_id)
    return mission.id if mission is not None else None


async def _reads(session: AsyncSession, rows: list[Helicopter]) -> list[HelicopterRead]:
    """Aircraft as read now: with the mission holding each and the staging it flies from."""
    missions = await fleet.active_missions(session)
    stagings = await heli_service.stagings_of(session, [h.id for h in rows])
    now = clocks.now()
    return [
        heli_service.to_read(
            h,
            _mission_id(missions, h.id),
            heli_service.current_staging(stagings.get(h.id, []), now),
        )
        for h in rows
    ]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=HelicopterRead,
    responses={409: {"description": "the callsign is taken (`callsign-taken`)"}},
    summary="Add a visiting aircraft from outside the union to the fleet (ems, admin)",
)
async def add_visiting(
    body: VisitingCreate, session: Session, principal: Ems, idem: IdempotencyDep, clock: ClockDep
) -> HelicopterRead | JSONResponse:
    if (replay := await idem.replay(body)) is not None:
        return replay
    heli = await operations.add_visiting(session, principal=principal, data=body, clock=clock)
    out = (await _reads(session, [heli]))[0]
    await idem.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("/stagings", summary="Every staging not withdrawn (past, current and planned)")
async def list_stagings(
    session: Session,
    _: Reader,
    incident: Annotated[IdParam | None, Query(description="incident id")] = None,
) -> list[StagingRead]:
    incident_id = await incident_service.existing(session, incident)
    found = await heli_service.stagings_of(session)
    rows = sorted(
        (
            s
            for group in found.values()
            for s in group
            if incident_id is None or s.incident_id == incident_id
        ),
        key=lambda s: s.id,
    )
    return [StagingRead.model_validate(s) for s in rows]


@router.get("/geojson", summary="Aircraft positions (base, or the scene of its active mission)")
async def helicopters_geojson(
    session: Session, _: Reader, member: MemberFilter = None, heli_status: StatusFilter = None
) -> dict[str, Any]:
    return await fleet.geojson(session, member_code=member, status=heli_status)


@router.get(
    "/coverage",
    summary="Per member: the fastest available aircraft's flight time to its office",
)
async def coverage(
    session: Session,
    _: Reader,
    clock: ClockDep,
    at: Annotated[
        datetime | None,
        Query(description="instant to evaluate (a read: any time within the sanity bounds)"),
    ] = None,
    incident: IncidentFilter = None,
) -> CoverageReport:
    when = clock.now() if at is None else sane(at, field="at", where="query")
    incident_id = await incident_service.existing(session, incident)
    return await heli_service.coverage(session, when, await core_holds(session), incident_id)


@router.get("/{heli_id}", summary="One aircraft")
async def get_helicopter(heli_id: IdParam, session: Session, _: Reader) -> HelicopterRead:
    heli = await heli_service.get_helicopter(session, heli_id)
    return (await _reads(session, [heli]))[0]


@router.patch(
    "/{heli_id}",
    responses={
        409: {
            "description": "a mission holds the aircraft (`helicopter-on-mission`), on_mission "
            "set by hand (`helicopter-state`), or a visitor that has left (`helicopter-left`)"
        }
    },
    summary="Change an aircraft's status, e.g. ground it for maintenance (ems, admin)",
)
async def update_helicopter(
    heli_id: IdParam, body: HelicopterUpdate, session: Session, principal: Ems, clock: ClockDep
) -> HelicopterRead:
    heli = await fleet.update_status(
        session, principal=principal, heli_id=heli_id, data=body, clock=clock
    )
    return (await _reads(session, [heli]))[0]


@router.get("/{heli_id}/history", summary="An aircraft's status changes, newest first")
async def helicopter_history(
    heli_id: IdParam, session: Session, _: Reader, paging: PagingDep
) -> Page[StatusChangeRead]:
    rows, total = await heli_service.history(
        session, heli_id, limit=paging.limit, offset=paging.offset
    )
    return paging.page([StatusChangeRead.model_validate(r) for r in rows], total)


@router.post(
    "/{heli_id}/leave",
    summary="A visiting aircraft leaves the fleet (ems, admin); not while on a mission",
    responses={
        409: {
            "description": "on a mission (`helicopter-on-mission`), a union aircraft "
            "(`not-visiting`) or already gone (`helicopter-left`)"
        }
    },
)
async def leave(
    heli_id: IdParam,
    session: Session,
    principal: Ems,
    clock: ClockDep,
    body: LeaveBody | None = None,
) -> HelicopterRead:
    heli = await operations.leave(
        session, principal=principal, heli_id=heli_id, data=body or LeaveBody(), clock=clock
    )
    return (await _reads(session, [heli]))[0]


@router.post(
    "/{heli_id}/stagings",
    status_code=status.HTTP_201_CREATED,
    response_model=StagingRead,
    responses={
        409: {
            "description": "staged elsewhere in an overlapping period (`staging-overlap`), a "
            "visitor that has left (`helicopter-left`) or joined another incident's fleet "
            "(`helicopter-other-incident`)"
        }
    },
    summary="Stage an aircraft at a forward base for a period (ems, admin)",
)
async def stage(
    heli_id: IdParam,
    body: StagingCreate,
    session: Session,
    principal: Ems,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> StagingRead | JSONResponse:
    if (replay := await idem.replay(body)) is not None:
        return replay
    row = await operations.stage(
        session, principal=principal, heli_id=heli_id, data=body, clock=clock
    )
    out = StagingRead.model_validate(row)
    await idem.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("/{heli_id}/stagings", summary="An aircraft's stagings not withdrawn, by start")
async def stagings(heli_id: IdParam, session: Session, _: Reader) -> list[StagingRead]:
    await heli_service.get_helicopter(session, heli_id)
    found = await heli_service.stagings_of(session, [heli_id])
    return [StagingRead.model_validate(s) for s in found.get(heli_id, [])]


@router.delete("/{heli_id}/stagings/{staging_id}", summary="Withdraw a staging (ems, admin)")
async def unstage(
    heli_id: IdParam, staging_id: IdParam, session: Session, principal: Ems, clock: ClockDep
) -> StagingRead:
    row = await operations.unstage(
        session, principal=principal, heli_id=heli_id, staging_id=staging_id, clock=clock
    )
    return StagingRead.model_validate(row)
