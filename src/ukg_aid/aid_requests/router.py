from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from ukg_aid.aid_requests import service as request_service
from ukg_aid.aid_requests.enums import Priority, RequestKind, RequestStatus
from ukg_aid.aid_requests.schemas import AidRequestCreate, AidRequestRead
from ukg_aid.deps import (
    ClockDep,
    DeskOrAdmin,
    PagingDep,
    Reader,
    Session,
    SettingsDep,
)
from ukg_aid.idempotency.service import IdempotencyDep
from ukg_aid.incidents import service as incident_service
from ukg_aid.schemas import IdParam, Page

router = APIRouter(prefix="/aid-requests", tags=["aid requests"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AidRequestRead,
    summary="File an aid request for your own member",
)
async def file_request(
    body: AidRequestCreate,
    session: Session,
    principal: DeskOrAdmin,
    idem: IdempotencyDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> AidRequestRead | JSONResponse:
    if (replay := await idem.replay(body)) is not None:
        return replay
    req = await request_service.file_request(
        session,
        principal=principal,
        data=body,
        buffer_km=settings.union_buffer_km,
        clock=clock,
        guest_radius_km=settings.guest_radius_km,
    )
    out = request_service.to_read(req)
    await idem.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("", summary="Aid requests, filtered by member, status and priority")
async def list_requests(
    session: Session,
    _: Reader,
    paging: PagingDep,
    member: Annotated[str | None, Query(description="member code")] = None,
    request_status: Annotated[RequestStatus | None, Query(alias="status")] = None,
    priority: Annotated[Priority | None, Query()] = None,
    incident: Annotated[IdParam | None, Query(description="incident id")] = None,
    kind: Annotated[RequestKind | None, Query(description="pull or push")] = None,
) -> Page[AidRequestRead]:
    rows, total = await request_service.list_requests(
        session,
        member_code=member,
        status=request_status,
        priority=priority,
        limit=paging.limit,
        offset=paging.offset,
        incident_id=await incident_service.existing(session, incident),
        kind=kind,
    )
    return paging.page([request_service.to_read(r) for r in rows], total)


@router.get("/geojson", summary="Aid requests' delivery points as GeoJSON")
async def requests_geojson(
    session: Session,
    _: Reader,
    member: Annotated[str | None, Query(description="member code")] = None,
    request_status: Annotated[RequestStatus | None, Query(alias="status")] = None,
    incident: Annotated[IdParam | None, Query(description="incident id")] = None,
) -> dict[str, Any]:
    rows, _total = await request_service.list_requests(
        session,
        member_code=member,
        status=request_status,
        priority=None,
        limit=100_000,
        offset=0,
        incident_id=await incident_service.existing(session, incident),
    )
    features = [
        {
            "type": "Feature",
            "id": r.id,
            "geometry": {"type": "Point", "coordinates": [r.delivery_lon, r.delivery_lat]},
            "properties": request_service.to_read(r).model_dump(mode="json"),
        }
        for r in rows
    ]
    return {"type": "FeatureCollection", "features": features}


@router.get("/{request_id}", summary="One aid request with its lines")
async def get_request(request_id: IdParam, session: Session, _: Reader) -> AidRequestRead:
    return request_service.to_read(await request_service.get_request(session, request_id))
