from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ukg_aid.schemas import (
    At,
    InputModel,
    JsonBool,
    JsonInt,
    Latitude,
    Longitude,
    OutputModel,
    VisibleText,
)
from ukg_aid.stockpiles.enums import DepotStatus

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
    name: VisibleText = Field(min_length=1, max_length=200)
    name_ja: str | None = Field(default=None, max_length=200)
    kind: str | None = Field(default=None, max_length=40)
    lat: Latitude
    lon: Longitude
    status: DepotStatus = DepotStatus.operational
    note: str | None = Field(default=None, max_length=2000)
    at: At = None


class DepotUpdate(InputModel):
    name: VisibleText | None = Field(default=None, min_length=1, max_length=200)
    name_ja: str | None = Field(default=None, max_length=200)
    status: DepotStatus | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    note: str | None = Field(
        default=None,
        max_length=2000,
        description="the depot's own note; also shown as the change's `note` in its audit event",
    )
    at: At = None


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
    reason: str | None = Field(
        default=None, max_length=500, description="ledger reason (default 'stocktake')"
    )
    at: At = None


class StockAdjustment(InputModel):
    """Add (receipts) or remove (losses, local use) units; never below what plans reserved."""

    delta: JsonInt = Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY)
    reason: str = Field(min_length=1, max_length=500)
    at: At = None


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
    at: datetime = Field(description="when the change happened, as reported (or now)")
    recorded_at: datetime = Field(description="when the server stored it (its own clock)")


class StockImport(InputModel):
    """A stock CSV (as exported, possibly edited) to preview or apply in one transaction."""

    csv: str = Field(
        min_length=1,
        max_length=2_000_000,
        description="the file's text: a header row, then depot_id,item_code,on_hand"
        "[,reserve_floor] (other exported columns are ignored); at most 5,000 rows",
    )
    reason: str = Field(
        min_length=1, max_length=200, description="ledger reason for every changed row"
    )
    dry_run: JsonBool = Field(default=True, description="preview only: change nothing")
    at: At = None


class StockImportChange(OutputModel):
    line: int
    depot_id: int
    depot_name: str
    item_code: str
    item_name_ja: str
    item_name_en: str
    created: bool
    on_hand_before: int
    on_hand_after: int
    reserve_floor_before: int
    reserve_floor_after: int


class StockImportResult(OutputModel):
    dry_run: bool
    applied: bool
    rows: int = Field(description="data rows read from the file")
    changes: list[StockImportChange]
    unchanged: int = Field(description="rows equal to what is stored")
