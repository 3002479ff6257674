"""Depots, stock rows (depot × item) and the stock ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from ukg_aid.db import Base
from ukg_aid.stockpiles.enums import DepotStatus


class Depot(Base):
    __tablename__ = "depots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True, default=None)
    member_code: Mapped[str] = mapped_column(ForeignKey("members.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_ja: Mapped[str | None] = mapped_column(String(200), default=None)
    kind: Mapped[str | None] = mapped_column(String(40), default=None)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    status: Mapped[DepotStatus] = mapped_column(
        Enum(DepotStatus, native_enum=False, length=16), default=DepotStatus.operational
    )
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


def available_units(on_hand: int, reserved: int, reserve_floor: int) -> int:
    """What mutual aid may take from a stock row: on hand minus promised minus the own-needs
    floor, never below zero (the ORM row and the adjustment's plain row both answer this)."""
    return max(0, on_hand - reserved - reserve_floor)


class Stock(Base):
    """What one depot holds of one item. ``available`` is derived, never stored."""

    __tablename__ = "stock"
    __table_args__ = (
        UniqueConstraint("depot_id", "item_code"),
        CheckConstraint("on_hand >= 0", name="on_hand_nonneg"),
        CheckConstraint("reserved >= 0", name="reserved_nonneg"),
        CheckConstraint("reserve_floor >= 0", name="floor_nonneg"),
        CheckConstraint("reserved <= on_hand", name="reserved_le_on_hand"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    depot_id: Mapped[int] = mapped_column(ForeignKey("depots.id"), index=True)
    item_code: Mapped[str] = mapped_column(ForeignKey("items.code"), index=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    reserve_floor: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]

    @property
    def available(self) -> int:
        return available_units(self.on_hand, self.reserved, self.reserve_floor)


class StockLedger(Base):
    """One entry per change of a stock row: who, when, how much, why. Append-only.

    ``at`` is when the change happened as reported; ``recorded_at`` when the database stored it.
    """

    __tablename__ = "stock_ledger"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy reads a plain dict

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stock_id: Mapped[int] = mapped_column(ForeignKey("stock.id"), index=True)
    depot_id: Mapped[int] = mapped_column(Integer)
    item_code: Mapped[str] = mapped_column(String(40))
    delta_on_hand: Mapped[int] = mapped_column(Integer, default=0)
    delta_reserved: Mapped[int] = mapped_column(Integer, default=0)
    delta_reserve_floor: Mapped[int] = mapped_column(Integer, default=0)
    on_hand_after: Mapped[int] = mapped_column(Integer)
    reserved_after: Mapped[int] = mapped_column(Integer)
    reserve_floor_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(100))
    ref: Mapped[str | None] = mapped_column(String(100), default=None)
    at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(server_default=func.now())
