"""The item catalog: data, editable by admins."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.audit import service as audit
from ukg_aid.catalog.models import Item
from ukg_aid.catalog.schemas import ItemCreate, ItemRead, ItemUpdate
from ukg_aid.db.paging import fetch_page
from ukg_aid.errors import Conflict, NotFound, Unprocessable
from ukg_aid.principal import Principal

NULLABLE = frozenset({"category", "per_person_per_day"})


async def list_items(
    session: AsyncSession, *, category: str | None, limit: int, offset: int
) -> tuple[list[Item], int]:
    """One page of the catalog in code order, optionally of one category."""
    query = select(Item)
    if category:
        query = query.where(Item.category == category)
    return await fetch_page(session, query, Item.code, limit=limit, offset=offset)


async def get_item(session: AsyncSession, code: str) -> Item:
    item = await session.get(Item, code)
    if item is None:
        raise NotFound(f"item '{code}' is not in the catalog", code="unknown-item")
    return item


async def create_item(session: AsyncSession, *, principal: Principal, data: ItemCreate) -> Item:
    if await session.get(Item, data.code) is not None:
        raise Conflict(f"item '{data.code}' already exists", code="duplicate-item")
    item = Item(**data.model_dump())
    session.add(item)
    await session.flush()
    after = ItemRead.model_validate(item).model_dump(mode="json")
    await audit.record(
        session,
        principal=principal,
        action="item.create",
        entity="item",
        entity_id=item.code,
        after=after,
    )
    return item


async def update_item(
    session: AsyncSession, *, principal: Principal, code: str, data: ItemUpdate
) -> Item:
    item = await get_item(session, code)
    before = ItemRead.model_validate(item).model_dump(mode="json")
    for field, value in data.model_dump(exclude_unset=True).items():
        if value is None and field not in NULLABLE:
            raise Unprocessable(
                f"'{field}' cannot be null",
                errors=[{"loc": ["body", field], "msg": "may not be null", "type": "null"}],
            )
        setattr(item, field, value)
    await session.flush()
    after = ItemRead.model_validate(item).model_dump(mode="json")
    await audit.record(
        session,
        principal=principal,
        action="item.update",
        entity="item",
        entity_id=item.code,
        before=before,
        after=after,
    )
    return item
