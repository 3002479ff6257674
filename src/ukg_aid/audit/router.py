from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from ukg_aid.audit import service as audit_service
from ukg_aid.audit.schemas import AuditEventRead
from ukg_aid.deps import AuditReader, PagingDep, Session
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
        since=since,
        until=until,
    )
    return Page(
        items=[AuditEventRead.model_validate(r) for r in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )
