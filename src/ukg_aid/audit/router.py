from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from ukg_aid import clock
from ukg_aid.audit import service as audit_service
from ukg_aid.audit.schemas import AuditEventRead
from ukg_aid.audit.stream import EventHub, stream
from ukg_aid.deps import AuditReader, PagingDep, Reader, Session
from ukg_aid.schemas import Page

router = APIRouter(prefix="/audit-events", tags=["audit"])


@router.get("", summary="The append-only audit log, newest first (coordinator, admin, observer)")
async def list_audit_events(
    session: Session,
    _: AuditReader,
    paging: PagingDep,
    entity: Annotated[str | None, Query()] = None,
    entity_id: Annotated[str | None, Query()] = None,
    action: Annotated[str | None, Query()] = None,
    actor: Annotated[str | None, Query()] = None,
    member: Annotated[str | None, Query(description="actor's member code")] = None,
    since: Annotated[datetime | None, Query()] = None,
    until: Annotated[datetime | None, Query()] = None,
) -> Page[AuditEventRead]:
    rows, total = await audit_service.list_events(
        session,
        limit=paging.limit,
        offset=paging.offset,
        entity=entity,
        entity_id=entity_id,
        action=action,
        actor=actor,
        member_code=member,
        since=since and clock.resolve_at(since),
        until=until and clock.resolve_at(until),
    )
    return paging.page([AuditEventRead.model_validate(r) for r in rows], total)


events_router = APIRouter(tags=["events"])


@events_router.get(
    "/events",
    summary="Server-sent events of state changes (text/event-stream); resumes after "
    "Last-Event-ID or ?after=",
    response_class=StreamingResponse,
)
async def events(
    request: Request,
    principal: Reader,
    after: Annotated[int | None, Query(ge=0, description="send events with a larger id")] = None,
    limit: Annotated[int | None, Query(ge=1, le=10_000, description="close after N events")] = None,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> StreamingResponse:
    start = after
    if start is None and last_event_id and last_event_id.isdigit():
        start = int(last_event_id)
    settings = request.app.state.settings
    hub = getattr(request.app.state, "event_hub", None)
    if hub is None:
        hub = request.app.state.event_hub = EventHub(request.app.state.db)
    body = stream(
        request.app.state.db,
        hub,
        principal,
        after_id=start,
        limit=limit,
        poll_s=settings.events_poll_seconds,
        heartbeat_s=settings.events_heartbeat_seconds,
    )
    return StreamingResponse(
        body,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
