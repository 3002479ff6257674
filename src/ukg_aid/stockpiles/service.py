"""Stock use cases. Every change goes through :func:`apply_change`, which enforces the stock rules
(0 ≤ reserved ≤ on_hand, floor ≥ 0, a floor never covers promised units, the row's timeline moves
forward) and writes the ledger; callers hold the row's lock for the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.audit import service as audit
from ukg_aid.catalog import service as catalog_service
from ukg_aid.clock import Clock, require_forward
from ukg_aid.db.locking import lock_keys
from ukg_aid.db.paging import fetch_page
from ukg_aid.errors import Conflict
from ukg_aid.principal import Principal
from ukg_aid.stockpiles import depots as depot_service
from ukg_aid.stockpiles.models import Depot, Stock, StockLedger
from ukg_aid.stockpiles.schemas import StockRead, StockWrite


def to_read(stock: Readable, member_code: str) -> StockRead:
    return StockRead(
        depot_id=stock.depot_id,
        member_code=member_code,
        item_code=stock.item_code,
        on_hand=stock.on_hand,
        reserved=stock.reserved,
        reserve_floor=stock.reserve_floor,
        available=stock.available,
        updated_at=stock.updated_at,
    )


class Quantities(Protocol):
    """A stock row's quantities: an ORM ``Stock`` or the adjustment's plain row."""

    @property
    def on_hand(self) -> int: ...
    @property
    def reserved(self) -> int: ...
    @property
    def reserve_floor(self) -> int: ...
    @property
    def available(self) -> int: ...


class Readable(Quantities, Protocol):
    """What a stock answer shows of a row: an ORM ``Stock`` or the adjustment's plain row."""

    @property
    def depot_id(self) -> int: ...
    @property
    def item_code(self) -> str: ...
    @property
    def updated_at(self) -> datetime: ...


def snapshot(stock: Quantities) -> dict[str, Any]:
    """The quantities an audit event's before/after holds."""
    return {
        "on_hand": stock.on_hand,
        "reserved": stock.reserved,
        "reserve_floor": stock.reserve_floor,
        "available": stock.available,
    }


