from __future__ import annotations

from typing import Annotated

from fastapi import Query

from ukg_aid.deps import ClockDep, EmsOrDesk, PagingDep, Reader, Session, api_router
from ukg_aid.dispatch_air import HospitalStatus
from ukg_aid.hospitals import service
from ukg_aid.hospitals.schemas import HospitalChangeRead, HospitalRead, HospitalUpdate
from ukg_aid.schemas import IdParam, Page

router = api_router(prefix="/hospitals", tags=["hospitals"])


@router.get("", summary="Receiving hospitals (disaster base hospitals), by member and status")
async def list_hospitals(
    session: Session,
    _: Reader,
    paging: PagingDep,
    member: Annotated[str | None, Query(description="member code (location rule)")] = None,
    hospital_status: Annotated[HospitalStatus | None, Query(alias="status")] = None,
) -> Page[HospitalRead]:
    rows, total = await service.list_hospitals(
        session,
        member_code=member,
        status=hospital_status,
        limit=paging.limit,
        offset=paging.offset,
    )
    return paging.page([HospitalRead.model_validate(r) for r in rows], total)


@router.get("/{hospital_id}", summary="One hospital")
async def get_hospital(hospital_id: IdParam, session: Session, _: Reader) -> HospitalRead:
    return HospitalRead.model_validate(await service.get_hospital(session, hospital_id))


@router.patch(
    "/{hospital_id}",
    summary="Set a hospital's status: operational, damaged, full (ems, admin, its member's desk)",
)
async def update_hospital(
    hospital_id: IdParam,
    body: HospitalUpdate,
    session: Session,
    principal: EmsOrDesk,
    clock: ClockDep,
) -> HospitalRead:
    row = await service.update_status(
        session, principal=principal, hospital_id=hospital_id, data=body, clock=clock
    )
    return HospitalRead.model_validate(row)


@router.get("/{hospital_id}/history", summary="A hospital's status changes, newest first")
async def hospital_history(
    hospital_id: IdParam, session: Session, _: Reader, paging: PagingDep
) -> Page[HospitalChangeRead]:
    rows, total = await service.history(
        session, hospital_id, limit=paging.limit, offset=paging.offset
    )
    return paging.page([HospitalChangeRead.model_validate(r) for r in rows], total)
