from __future__ import annotations

from datetime import datetime
from typing import Annotated

from annotated_types import Interval
from fastapi import Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BeforeValidator

from ukg_aid import clock
from ukg_aid.audit import service as audit_service
from ukg_aid.audit.schemas import AuditEventRead
from ukg_aid.audit.stream import EventHub, stream
from ukg_aid.deps import AuditReader, PagingDep, Reader, Session, api_router
from ukg_aid.schemas import IdParam, Page, canonical_digits

router = api_router(prefix="/audit-events", tags=["audit"])


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


events_router = api_router(tags=["events"])

EventLimit = Annotated[int, Interval(ge=1, le=10_000), BeforeValidator(canonical_digits)]


def _resume_id(header: str | None) -> str | None:
    """``Last-Event-ID``: an empty value means none (the SSE standard sends no header then)."""
    return header or None


LastEventId = Annotated[IdParam | None, BeforeValidator(_resume_id)]


@events_router.get(
    "/events",
    summary="Server-sent events of state changes (text/event-stream); resumes after "
    "Last-Event-ID or ?after=",
    response_class=StreamingResponse,
)
async def events(
    request: Request,
    principal: Reader,
    after: Annotated[IdParam | None, Query(description="send events with a larger id")] = None,
    limit: Annotated[EventLimit | None, Query(description="close after N events")] = None,
    last_event_id: Annotated[
        LastEventId,
        Header(
            alias="Last-Event-ID",
            description="resume after this event id; a malformed or out-of-range id is a 422 "
            "(an EventSource stops reconnecting on it instead of retrying forever)",
        ),
    ] = None,
) -> StreamingResponse:
    start = after if after is not None else last_event_id
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
