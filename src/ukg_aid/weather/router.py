from __future__ import annotations

from typing import Annotated

from fastapi import Query, status
from fastapi.responses import JSONResponse

from ukg_aid.deps import ClockDep, Ems, PagingDep, Reader, Session, api_router
from ukg_aid.idempotency.service import IdempotencyDep
from ukg_aid.incidents import service as incident_service
from ukg_aid.schemas import IdParam, Page
from ukg_aid.weather import service
from ukg_aid.weather.schemas import WeatherHoldCreate, WeatherHoldRead

router = api_router(prefix="/weather-holds", tags=["weather holds"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WeatherHoldRead,
    summary="Record a weather hold on an area or an aircraft's base for an incident (ems, admin)",
)
async def create_hold(
    body: WeatherHoldCreate,
    session: Session,
    principal: Ems,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> WeatherHoldRead | JSONResponse:
    if (replay := await idem.replay(body)) is not None:
        return replay
    out = service.to_read(
        await service.create(session, principal=principal, data=body, clock=clock)
    )
    await idem.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("", summary="Weather holds not lifted (or every one with include_lifted=true)")
async def list_holds(
    session: Session,
    _: Reader,
    paging: PagingDep,
    include_lifted: Annotated[bool, Query()] = False,
    incident: Annotated[IdParam | None, Query(description="incident id")] = None,
) -> Page[WeatherHoldRead]:
    rows, total = await service.list_holds(
        session,
        include_lifted=include_lifted,
        limit=paging.limit,
        offset=paging.offset,
        incident_id=await incident_service.existing(session, incident),
    )
    return paging.page([service.to_read(r) for r in rows], total)


@router.get("/{hold_id}", summary="One weather hold")
async def get_hold(hold_id: IdParam, session: Session, _: Reader) -> WeatherHoldRead:
    return service.to_read(await service.get(session, hold_id))


@router.delete("/{hold_id}", summary="Lift a weather hold (ems, admin); it stays readable")
async def lift_hold(
    hold_id: IdParam, session: Session, principal: Ems, clock: ClockDep
) -> WeatherHoldRead:
    return service.to_read(
        await service.lift(session, principal=principal, hold_id=hold_id, clock=clock)
    )
