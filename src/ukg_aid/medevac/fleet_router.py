"""``/helicopters``: the fleet with the mission holding each aircraft (hence in medevac, above
the helicopters package)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from ukg_aid.clock import sane
from ukg_aid.deps import ClockDep, Ems, PagingDep, Reader, Session
from ukg_aid.dispatch_air import AircraftStatus
from ukg_aid.helicopters import service as heli_service
from ukg_aid.helicopters.schemas import (
    CoverageReport,
    HelicopterRead,
    HelicopterUpdate,
    StatusChangeRead,
)
from ukg_aid.medevac import fleet
from ukg_aid.medevac.models import MedevacMission
from ukg_aid.schemas import IdParam, Page

router = APIRouter(prefix="/helicopters", tags=["helicopters"])

StatusFilter = Annotated[AircraftStatus | None, Query(alias="status")]
MemberFilter = Annotated[str | None, Query(description="operating member code")]


@router.get("", summary="The Doctor-Heli fleet, filtered by operating member and status")
async def list_helicopters(
    session: Session,
    _: Reader,
    paging: PagingDep,
    member: MemberFilter = None,
    heli_status: StatusFilter = None,
) -> Page[HelicopterRead]:
    rows, total = await heli_service.list_helicopters(
        session, member_code=member, status=heli_status, limit=paging.limit, offset=paging.offset
    )
    missions = await fleet.active_missions(session)
    return paging.page([heli_service.to_read(h, _mission_id(missions, h.id)) for h in rows], total)


def _mission_id(missions: dict[int, MedevacMission], heli_id: int) -> int | None:
    mission = missions.get(heli_id)
    return mission.id if mission is not None else None


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
) -> CoverageReport:
    when = clock.now() if at is None else sane(at, field="at", where="query")
    return await heli_service.coverage(session, when)


@router.get("/{heli_id}", summary="One aircraft")
async def get_helicopter(heli_id: IdParam, session: Session, _: Reader) -> HelicopterRead:
    heli = await heli_service.get_helicopter(session, heli_id)
    missions = await fleet.active_missions(session)
    return heli_service.to_read(heli, _mission_id(missions, heli.id))


@router.patch(
    "/{heli_id}",
    responses={409: {"description": "a mission holds the aircraft, or on_mission set by hand"}},
    summary="Change an aircraft's status, e.g. ground it for maintenance (ems, admin)",
)
async def update_helicopter(
    heli_id: IdParam, body: HelicopterUpdate, session: Session, principal: Ems, clock: ClockDep
) -> HelicopterRead:
    heli = await fleet.update_status(
        session, principal=principal, heli_id=heli_id, data=body, clock=clock
    )
    missions = await fleet.active_missions(session)
    return heli_service.to_read(heli, _mission_id(missions, heli.id))


@router.get("/{heli_id}/history", summary="An aircraft's status changes, newest first")
async def helicopter_history(
    heli_id: IdParam, session: Session, _: Reader, paging: PagingDep
) -> Page[StatusChangeRead]:
    rows, total = await heli_service.history(
        session, heli_id, limit=paging.limit, offset=paging.offset
    )
    return paging.page([StatusChangeRead.model_validate(r) for r in rows], total)
