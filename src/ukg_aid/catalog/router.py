from __future__ import annotations

from typing import Annotated

from fastapi import Query, status

from ukg_aid.catalog import service as catalog_service
from ukg_aid.catalog.schemas import ItemCreate, ItemRead, ItemUpdate
from ukg_aid.deps import Admin, PagingDep, Reader, Session, api_router
from ukg_aid.schemas import Page

router = api_router(prefix="/items", tags=["catalog"])


@router.get(
    "",
    summary="The item catalog, paged like every list",
    description="Items in code order with names (ja/en), unit and unit weight; "
    "filter by ``category``.",
)
async def list_items(
    session: Session,
    _: Reader,
    paging: PagingDep,
    category: Annotated[str | None, Query(max_length=40, description="item category")] = None,
) -> Page[ItemRead]:
    rows, total = await catalog_service.list_items(
        session, category=category, limit=paging.limit, offset=paging.offset
    )
    return paging.page([ItemRead.model_validate(i) for i in rows], total)


@router.get("/{code}", summary="One catalog item")
async def get_item(code: str, session: Session, _: Reader) -> ItemRead:
    return ItemRead.model_validate(await catalog_service.get_item(session, code))


@router.post("", status_code=status.HTTP_201_CREATED, summary="Add an item (admin)")
async def create_item(body: ItemCreate, session: Session, principal: Admin) -> ItemRead:
    item = await catalog_service.create_item(session, principal=principal, data=body)
    return ItemRead.model_validate(item)


@router.patch("/{code}", summary="Edit an item (admin)")
async def update_item(code: str, body: ItemUpdate, session: Session, principal: Admin) -> ItemRead:
    item = await catalog_service.update_item(session, principal=principal, code=code, data=body)
    return ItemRead.model_validate(item)
