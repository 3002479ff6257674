"""Push-type support (プッシュ型支援, SPEC §10): before a stricken desk can file, the coordinator
files ``kind: push`` requests on its behalf — from its shelters' needs (``ukg_aid.needs``, the
drill model's rates) or from a drill's estimate — previewed first; they are matched like any
request. When the desk starts filing, one call closes the push remainder: every open push line of
the member in the incident keeps only what plans already allocated (nothing allocated is
released), a push request with nothing allocated is cancelled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ukg_aid import needs
from ukg_aid.aid_requests import service as request_service
from ukg_aid.aid_requests.enums import OPEN_STATUSES, RequestKind, RequestStatus
from ukg_aid.aid_requests.models import AidRequest
from ukg_aid.aid_requests.push_schemas import (
    PushClose,
    PushClosed,
    PushCreate,
    PushDraft,
    PushFiled,
    PushLine,
    PushPreview,
)
from ukg_aid.aid_requests.schemas import (
    AidRequestCreate,
    AidRequestRead,
    DeliveryPoint,
    DeliveryRead,
    RequestLineCreate,
)
from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock, require_forward
from ukg_aid.config import Settings
from ukg_aid.db.locking import for_change
from ukg_aid.errors import Unprocessable
from ukg_aid.incidents import service as incident_service
from ukg_aid.members import service as member_service
from ukg_aid.principal import Principal
from ukg_aid.shelters import service as shelter_service


async def _drafts(session: AsyncSession, data: PushCreate, incident_id: int) -> list[PushDraft]:
    member = await member_service.get_member(session, data.member_code)
    if data.lines is not None:
        point = data.delivery or DeliveryPoint(
            name=member.office_name_ja or f"{member.name_ja} office",
            lat=member.office_lat,
            lon=member.office_lon,
        )
        lines = [PushLine(item_code=ln.item_code, quantity=ln.quantity) for ln in data.lines]
        delivery = DeliveryRead(name=point.name, lat=point.lat, lon=point.lon)
        return [PushDraft(shelter_id=None, delivery=delivery, lines=lines)]
    shelters, _ = await shelter_service.list_shelters(
        session, member_code=data.member_code, incident_id=incident_id, limit=10_000, offset=0
    )
    rates = await shelter_service.catalog_rates(session)
    drafts = []
    for s in shelters:
        counts = needs.ShelterCount(s.evacuees, s.infants, s.elderly)
        quantities = needs.shelter_needs([counts], data.days, rates=rates)
        lines = [PushLine(item_code=c, quantity=q) for c, q in quantities.items() if q > 0]
        if lines:
            delivery = DeliveryRead(name=s.name, lat=s.lat, lon=s.lon)
            drafts.append(PushDraft(shelter_id=s.id, delivery=delivery, lines=lines))
    return drafts


async def preview(session: AsyncSession, data: PushCreate, clock: Clock) -> PushPreview:
    """The push requests :func:`file_push` would file, changing nothing (``at`` is checked
    like the filing's)."""
    clock.resolve(data.at)
    incident = await incident_service.resolve(session, data.incident_id, what="push request")
    drafts = await _drafts(session, data, incident.id)
    return PushPreview(
        member_code=data.member_code, incident_id=incident.id, days=data.days, requests=drafts
    )


async def file_push(
    session: AsyncSession,
    *,
    principal: Principal,
    data: PushCreate,
    settings: Settings,
    clock: Clock,
) -> PushFiled:
    clock.resolve(data.at)  # a bad ``at`` is refused before anything else
    incident = await incident_service.resolve(session, data.incident_id, what="push request")
    drafts = await _drafts(session, data, incident.id)
    if not drafts:
        raise Unprocessable(
            f"nothing to push for {data.member_code}: it has no shelters with evacuees in "
            f"incident {incident.id} (or send the drill's estimate as lines)",
            code="nothing-to-push",
            errors=[{"loc": ["body", "lines"], "msg": "no shelter needs", "type": "empty"}],
        )
    filed = []
    for draft in drafts:
        body = AidRequestCreate(
            member_code=data.member_code,
            incident_id=incident.id,
            delivery=DeliveryPoint(**draft.delivery.model_dump()),
            priority=data.priority,
            lines=[
                RequestLineCreate(item_code=ln.item_code, quantity=ln.quantity)
                for ln in draft.lines
            ],
            note=data.note or f"push-type support, {data.days} days of shelter needs",
            at=data.at,
        )
        req = await request_service.file_request(
            session,
            principal=principal,
            data=body,
            buffer_km=settings.union_buffer_km,
            clock=clock,
            kind=RequestKind.push,
            guest_radius_km=settings.guest_radius_km,
        )
        filed.append(AidRequestRead.model_validate(req.body))
    return PushFiled(member_code=data.member_code, incident_id=incident.id, requests=filed)


async def close_push(
    session: AsyncSession, *, principal: Principal, data: PushClose, clock: Clock
) -> PushClosed:
    """Close the member's open push remainder in the incident (see the module docstring)."""
    at = clock.resolve(data.at)
    incident = await incident_service.resolve(session, data.incident_id, what="push closing")
    await member_service.get_member(session, data.member_code)
    requests = list(
        await session.scalars(
            for_change(
                select(AidRequest)
                .where(
                    AidRequest.member_code == data.member_code,
                    AidRequest.incident_id == incident.id,
                    AidRequest.kind == RequestKind.push,
                    AidRequest.status.in_(OPEN_STATUSES),
                )
                .order_by(AidRequest.id)
                .options(selectinload(AidRequest.lines)),
                of=AidRequest,
            )
        )
    )
    closed, touched, cancelled = 0, [], []
    for req in requests:
        when = require_forward(
            at,
            req.updated_at,
            subject=f"aid request {req.id}: push close",
            previous_what="its last change",
        )
        units = await _close_one(session, principal, req, when, data.note)
        if units:
            closed += units
            touched.append(req.id)
            if req.status is RequestStatus.cancelled:
                cancelled.append(req.id)
    return PushClosed(
        member_code=data.member_code,
        incident_id=incident.id,
        closed_units=closed,
        request_ids=touched,
        cancelled_request_ids=cancelled,
    )


async def _close_one(
    session: AsyncSession, principal: Principal, req: AidRequest, at: datetime, note: str | None
) -> int:
    remainder = sum(line.quantity - line.allocated for line in req.lines)
    if remainder <= 0:
        return 0
    before = request_service.snapshot(req)
    for line in req.lines:
        line.quantity = line.allocated
    if all(line.allocated == 0 for line in req.lines):
        req.status = RequestStatus.cancelled
        req.cancelled_at = at
    else:
        request_service.refresh_status(req, at)
    req.updated_at = at
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="aid_request.push_close",
        entity="aid_request",
        entity_id=req.id,
        before=before,
        after={**request_service.snapshot(req), "closed_units": remainder},
        at=at,
        note=note,
    )
    return remainder
