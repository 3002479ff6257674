from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response, status
from fastapi.responses import JSONResponse

from ukg_aid.aid_requests import push
from ukg_aid.aid_requests import service as request_service
from ukg_aid.aid_requests.enums import Priority, RequestKind, RequestStatus
from ukg_aid.aid_requests.push_schemas import (
    PushClose,
    PushClosed,
    PushCreate,
    PushFiled,
    PushPreview,
)
from ukg_aid.aid_requests.schemas import AidRequestCreate, AidRequestRead
from ukg_aid.deps import (
    ClockDep,
    Coordinator,
    DeskOrAdmin,
    PagingDep,
    Reader,
    Session,
    SettingsDep,
    api_router,
    json_response,
)
from ukg_aid.idempotency.service import IdempotencyDep
from ukg_aid.incidents import service as incident_service
from ukg_aid.schemas import IdParam, Page

router = api_router(prefix="/aid-requests", tags=["aid requests"])


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
) -> Response:
    if (replay := await idem.replay(body)) is not None:
        return replay
    filed = await request_service.file_request(
        session,
        principal=principal,
        data=body,
        buffer_km=settings.union_buffer_km,
        clock=clock,
        guest_radius_km=settings.guest_radius_km,
    )
    await idem.remember(status.HTTP_201_CREATED, filed.body)
    return json_response(filed.body, status.HTTP_201_CREATED)  # built once (issue 11)


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


@router.post(
    "/push/preview",
    summary="Preview push-type requests for a member from its shelters' needs (coordinator)",
    description="What `POST /aid-requests/push` would file, changing nothing: one request per "
    "shelter of the member in the incident with that shelter's needs for `days` days (or one "
    "request of the given `lines`, a drill's estimate, at `delivery` or the member's office).",
)
async def preview_push(
    body: PushCreate, session: Session, _: Coordinator, clock: ClockDep
) -> PushPreview:
    return await push.preview(session, body, clock)


@router.post(
    "/push",
    status_code=status.HTTP_201_CREATED,
    response_model=PushFiled,
    summary="File push-type requests (プッシュ型支援) on a member's behalf (coordinator)",
    description="Files one push request per shelter of the member in the incident (or one of "
    "the given `lines`). Send an `Idempotency-Key` header: one call files many requests "
    "computed from the shelters' needs, so only the key lets a retry replay the first answer "
    "instead of pushing again (the key is optional, as on every creating POST: SPEC §7).",
)
async def file_push(
    body: PushCreate,
    session: Session,
    principal: Coordinator,
    idem: IdempotencyDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> PushFiled | JSONResponse:
    if (replay := await idem.replay(body)) is not None:
        return replay
    out = await push.file_push(
        session, principal=principal, data=body, settings=settings, clock=clock
    )
    await idem.remember(status.HTTP_201_CREATED, out)
    return out


@router.post(
    "/push/close",
    summary="Close a member's open push remainder when its desk starts filing (coordinator)",
    description="Every open push line of the member in the incident keeps only what plans "
    "allocated (allocated units are never released); a push request with nothing allocated is "
    "cancelled. Audited per request (`aid_request.push_close`).",
)
async def close_push(
    body: PushClose, session: Session, principal: Coordinator, clock: ClockDep
) -> PushClosed:
    return await push.close_push(session, principal=principal, data=body, clock=clock)
