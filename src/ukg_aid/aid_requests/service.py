"""Aid request use cases: file, list, read, cancel, and the status rule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ukg_aid import placement
from ukg_aid.aid_requests import filing
from ukg_aid.aid_requests.enums import Priority, RequestKind, RequestStatus
from ukg_aid.aid_requests.models import AidRequest
from ukg_aid.aid_requests.schemas import (
    AidRequestCreate,
    AidRequestRead,
    DeliveryRead,
    RequestLineRead,
)
from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock, sane
from ukg_aid.db.locking import for_change
from ukg_aid.db.paging import fetch_page
from ukg_aid.errors import NotFound, Unprocessable
from ukg_aid.incidents import service as incident_service
from ukg_aid.principal import Principal

CLOSED = (RequestStatus.fulfilled, RequestStatus.cancelled)


def to_read(req: AidRequest) -> AidRequestRead:
    return AidRequestRead(
        id=req.id,
        member_code=req.member_code,
        incident_id=req.incident_id,
        kind=req.kind,
        delivery=DeliveryRead(name=req.delivery_name, lat=req.delivery_lat, lon=req.delivery_lon),
        priority=req.priority,
        needed_by=req.needed_by,
        status=req.status,
        note=req.note,
        filed_by=req.filed_by,
        filed_at=req.filed_at,
        updated_at=req.updated_at,
        cancelled_at=req.cancelled_at,
        lines=[RequestLineRead.model_validate(line) for line in req.lines],
    )


def snapshot(req: AidRequest) -> dict[str, Any]:
    return to_read(req).model_dump(mode="json")


async def _validate(
    session: AsyncSession, data: AidRequestCreate, buffer_km: float, guest_radius_km: float
) -> None:
    """Semantic checks pydantic cannot do: known member and items, point inside the union (a
    guest's: within the guest radius of its office)."""
    errors = await placement.member_and_point_errors(
        session,
        member_code=data.member_code,
        lat=data.delivery.lat,
        lon=data.delivery.lon,
        field="delivery",
        what="delivery point",
        buffer_km=buffer_km,
        guest_radius_km=guest_radius_km,
    )
    codes = [line.item_code for line in data.lines]
    known = await filing.known_items(session, codes)
    for i, code in enumerate(codes):
        if code not in known:
            errors.append(
                {
                    "loc": ["body", "lines", i, "item_code"],
                    "msg": f"item '{code}' is not in the catalog",
                    "type": "unknown_item",
                }
            )
    if errors:
        raise Unprocessable("the aid request is not valid", errors=errors)


def _needed_by(data: AidRequestCreate, at: datetime) -> datetime | None:
    """A deadline that can be meant: inside the sanity bounds and not before the filing (422)."""
    if data.needed_by is None:
        return None
    needed_by = sane(data.needed_by, field="needed_by")
    if needed_by < at:
        raise Unprocessable(
            f"needed_by {needed_by.isoformat()} is before the request's own time "
            f"{at.isoformat()}: a deadline cannot lie before the filing",
            code="needed-by-before-filing",
            errors=[
                {
                    "loc": ["body", "needed_by"],
                    "msg": f"before the request's time ({at.isoformat()})",
                    "type": "needed_by_before_filing",
                }
            ],
        )
    return needed_by


async def file_request(
    session: AsyncSession,
    *,
    principal: Principal,
    data: AidRequestCreate,
    buffer_km: float,
    clock: Clock,
    kind: RequestKind = RequestKind.pull,
    guest_radius_km: float = placement.GUEST_RADIUS_KM,
) -> filing.Filed:
    """File an open request of ``data``'s lines for the principal's own member (an admin: any)
    in the named or only active incident, validated and audited; returns its id and its answer
    (``AidRequestRead`` as JSON data, the audit event's ``after``). Every statement goes
    straight to the driver (:mod:`ukg_aid.aid_requests.filing`, issue 11): no ORM objects."""
    at = clock.resolve(data.at)
    needed_by = _needed_by(data, at)
    principal.require_member(data.member_code, action="file aid requests")
    incident = await incident_service.resolve_brief(session, data.incident_id, what="aid request")
    await _validate(session, data, buffer_km, guest_radius_km)
    filed = await filing.write(
        session,
        data,
        incident_id=incident.id,
        kind=kind,
        needed_by=needed_by,
        filed_by=principal.name,
        at=at,
    )
    await audit.record(
        session,
        principal=principal,
        action="aid_request.file",
        entity="aid_request",
        entity_id=filed.id,
        after=filed.body,
        at=at,
    )
    return filed


async def get_request(session: AsyncSession, request_id: int, *, lock: bool = False) -> AidRequest:
    query = (
        select(AidRequest)
        .where(AidRequest.id == request_id)
        .options(selectinload(AidRequest.lines))
        .execution_options(populate_existing=True)
    )
    if lock:
        query = for_change(query)
    req = await session.scalar(query)
    if req is None:
        raise NotFound(f"aid request {request_id} does not exist", code="unknown-request")
    return req


async def list_requests(
    session: AsyncSession,
    *,
    member_code: str | None,
    status: RequestStatus | None,
    priority: Priority | None,
    limit: int,
    offset: int,
    incident_id: int | None = None,
    kind: RequestKind | None = None,
) -> tuple[list[AidRequest], int]:
    query = select(AidRequest)
    if incident_id is not None:
        query = query.where(AidRequest.incident_id == incident_id)
    if kind is not None:
        query = query.where(AidRequest.kind == kind)
    if member_code:
        query = query.where(AidRequest.member_code == member_code)
    if status:
        query = query.where(AidRequest.status == status)
    if priority:
        query = query.where(AidRequest.priority == priority)
    query = query.options(selectinload(AidRequest.lines))
    return await fetch_page(session, query, AidRequest.id, limit=limit, offset=offset)


def refresh_status(req: AidRequest, at: datetime) -> None:
    """Status follows deliveries: all delivered → fulfilled; some → partially_fulfilled."""
    if req.status is RequestStatus.cancelled:
        return
    delivered = sum(line.delivered for line in req.lines)
    if all(line.delivered >= line.quantity for line in req.lines):
        req.status = RequestStatus.fulfilled
    elif delivered > 0:
        req.status = RequestStatus.partially_fulfilled
    else:
        req.status = RequestStatus.open
    req.updated_at = at
