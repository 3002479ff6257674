from __future__ import annotations

from fastapi import status
from fastapi.responses import JSONResponse

from ukg_aid.closures import service
from ukg_aid.closures.schemas import ClosureCreate, ClosureRead
from ukg_aid.deps import ClockDep, Coordinator, Reader, Session, api_router
from ukg_aid.idempotency.service import IdempotencyDep
from ukg_aid.schemas import IdParam

router = api_router(tags=["closures"])


@router.post(
    "/incidents/{incident_id}/closures",
    status_code=status.HTTP_201_CREATED,
    response_model=ClosureRead,
    summary="Close a sea crossing or an area for an incident (coordinator)",
)
async def add_closure(
    incident_id: IdParam,
    body: ClosureCreate,
    session: Session,
    principal: Coordinator,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> ClosureRead | JSONResponse:
    if (replay := await idem.replay(body)) is not None:
        return replay
    closure = await service.add(
        session, principal=principal, incident_id=incident_id, data=body, clock=clock
    )
    out = service.to_read(closure)
    await idem.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("/incidents/{incident_id}/closures", summary="An incident's closures, reopened too")
async def list_closures(incident_id: IdParam, session: Session, _: Reader) -> list[ClosureRead]:
    return [service.to_read(c) for c in await service.listing(session, incident_id)]


@router.delete(
    "/incidents/{incident_id}/closures/{closure_id}",
    summary="Reopen: the closure no longer applies to new plans (coordinator)",
)
async def reopen_closure(
    incident_id: IdParam,
    closure_id: IdParam,
    session: Session,
    principal: Coordinator,
    clock: ClockDep,
) -> ClosureRead:
    closure = await service.reopen(
        session, principal=principal, incident_id=incident_id, closure_id=closure_id, clock=clock
    )
    return service.to_read(closure)
