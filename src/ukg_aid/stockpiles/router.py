from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response, status
from fastapi.responses import JSONResponse

from ukg_aid.deps import (
    ClockDep,
    DeskOrAdmin,
    PagingDep,
    Reader,
    Session,
    SettingsDep,
    api_router,
    json_response,
    lean,
)
from ukg_aid.idempotency.service import IdempotencyDep
from ukg_aid.schemas import IdParam, Page
from ukg_aid.stockpiles import adjustment, csv_format, transfer
from ukg_aid.stockpiles import depots as depot_service
from ukg_aid.stockpiles import reads as stock_reads
from ukg_aid.stockpiles import service as stock_service
from ukg_aid.stockpiles.enums import DepotStatus
from ukg_aid.stockpiles.schemas import (
    DepotCreate,
    DepotRead,
    DepotUpdate,
    LedgerRead,
    StockAdjustment,
    StockImport,
    StockImportResult,
    StockRead,
    StockWrite,
)

router = api_router(tags=["depots and stock"])

MemberFilter = Annotated[str | None, Query(alias="member", description="member code")]


@router.get("/depots", summary="Depots, filtered by member and status")
async def list_depots(
    session: Session,
    _: Reader,
    paging: PagingDep,
    member: MemberFilter = None,
    depot_status: Annotated[DepotStatus | None, Query(alias="status")] = None,
) -> Page[DepotRead]:
    rows, total = await depot_service.list_depots(
        session,
        member_code=member,
        status=depot_status,
        limit=paging.limit,
        offset=paging.offset,
    )
    return paging.page([DepotRead.model_validate(d) for d in rows], total)


@router.get("/depots/geojson", summary="Depots as a GeoJSON FeatureCollection")
async def depots_geojson(
    session: Session, _: Reader, member: MemberFilter = None
) -> dict[str, Any]:
    rows, _total = await depot_service.list_depots(
        session, member_code=member, status=None, limit=100_000, offset=0
    )
    features = [
        {
            "type": "Feature",
            "id": d.id,
            "geometry": {"type": "Point", "coordinates": [d.lon, d.lat]},
            "properties": DepotRead.model_validate(d).model_dump(mode="json"),
        }
        for d in rows
    ]
    return {"type": "FeatureCollection", "features": features}