class StockKey(Protocol):
    """What the rules name a row by: an ORM ``Stock``, or a plain row (``adjustment.StockRow``)."""

    @property
    def id(self) -> int: ...
    @property
    def depot_id(self) -> int: ...
    @property
    def item_code(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Change:
    """A change to one stock row, in units."""

    on_hand: int = 0
    reserved: int = 0
    reserve_floor: int = 0


async def lock_stock(session: AsyncSession, depot_id: int, item_code: str) -> Stock | None:
    """The stock row, locked until the transaction ends (``db.locking``) and refreshed."""
    rows = await lock_keys(
        session, Stock, (Stock.depot_id, Stock.item_code), [(depot_id, item_code)]
    )
    return rows[0] if rows else None


@dataclass(frozen=True, slots=True)
class Counts:
    """The three stored counts of a stock row."""

    on_hand: int
    reserved: int
    reserve_floor: int


@dataclass(frozen=True, slots=True)
class Violation:
    """Why counts may not be stored: a 409 ``code`` and the reason in words."""

    code: str
    message: str
    max_reserve_floor: int | None = None


def invariant_violation(before: Counts, after: Counts) -> Violation | None:
    """The stock rules, in one place (SPEC §2), or None when ``after`` may be stored.

    * 0 ≤ reserved ≤ on_hand and floor ≥ 0, always.
    * A change that raises the floor or the reservation, while approved plans hold units, must
      leave reserved + floor ≤ on_hand: a floor may not cover units already promised (they would
      ship out of the member's own reserve), and a promise may not come out of the floor. With
      nothing reserved a floor may exceed on_hand (the member holds less than it wants to keep).
    * Own use (on_hand going down with floor and reservation unchanged) may eat into the floor:
      the floor is the member's own-needs reserve, and using it for its residents is its purpose.
    """
    on_hand, reserved, floor = after.on_hand, after.reserved, after.reserve_floor
    if on_hand < 0 or reserved < 0 or floor < 0:
        return Violation("stock-invariant", "the change would make stock negative")
    if reserved > on_hand:
        return Violation(
            "stock-invariant",
            f"on_hand {on_hand} would be below what approved plans reserved ({reserved})",
        )
    raises = floor > before.reserve_floor or reserved > before.reserved
    if raises and reserved > 0 and reserved + floor > on_hand:
        largest = max(0, on_hand - reserved)
        return Violation(
            "reserve-floor",
            f"a reserve floor of {floor} would cover units approved plans promised "
            f"({reserved} of on_hand {on_hand} are reserved): the floor can be at most {largest} "
            "until those units ship or their plan is cancelled",
            max_reserve_floor=largest,
        )
    return None


def _check(stock: Stock, on_hand: int, reserved: int, floor: int) -> None:
    """Raise the 409 of :func:`invariant_violation`, naming the row and its stored counts."""
    before = Counts(stock.on_hand, stock.reserved, stock.reserve_floor)
    check_counts(stock, before, Counts(on_hand, reserved, floor))


def check_counts(stock: StockKey, before: Counts, after: Counts) -> None:
    violation = invariant_violation(before, after)
    if violation is None:
        return
    extra: dict[str, Any] = {
        "on_hand": before.on_hand,
        "reserved": before.reserved,
        "reserve_floor": before.reserve_floor,
    }
    if violation.max_reserve_floor is not None:
        extra["max_reserve_floor"] = violation.max_reserve_floor
    raise Conflict(
        f"depot {stock.depot_id} / {stock.item_code}: {violation.message}",
        code=violation.code,
        **extra,
    )


def timeline(stock: StockKey, at: datetime, previous: datetime) -> datetime:
    return require_forward(
        at,
        previous,
        subject=f"stock change of depot {stock.depot_id} / {stock.item_code}",
        previous_what="the row's last change",
    )


async def apply_change(
    session: AsyncSession,
    stock: Stock,
    change: Change,
    *,
    reason: str,
    actor: str,
    at: datetime,
    ref: str | None = None,
) -> StockLedger:
    """Apply ``change`` to a locked row at ``at``, or raise and change nothing.

    Every stock change goes through here (or :func:`ukg_aid.stockpiles.batch.apply_changes`, the
    same for many rows at once): the rules of :func:`_check`, and the row's timeline only moves
    forward (``at`` not before its last change, 422).
    """
    at = timeline(stock, at, stock.updated_at)
    on_hand = stock.on_hand + change.on_hand
    reserved = stock.reserved + change.reserved
    floor = stock.reserve_floor + change.reserve_floor
    _check(stock, on_hand, reserved, floor)
    stock.on_hand, stock.reserved, stock.reserve_floor = on_hand, reserved, floor
    stock.updated_at = at
    entry = StockLedger(**ledger_row(stock, change, Counts(on_hand, reserved, floor), at))
    entry.reason, entry.actor, entry.ref = reason, actor, ref
    session.add(entry)
    await session.flush()
    return entry


def ledger_row(stock: StockKey, change: Change, after: Counts, at: datetime) -> dict[str, Any]:
    return {
        "stock_id": stock.id,
        "depot_id": stock.depot_id,
        "item_code": stock.item_code,
        "delta_on_hand": change.on_hand,
        "delta_reserved": change.reserved,
        "delta_reserve_floor": change.reserve_floor,
        "on_hand_after": after.on_hand,
        "reserved_after": after.reserved,
        "reserve_floor_after": after.reserve_floor,
        "at": at,
    }


async def _owned_depot(session: AsyncSession, principal: Principal, depot_id: int) -> Depot:
    depot = await depot_service.get_depot(session, depot_id)
    principal.require_member(depot.member_code, action="change stock")
    return depot


async def set_stock(
    session: AsyncSession,
    *,
    principal: Principal,
    depot_id: int,
    item_code: str,
    data: StockWrite,
    clock: Clock,
) -> tuple[StockRead, bool]:
    """Stocktake: set on_hand (and optionally the reserve floor). Returns (row, created)."""
    at = clock.resolve(data.at)
    depot = await _owned_depot(session, principal, depot_id)
    await catalog_service.get_item(session, item_code)
    stock = await lock_stock(session, depot_id, item_code)
    created = stock is None
    if stock is None:
        stock = Stock(
            depot_id=depot_id,
            item_code=item_code,
            on_hand=0,
            reserved=0,
            reserve_floor=0,
            updated_at=at,
        )
        session.add(stock)
        await session.flush()
    before = None if created else snapshot(stock)
    floor = stock.reserve_floor if data.reserve_floor is None else data.reserve_floor
    change = Change(on_hand=data.on_hand - stock.on_hand, reserve_floor=floor - stock.reserve_floor)
    reason = data.reason or "stocktake"
    await apply_change(session, stock, change, reason=reason, actor=principal.name, at=at)
    await audit.record(
        session,
        principal=principal,
        action="stock.create" if created else "stock.set",
        entity="stock",
        entity_id=f"{depot_id}:{item_code}",
        before=before,
        after=snapshot(stock),
        at=at,
        note=reason,
    )
    return to_read(stock, depot.member_code), created


async def ledger(
    session: AsyncSession, *, depot_id: int, item_code: str | None, limit: int, offset: int
) -> tuple[list[StockLedger], int]:
    query = select(StockLedger).where(StockLedger.depot_id == depot_id)
    if item_code:
        query = query.where(StockLedger.item_code == item_code)
    return await fetch_page(session, query, StockLedger.id.desc(), limit=limit, offset=offset)
