"""Stock adjustments (receipts, losses, local use), the busiest write (issue 11).

The rules, the timeline and the ledger row are :mod:`ukg_aid.stockpiles.service`'s (the ones
:func:`~ukg_aid.stockpiles.service.apply_change` applies to ORM rows); here the locked row is
plain data and its statements go straight to the driver (:mod:`ukg_aid.db.wire`), each built
once: the owner's member, the row locked ``FOR NO KEY UPDATE`` (``db.locking``), the update, the
ledger row, the audit event with its wake-up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.audit import service as audit
from ukg_aid.catalog import service as catalog_service
from ukg_aid.clock import Clock
from ukg_aid.db import wire
from ukg_aid.db.locking import for_change
from ukg_aid.errors import NotFound
from ukg_aid.principal import Principal
from ukg_aid.stockpiles import service
from ukg_aid.stockpiles.models import Depot, Stock, StockLedger, available_units
from ukg_aid.stockpiles.schemas import StockAdjustment, StockRead


@dataclass(frozen=True, slots=True)
class StockRow:
    """A stock row as plain data, read under its lock."""

    id: int
    depot_id: int
    item_code: str
    on_hand: int
    reserved: int
    reserve_floor: int
    updated_at: datetime

    @property
    def available(self) -> int:
        return available_units(self.on_hand, self.reserved, self.reserve_floor)


_OWNER = select(Depot.member_code).where(Depot.id == bindparam("depot_id"))
_FIELDS = ("id", "depot_id", "item_code", "on_hand", "reserved", "reserve_floor", "updated_at")
_LOCK = for_change(
    select(*(Stock.__table__.c[f] for f in _FIELDS)).where(
        Stock.depot_id == bindparam("depot_id"), Stock.item_code == bindparam("item_code")
    )
)
_COUNTS = ("on_hand", "reserved", "reserve_floor", "updated_at")
_UPDATE = (
    update(Stock)
    .where(Stock.id == bindparam("stock_id"))
    .values({c: bindparam(f"new_{c}", type_=Stock.__table__.c[c].type) for c in _COUNTS})
)
_LEDGER_COLUMNS = [c.name for c in StockLedger.__table__.c if c.name not in ("id", "recorded_at")]
_LEDGER = insert(StockLedger).values(
    {c: bindparam(c, type_=StockLedger.__table__.c[c].type) for c in _LEDGER_COLUMNS}
)


async def apply_row_change(
    session: AsyncSession,
    stock: StockRow,
    change: service.Change,
    *,
    reason: str,
    actor: str,
    at: datetime,
    ref: str | None = None,
) -> StockRow:
    """:func:`ukg_aid.stockpiles.service.apply_change` for a locked plain row: the same rules
    (raise and change nothing), the same forward-only timeline, the same ledger row; returns the
    row as stored."""
    at = service.timeline(stock, at, stock.updated_at)
    before = service.Counts(stock.on_hand, stock.reserved, stock.reserve_floor)
    after = service.Counts(
        before.on_hand + change.on_hand,
        before.reserved + change.reserved,
        before.reserve_floor + change.reserve_floor,
    )
    service.check_counts(stock, before, after)
    stored = replace(
        stock,
        on_hand=after.on_hand,
        reserved=after.reserved,
        reserve_floor=after.reserve_floor,
        updated_at=at,
    )
    await wire.rows(
        session, _UPDATE, {"stock_id": stock.id} | {f"new_{c}": getattr(stored, c) for c in _COUNTS}
    )
    entry = service.ledger_row(stock, change, after, at)
    await wire.rows(session, _LEDGER, entry | {"reason": reason, "actor": actor, "ref": ref})
    return stored


async def adjust_stock(
    session: AsyncSession,
    *,
    principal: Principal,
    depot_id: int,
    item_code: str,
    data: StockAdjustment,
    clock: Clock,
) -> StockRead:
    """Add or remove units relative to what is there (safe under concurrent desks: the row is
    locked before its counts are read)."""
    at = clock.resolve(data.at)
    owner = await wire.first(session, _OWNER, {"depot_id": depot_id})
    if owner is None:
        raise NotFound(f"depot {depot_id} does not exist", code="unknown-depot")
    principal.require_member(owner["member_code"], action="change stock")
    found = await wire.first(session, _LOCK, {"depot_id": depot_id, "item_code": item_code})
    if found is None:
        await catalog_service.get_item(session, item_code)
        raise NotFound(
            f"depot {depot_id} holds no '{item_code}' yet; set it with PUT first",
            code="unknown-stock",
        )
    stock = StockRow(**{f: found[f] for f in _FIELDS})
    change = service.Change(on_hand=data.delta)
    stored = await apply_row_change(
        session, stock, change, reason=data.reason, actor=principal.name, at=at
    )
    await audit.record(
        session,
        principal=principal,
        action="stock.adjust",
        entity="stock",
        entity_id=f"{depot_id}:{item_code}",
        before=service.snapshot(stock),
        after=service.snapshot(stored),
        at=at,
        note=data.reason,
    )
    return service.to_read(stored, owner["member_code"])
