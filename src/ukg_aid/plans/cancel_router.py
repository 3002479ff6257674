"""``POST /aid-requests/{id}/cancel``: the route sits next to its lifecycle (cancelling a
request releases the stock its allocations reserved, which is the plans' business)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from ukg_aid.aid_requests import service as request_service
from ukg_aid.aid_requests.schemas import AidRequestCancel, AidRequestRead
from ukg_aid.deps import ClockDep, Guard, Session, api_router
from ukg_aid.plans import lifecycle
from ukg_aid.principal import Principal, Role
from ukg_aid.schemas import IdParam

router = api_router(prefix="/aid-requests", tags=["aid requests"])

CancellerDep = Annotated[Principal, Depends(Guard(Role.desk, Role.coordinator, Role.admin))]


@router.post("/{request_id}/cancel", summary="Cancel a request (its desk, a coordinator, admin)")
async def cancel_request(
    request_id: IdParam,
    session: Session,
    principal: CancellerDep,
    clock: ClockDep,
    body: AidRequestCancel | None = None,
) -> AidRequestRead:
    body = body or AidRequestCancel()
    await lifecycle.cancel_request(
        session,
        principal=principal,
        request_id=request_id,
        reason=body.reason,
        note=body.note,
        at=body.at,
        clock=clock,
    )
    return request_service.to_read(await request_service.get_request(session, request_id))
