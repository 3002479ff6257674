from __future__ import annotations

from typing import Annotated

from annotated_types import Interval
from fastapi import Depends, Query, status
from fastapi.responses import JSONResponse
from pydantic import BeforeValidator

from ukg_aid.deps import ClockDep, Guard, PagingDep, Reader, Session, SettingsDep, api_router
from ukg_aid.idempotency.service import IdempotencyDep
from ukg_aid.incidents import service as incident_service
from ukg_aid.principal import Principal, Role
from ukg_aid.schemas import IdParam, Page, canonical_digits
from ukg_aid.shelters import service as shelter_service
from ukg_aid.shelters.schemas import (
    NeedRead,
    ShelterChangeRead,
    ShelterCreate,
    ShelterRead,
    ShelterUpdate,
)

router = api_router(prefix="/shelters", tags=["shelters"])

Keeper = Annotated[Principal, Depends(Guard(Role.desk, Role.coordinator, Role.admin))]
MemberFilter = Annotated[str | None, Query(description="member or guest code")]
IncidentFilter = Annotated[IdParam | None, Query(description="incident id")]
DaysParam = Annotated[int, Interval(ge=1, le=30), BeforeValidator(canonical_digits)]
"""``?days=``: the digits-only rule of ids, 1 to 30."""


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ShelterRead,
    summary="Open a shelter (避難所) with its evacuee count (its desk, coordinator, admin)",
)
async def open_shelter(
    body: ShelterCreate,
    session: Session,
    principal: Keeper,
    idem: IdempotencyDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> ShelterRead | JSONResponse:
    if (replay := await idem.replay(body)) is not None:
        return replay
    shelter = await shelter_service.open_shelter(
        session, principal=principal, data=body, settings=settings, clock=clock
    )
    out = shelter_service.to_read(shelter)
    await idem.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("", summary="Shelters, filtered by member and incident")
async def list_shelters(
    session: Session,
    _: Reader,
    paging: PagingDep,
    member: MemberFilter = None,
    incident: IncidentFilter = None,
) -> Page[ShelterRead]:
    rows, total = await shelter_service.list_shelters(
        session,
        member_code=member,
        incident_id=await incident_service.existing(session, incident),
        limit=paging.limit,
        offset=paging.offset,
    )
    return paging.page([shelter_service.to_read(s) for s in rows], total)


@router.get(
    "/needs",
    summary="Needs per item estimated from shelter counts for a number of days",
    description="The catalog's per-person-per-day rates (`ukg_aid.needs`, the drill model's "
    "table: water 3 L, 3 meals, 5 toilet uses per person per day sourced, the rest documented "
    "assumptions; one-off items such as blankets counted once) applied to each shelter's "
    "evacuees (infants and elderly when reported), each shelter rounded up, then added up.",
)
async def shelter_needs(
    session: Session,
    _: Reader,
    member: MemberFilter = None,
    incident: IncidentFilter = None,
    days: Annotated[DaysParam, Query(description="days to cover (1–30)")] = 3,
) -> list[NeedRead]:
    return await shelter_service.estimate_needs(
        session,
        member_code=member,
        incident_id=await incident_service.existing(session, incident),
        days=days,
    )


@router.get("/{shelter_id}", summary="One shelter")
async def get_shelter(shelter_id: IdParam, session: Session, _: Reader) -> ShelterRead:
    return shelter_service.to_read(await shelter_service.get_shelter(session, shelter_id))


@router.get(
    "/{shelter_id}/history", summary="Every state the shelter's desk reported, oldest first"
)
async def shelter_history(
    shelter_id: IdParam, session: Session, _: Reader
) -> list[ShelterChangeRead]:
    return [
        ShelterChangeRead.model_validate(c)
        for c in await shelter_service.history(session, shelter_id)
    ]


@router.patch("/{shelter_id}", summary="Change a shelter's counts (its desk, coordinator, admin)")
async def update_shelter(
    shelter_id: IdParam,
    body: ShelterUpdate,
    session: Session,
    principal: Keeper,
    settings: SettingsDep,
    clock: ClockDep,
) -> ShelterRead:
    shelter = await shelter_service.update_shelter(
        session,
        principal=principal,
        shelter_id=shelter_id,
        data=body,
        settings=settings,
        clock=clock,
    )
    return shelter_service.to_read(shelter)
