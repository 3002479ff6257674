from __future__ import annotations

from typing import Annotated

from fastapi import Body, Query, status
from fastapi.responses import JSONResponse

from ukg_aid.deps import ClockDep, Coordinator, PagingDep, Reader, Session, api_router
from ukg_aid.idempotency.service import IdempotencyDep
from ukg_aid.incidents import counterparts
from ukg_aid.incidents import service as incident_service
from ukg_aid.incidents.models import IncidentKind, IncidentStatus
from ukg_aid.incidents.schemas import (
    MAX_PAIRS,
    CounterpartRead,
    CounterpartWrite,
    IncidentCreate,
    IncidentRead,
    IncidentUpdate,
)
from ukg_aid.schemas import IdParam, Page

router = api_router(prefix="/incidents", tags=["incidents"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=IncidentRead,
    summary="Open an incident (an activation of mutual aid; coordinator, admin)",
)
async def open_incident(
    body: IncidentCreate,
    session: Session,
    principal: Coordinator,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> IncidentRead | JSONResponse:
    if (replay := await idem.replay(body)) is not None:
        return replay
    incident = await incident_service.open_incident(
        session, principal=principal, data=body, clock=clock
    )
    out = incident_service.to_read(incident)
    await idem.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("", summary="Incidents, newest first, filtered by status and kind")
async def list_incidents(
    session: Session,
    _: Reader,
    paging: PagingDep,
    incident_status: Annotated[IncidentStatus | None, Query(alias="status")] = None,
    kind: Annotated[IncidentKind | None, Query(description="real or drill")] = None,
) -> Page[IncidentRead]:
    rows, total = await incident_service.list_incidents(
        session, status=incident_status, kind=kind, limit=paging.limit, offset=paging.offset
    )
    return paging.page([incident_service.to_read(i) for i in rows], total)


@router.get("/{incident_id}", summary="One incident")
async def get_incident(incident_id: IdParam, session: Session, _: Reader) -> IncidentRead:
    return incident_service.to_read(await incident_service.get_incident(session, incident_id))


@router.patch(
    "/{incident_id}",
    summary="Change an incident's note, close or reopen it (coordinator, admin)",
    description="Closing ends the incident's stagings, sends its visiting aircraft home and "
    "lifts its weather holds; while one of its visitors flies a mission the close is a 409 "
    "`visiting-aircraft-on-mission` naming them, and nothing changes.",
    responses={409: {"description": "a visitor still flies a mission"}},
)
async def update_incident(
    incident_id: IdParam,
    body: IncidentUpdate,
    session: Session,
    principal: Coordinator,
    clock: ClockDep,
) -> IncidentRead:
    incident = await incident_service.update_incident(
        session, principal=principal, incident_id=incident_id, data=body, clock=clock
    )
    return incident_service.to_read(incident)


@router.get("/{incident_id}/counterparts", summary="The incident's counterpart pairs")
async def get_counterparts(
    incident_id: IdParam, session: Session, _: Reader
) -> list[CounterpartRead]:
    await incident_service.get_incident(session, incident_id)
    return await counterparts.pairs_of(session, incident_id)


@router.put(
    "/{incident_id}/counterparts",
    summary="Set the incident's counterpart pairs (replaces them; coordinator, admin)",
    description="A list of ``{supporter_code, recipient_code}``: the supporter a union member, "
    "the recipient a member or a guest. Audited; every later plan of the incident freezes "
    "them into its inputs; plans already made keep theirs. ``[]`` clears them.",
)
async def put_counterparts(
    incident_id: IdParam,
    body: Annotated[list[CounterpartWrite], Body(max_length=MAX_PAIRS)],
    session: Session,
    principal: Coordinator,
) -> list[CounterpartRead]:
    return await counterparts.set_pairs(
        session, principal=principal, incident_id=incident_id, pairs=body
    )
