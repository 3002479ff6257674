"""Stock CSV export and import (CONTRACTS §3).

Import is all or nothing: the file is parsed, every row is checked against the database (its
depot, the caller's member, the item, duplicates, what approved plans reserved, the stock rule),
and any bad row refuses the whole file with every bad row listed by line (422). A good file is
previewed (``dry_run``) or applied in the request's one transaction through
:func:`stock_service.set_stock`, the same use case as ``PUT /depots/{id}/stock/{item}``: a
ledger entry and an audit event per changed row, then one ``stock.import`` event for the file.
Rows are locked (``FOR UPDATE``, in (depot_id, item_code) order like plan approval) before they
are checked, so what was checked is what is applied.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.audit import service as audit
from ukg_aid.catalog.models import Item
from ukg_aid.clock import Clock
from ukg_aid.db.locking import for_change
from ukg_aid.errors import Forbidden, Unprocessable
from ukg_aid.members import service as member_service
from ukg_aid.principal import Principal, Role
from ukg_aid.stockpiles import csv_format
from ukg_aid.stockpiles import depots as depot_service
from ukg_aid.stockpiles import service as stock_service
from ukg_aid.stockpiles.csv_format import CsvError, CsvRow
from ukg_aid.stockpiles.models import Depot, Stock
from ukg_aid.stockpiles.schemas import (
    StockImport,
    StockImportChange,
    StockImportResult,
    StockWrite,
)

Key = tuple[int, str]


async def export_csv(
    session: AsyncSession, *, member_code: str | None, depot_id: int | None
) -> str:
    """Every stock row of the member (or depot, or the union) as the CSV desks edit."""
    if member_code:
        await member_service.get_member(session, member_code)
    if depot_id is not None:
        await depot_service.get_depot(session, depot_id)
    query = (
        select(Stock, Depot.name, Item)
        .join(Depot, Depot.id == Stock.depot_id)
        .join(Item, Item.code == Stock.item_code)
        .order_by(Stock.depot_id, Stock.item_code)
    )
    if member_code:
        query = query.where(Depot.member_code == member_code)
    if depot_id is not None:
        query = query.where(Stock.depot_id == depot_id)
    result = await session.execute(query)
    return csv_format.render(
        (
            s.depot_id,
            depot_name,
            s.item_code,
            item.name_ja,
            item.name_en,
            item.unit,
            s.on_hand,
            s.reserve_floor,
            s.reserved,
            s.available,
        )
        for s, depot_name, item in result
    )


@dataclass(frozen=True, slots=True)
class _Known:
    depots: dict[int, Depot]
    items: dict[str, Item]
    stock: dict[Key, Stock]


async def _load(session: AsyncSession, rows: list[CsvRow], *, lock: bool) -> _Known:
    depot_ids = sorted({r.depot_id for r in rows})
    codes = sorted({r.item_code for r in rows})
    depots = await session.scalars(select(Depot).where(Depot.id.in_(depot_ids)))
    items = await session.scalars(select(Item).where(Item.code.in_(codes)))
    keys = sorted({(r.depot_id, r.item_code) for r in rows})
    query = (
        select(Stock)
        .where(tuple_(Stock.depot_id, Stock.item_code).in_(keys))
        .order_by(Stock.depot_id, Stock.item_code)
        .execution_options(populate_existing=True)
    )
    stock = await session.scalars(for_change(query) if lock else query)
    return _Known(
        depots={d.id: d for d in depots},
        items={i.code: i for i in items},
        stock={(s.depot_id, s.item_code): s for s in stock},
    )


def _check(row: CsvRow, known: _Known, principal: Principal) -> CsvError | None:
    """What is wrong with one parsed row against the database, or None."""
    depot = known.depots.get(row.depot_id)
    if depot is None:
        return CsvError(
            row.line, "depot_id", f"depot {row.depot_id} does not exist", "unknown_depot"
        )
    if principal.role is Role.desk and depot.member_code != principal.member_code:
        msg = (
            f"depot {row.depot_id} ({depot.name}) belongs to member {depot.member_code}; "
            f"this desk may change only member {principal.member_code}'s stock"
        )
        return CsvError(row.line, "depot_id", msg, "wrong_member")
    if row.item_code not in known.items:
        msg = f"item '{csv_format.short(row.item_code)}' is not in the catalog"
        return CsvError(row.line, "item_code", msg, "unknown_item")
    stock = known.stock.get((row.depot_id, row.item_code))
    reserved = stock.reserved if stock else 0
    floor = _floor_after(row, stock)
    if row.on_hand < reserved:
        msg = (
            f"on_hand {row.on_hand} is below the {reserved} units approved plans have "
            "reserved here (they are promised to a stricken member; ship or cancel them first)"
        )
        return CsvError(row.line, "on_hand", msg, "below_reserved")
    before = stock_service.Counts(row.on_hand, reserved, floor)
    if stock is not None:
        before = stock_service.Counts(stock.on_hand, stock.reserved, stock.reserve_floor)
    after = stock_service.Counts(row.on_hand, reserved, floor)
    if (why := stock_service.invariant_violation(before, after)) is not None:
        return CsvError(row.line, "reserve_floor", why.message, "stock_rule")
    return None


def _floor_after(row: CsvRow, stock: Stock | None) -> int:
    if row.reserve_floor is not None:
        return row.reserve_floor
    return stock.reserve_floor if stock else 0


def _errors(rows: list[CsvRow], known: _Known, principal: Principal) -> list[CsvError]:
    errors: list[CsvError] = []
    first: dict[Key, int] = {}
    for row in rows:
        key = (row.depot_id, row.item_code)
        if key in first:
            item = csv_format.short(row.item_code)
            msg = f"depot {row.depot_id} × '{item}' is already on line {first[key]}"
            errors.append(CsvError(row.line, "item_code", msg, "duplicate"))
            continue
        first[key] = row.line
        if (error := _check(row, known, principal)) is not None:
            errors.append(error)
    return errors


def _changes(rows: Iterable[CsvRow], known: _Known) -> list[StockImportChange]:
    changes = []
    for row in rows:
        stock = known.stock.get((row.depot_id, row.item_code))
        before = (stock.on_hand, stock.reserve_floor) if stock else (0, 0)
        after = (row.on_hand, _floor_after(row, stock))
        if stock is not None and before == after:
            continue
        item = known.items[row.item_code]
        changes.append(
            StockImportChange(
                line=row.line,
                depot_id=row.depot_id,
                depot_name=known.depots[row.depot_id].name,
                item_code=row.item_code,
                item_name_ja=item.name_ja,
                item_name_en=item.name_en,
                created=stock is None,
                on_hand_before=before[0],
                on_hand_after=after[0],
                reserve_floor_before=before[1],
                reserve_floor_after=after[1],
            )
        )
    return changes


def _refuse(errors: list[CsvError]) -> Unprocessable | Forbidden:
    """Every bad line in one answer. A desk naming another member's depot is refused with 403
    (SPEC §7: outside one's member), still listing every line; otherwise 422."""
    lines = sorted({e.line for e in errors})
    shown = ", ".join(str(n) for n in lines[:10]) + (" …" if len(lines) > 10 else "")
    detail = (
        f"the file was not imported: {len(lines)} line(s) have problems (line {shown}); "
        "nothing was changed"
    )
    listed = [e.to_dict() for e in sorted(errors, key=lambda e: e.line)]
    if any(e.type == "wrong_member" for e in errors):
        return Forbidden(detail, code="wrong-member", errors=listed)
    return Unprocessable(detail, code="csv-invalid", errors=listed)


async def import_csv(
    session: AsyncSession, *, principal: Principal, data: StockImport, clock: Clock
) -> StockImportResult:
    """Preview or apply a stock CSV; any bad row refuses the whole file (422, every line)."""
    at = clock.resolve(data.at)
    rows, errors = csv_format.parse(data.csv)
    known = await _load(session, rows, lock=not data.dry_run) if rows else _Known({}, {}, {})
    errors += _errors(rows, known, principal)
    if errors:
        raise _refuse(errors)
    changes = _changes(rows, known)
    result = StockImportResult(
        dry_run=data.dry_run,
        applied=not data.dry_run,
        rows=len(rows),
        changes=changes,
        unchanged=len(rows) - len(changes),
    )
    if not data.dry_run:
        await _apply(session, principal, data, result, at=at, clock=clock)
    return result


async def _apply(
    session: AsyncSession,
    principal: Principal,
    data: StockImport,
    result: StockImportResult,
    *,
    at: datetime,
    clock: Clock,
) -> None:
    for change in result.changes:
        await stock_service.set_stock(
            session,
            principal=principal,
            depot_id=change.depot_id,
            item_code=change.item_code,
            data=StockWrite(
                on_hand=change.on_hand_after,
                reserve_floor=change.reserve_floor_after,
                reason=f"{data.reason} (CSV import, line {change.line})",
                at=at,
            ),
            clock=clock,
        )
    digest = hashlib.sha256(data.csv.encode()).hexdigest()[:16]
    await audit.record(
        session,
        principal=principal,
        action="stock.import",
        entity="stock",
        entity_id=f"import:{digest}",
        after={
            "reason": data.reason,
            "rows": result.rows,
            "changed": len(result.changes),
            "unchanged": result.unchanged,
            "depot_ids": sorted({c.depot_id for c in result.changes}),
        },
        at=at,
    )
