"""Stock reads: plain columns, no ORM objects — the stock list is the busiest read (issue 11)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.clock import JST
from ukg_aid.stockpiles.models import Depot, Stock

_STOCK_COLUMNS = (
    Stock.depot_id,
    Depot.member_code,
    Stock.item_code,
    Stock.on_hand,
    Stock.reserved,
    Stock.reserve_floor,
    Stock.updated_at,
)


def _stock_query(*, member_code: str | None, item_code: str | None, depot_id: int | None) -> Any:
    """Plain columns, no ORM objects: the list is the busiest read (issue 11)."""
    query = select(*_STOCK_COLUMNS, func.count().over().label("total"))
    query = query.join(Depot, Depot.id == Stock.depot_id)
    if member_code:
        query = query.where(Depot.member_code == member_code)
    if item_code:
        query = query.where(Stock.item_code == item_code)
    if depot_id is not None:
        query = query.where(Stock.depot_id == depot_id)
    return query


def _row_json(row: Any) -> dict[str, Any]:
    """A row as ``StockRead`` answers it, as plain data: its fields in its order, the time in
    Japan time. A page is serialised once, without a model per row (issue 11);
    ``tests/stockpiles/test_stock_reads.py`` holds it to the model."""
    return {
        "depot_id": row.depot_id,
        "member_code": row.member_code,
        "item_code": row.item_code,
        "on_hand": row.on_hand,
        "reserved": row.reserved,
        "reserve_floor": row.reserve_floor,
        "available": max(0, row.on_hand - row.reserved - row.reserve_floor),
        "updated_at": row.updated_at.astimezone(JST),
    }


async def list_stock(
    session: AsyncSession,
    *,
    member_code: str | None,
    item_code: str | None,
    depot_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page (rows as ``StockRead`` would answer them, plain data) and the total in one
    statement (a window count); only a page past the end asks for the total separately."""
    query = _stock_query(member_code=member_code, item_code=item_code, depot_id=depot_id)
    page = (
        await session.execute(
            query.order_by(Stock.depot_id, Stock.item_code).limit(limit).offset(offset)
        )
    ).all()
    if page:
        total = int(page[0].total)
    else:
        total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    return [_row_json(row) for row in page], total
