"""Stock reads: plain columns, no ORM objects — the stock list is the busiest read (issue 11)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.clock import JST
from ukg_aid.db import wire
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


@cache
def _stock_query(*, member: bool, item: bool, depot: bool) -> Any:
    """The list's query for one combination of filters (eight at most, each built and compiled
    once: :mod:`ukg_aid.db.wire`), the filters' values bound by name."""
    query: Any = select(*_STOCK_COLUMNS, func.count().over().label("total"))
    query = query.join(Depot, Depot.id == Stock.depot_id)
    if member:
        query = query.where(Depot.member_code == bindparam("member_code"))
    if item:
        query = query.where(Stock.item_code == bindparam("item_code"))
    if depot:
        query = query.where(Stock.depot_id == bindparam("depot_id"))
    return query


@cache
def _page_query(*, member: bool, item: bool, depot: bool) -> Any:
    query: Any = _stock_query(member=member, item=item, depot=depot)
    ordered = query.order_by(Stock.depot_id, Stock.item_code)
    return ordered.limit(bindparam("limit")).offset(bindparam("offset"))


def _row_json(row: wire.Row) -> dict[str, Any]:
    """A row as ``StockRead`` answers it, as plain data: its fields in its order, the time in
    Japan time. A page is serialised once, without a model per row (issue 11);
    ``tests/stockpiles/test_stock_reads.py`` holds it to the model."""
    return {
        "depot_id": row["depot_id"],
        "member_code": row["member_code"],
        "item_code": row["item_code"],
        "on_hand": row["on_hand"],
        "reserved": row["reserved"],
        "reserve_floor": row["reserve_floor"],
        "available": max(0, row["on_hand"] - row["reserved"] - row["reserve_floor"]),
        "updated_at": row["updated_at"].astimezone(JST),
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
    filters = {"member_code": member_code or None, "item_code": item_code or None}
    params = {k: v for k, v in (filters | {"depot_id": depot_id}).items() if v is not None}
    shape = {"member": "member_code" in params, "item": "item_code" in params}
    shape["depot"] = "depot_id" in params
    paging = {"limit": limit, "offset": offset}
    page = await wire.rows(session, _page_query(**shape), params | paging)
    if page:
        total = int(page[0]["total"])
    else:
        counted = select(func.count()).select_from(_stock_query(**shape).subquery())
        total = int(await session.scalar(counted, params) or 0)
    return [_row_json(row) for row in page], total
