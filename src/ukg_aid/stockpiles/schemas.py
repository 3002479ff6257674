from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ukg_aid.schemas import InputModel, JsonInt, Latitude, Longitude, OutputModel
from ukg_aid.stockpiles.models import DepotStatus

MAX_QUANTITY = 1_000_000_000


class DepotRead(OutputModel):
    id: int
    key: str | None
    member_code: str
    name: str
    name_ja: str | None
    kind: str | None
    lat: float
    lon: float
    status: DepotStatus
    note: str | None
    updated_at: datetime


class DepotCreate(InputModel):
    member_code: str = Field(min_length=2, max_length=8)
    name: str = Field(min_length=1, max_length=200)
    name_ja: str | None = Field(default=None, max_length=200)
    kind: str | None = Field(default=None, max_length=40)
    lat: Latitude
    lon: Longitude
    status: DepotStatus = DepotStatus.operational
    note: str | None = Field(default=None, max_length=2000)
    at: datetime | None = None


class DepotUpdate(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    name_ja: str | None = Field(default=None, max_length=200)
    status: DepotStatus | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    note: str | None = Field(default=None, max_length=2000)
    at: datetime | None = None


class StockRead(OutputModel):
    depot_id: int
    member_code: str
    item_code: str
    on_hand: int
    reserved: int
    reserve_floor: int
    available: int
    updated_at: datetime


class StockWrite(InputModel):
    """Set a stock row's count (a stocktake). The change is recorded in the ledger."""

    on_hand: JsonInt = Field(ge=0, le=MAX_QUANTITY)
    reserve_floor: JsonInt | None = Field(default=None, ge=0, le=MAX_QUANTITY)
    reason: str | None = Field(default=None, max_length=500)
    at: datetime | None = None


class StockAdjustment(InputModel):
    """Add (receipts) or remove (losses, local use) units; never below what plans reserved."""

    delta: JsonInt = Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY)
    reason: str = Field(min_length=1, max_length=500)
    at: datetime | None = None


class LedgerRead(OutputModel):
    id: int
    depot_id: int
    item_code: str
    delta_on_hand: int
    delta_reserved: int
    delta_reserve_floor: int
    on_hand_after: int
    reserved_after: int
    reserve_floor_after: int
    reason: str
    actor: str
    ref: str | None
    at: datetime