@router.post(
    "/depots",
    status_code=status.HTTP_201_CREATED,
    summary="Add a depot (the member's desk, or admin)",
    response_model=DepotRead,
)
async def create_depot(
    body: DepotCreate,
    session: Session,
    principal: DeskOrAdmin,
    idem: IdempotencyDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> DepotRead | JSONResponse:
    if (replay := await idem.replay(body)) is not None:
        return replay
    depot = await depot_service.create_depot(
        session, principal=principal, data=body, clock=clock, buffer_km=settings.union_buffer_km
    )
    out = DepotRead.model_validate(depot)
    await idem.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("/depots/{depot_id}", summary="One depot", response_model=DepotRead)
@lean
async def get_depot(depot_id: IdParam, session: Session, _: Reader) -> Response:
    return json_response(await depot_service.read_depot(session, depot_id))


@router.patch(
    "/depots/{depot_id}", summary="Change a depot's status or details (the owning desk, or admin)"
)
async def update_depot(
    depot_id: IdParam,
    body: DepotUpdate,
    session: Session,
    principal: DeskOrAdmin,
    clock: ClockDep,
    settings: SettingsDep,
) -> DepotRead:
    depot = await depot_service.update_depot(
        session,
        principal=principal,
        depot_id=depot_id,
        data=body,
        clock=clock,
        buffer_km=settings.union_buffer_km,
    )
    return DepotRead.model_validate(depot)


@router.get(
    "/stock", summary="Stock rows with derived availability", response_model=Page[StockRead]
)
async def list_stock(
    session: Session,
    _: Reader,
    paging: PagingDep,
    member: MemberFilter = None,
    item: Annotated[str | None, Query(description="item code")] = None,
    depot_id: Annotated[IdParam | None, Query()] = None,
) -> Response:
    rows, total = await stock_reads.list_stock(
        session,
        member_code=member,
        item_code=item,
        depot_id=depot_id,
        limit=paging.limit,
        offset=paging.offset,
    )
    return json_response(paging.body(rows, total))


CSV_EXPORT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "UTF-8 CSV with a BOM (Excel on Japanese Windows reads it), CRLF lines",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


@router.get(
    "/stock/export",
    summary="Stock as a CSV file for Excel (any reader)",
    description="Columns: " + ", ".join(csv_format.EXPORT_COLUMNS) + ". Edit on_hand and "
    "reserve_floor and send the file back to POST /stock/import; the other columns are read "
    "for people and ignored on import.",
    response_class=Response,
    responses=CSV_EXPORT,
)
async def export_stock(
    session: Session,
    _: Reader,
    clock: ClockDep,
    member: MemberFilter = None,
    depot_id: Annotated[IdParam | None, Query()] = None,
) -> Response:
    text = await transfer.export_csv(session, member_code=member, depot_id=depot_id)
    scope = f"depot-{depot_id}" if depot_id is not None else member or "union"
    filename = f"stock-{scope}-{clock.now():%Y%m%d-%H%M}.csv"
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post(
    "/stock/import",
    response_model=StockImportResult,
    summary="Preview or apply a stock CSV in one transaction (the owning desk, or admin)",
    description="Any bad row refuses the whole file: 422 with `errors` "
    "[{line, column, msg, type}] listing every bad line, nothing changed (dry runs too). "
    "Otherwise the changes (`dry_run: true` previews them; false applies them through the "
    "same stock service as PUT /depots/{id}/stock/{item}: a ledger entry and an audit event "
    "per changed row). At most 5,000 rows; text must be UTF-8 (a BOM is fine).",
)
async def import_stock(
    body: StockImport,
    session: Session,
    principal: DeskOrAdmin,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> StockImportResult | JSONResponse:
    if (replay := await idem.replay(body)) is not None:
        return replay
    result = await transfer.import_csv(session, principal=principal, data=body, clock=clock)
    await idem.remember(status.HTTP_200_OK, result)
    return result


@router.put(
    "/depots/{depot_id}/stock/{item_code}",
    summary="Stocktake: set on_hand (and reserve floor); 201 when the row is new",
    responses={201: {"model": StockRead}},
)
async def set_stock(
    depot_id: IdParam,
    item_code: str,
    body: StockWrite,
    session: Session,
    principal: DeskOrAdmin,
    response: Response,
    clock: ClockDep,
) -> StockRead:
    row, created = await stock_service.set_stock(
        session,
        principal=principal,
        depot_id=depot_id,
        item_code=item_code,
        data=body,
        clock=clock,
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    return row


@router.post(
    "/depots/{depot_id}/stock/{item_code}/adjustments",
    response_model=StockRead,
    summary="Add or remove units with a reason (receipts, losses, local use)",
)
async def adjust_stock(
    depot_id: IdParam,
    item_code: str,
    body: StockAdjustment,
    session: Session,
    principal: DeskOrAdmin,
    idem: IdempotencyDep,
    clock: ClockDep,
) -> Response:
    if (replay := await idem.replay(body)) is not None:
        return replay
    row = await adjustment.adjust_stock(
        session,
        principal=principal,
        depot_id=depot_id,
        item_code=item_code,
        data=body,
        clock=clock,
    )
    await idem.remember(status.HTTP_200_OK, row)
    return json_response(row)


@router.get("/depots/{depot_id}/ledger", summary="Every change to a depot's stock, newest first")
async def stock_ledger(
    depot_id: IdParam,
    session: Session,
    _: Reader,
    paging: PagingDep,
    item: Annotated[str | None, Query(description="item code")] = None,
) -> Page[LedgerRead]:
    await depot_service.get_depot(session, depot_id)
    rows, total = await stock_service.ledger(
        session, depot_id=depot_id, item_code=item, limit=paging.limit, offset=paging.offset
    )
    return paging.page([LedgerRead.model_validate(r) for r in rows], total)
