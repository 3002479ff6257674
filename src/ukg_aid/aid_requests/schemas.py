from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, field_validator

from ukg_aid.aid_requests.enums import Priority, RequestKind, RequestStatus
from ukg_aid.schemas import (
    At,
    BodyId,
    InputModel,
    JsonInt,
    Latitude,
    Longitude,
    Note,
    OutputModel,
    VisibleText,
)

MAX_LINE_QUANTITY = 100_000_000
MAX_LINES = 100

Quantity = Annotated[JsonInt, Field(gt=0, le=MAX_LINE_QUANTITY)]


class DeliveryPoint(InputModel):
    name: VisibleText = Field(min_length=1, max_length=200)
    lat: Latitude
    lon: Longitude


class RequestLineCreate(InputModel):
    item_code: str = Field(min_length=1, max_length=40)
    quantity: Quantity


class AidRequestCreate(InputModel):
    member_code: str = Field(min_length=2, max_length=8)
    incident_id: BodyId | None = Field(
        default=None, description="the incident it belongs to (default: the only active one)"
    )
    delivery: DeliveryPoint
    priority: Priority = Priority.normal
    needed_by: datetime | None = Field(
        default=None, description="deadline; not before the request's own filing time (`at`)"
    )
    lines: list[RequestLineCreate] = Field(min_length=1, max_length=MAX_LINES)
    note: str | None = Field(default=None, max_length=2000)
    at: At = None

    @field_validator("lines")
    @classmethod
    def _one_line_per_item(cls, lines: list[RequestLineCreate]) -> list[RequestLineCreate]:
        seen: set[str] = set()
        for line in lines:
            if line.item_code in seen:
                raise ValueError(f"item '{line.item_code}' appears twice; use one line per item")
            seen.add(line.item_code)
        return lines


class AidRequestCancel(InputModel):
    reason: str | None = Field(default=None, max_length=500)
    note: Note = None
    at: At = None


class DeliveryRead(OutputModel):
    name: str
    lat: float
    lon: float


class RequestLineRead(OutputModel):
    id: int
    item_code: str
    quantity: int
    allocated: int
    dispatched: int
    delivered: int
    lost: int = 0
    """Units shipped but not received (short, damaged, lost); they are unallocated again."""


class AidRequestRead(OutputModel):
    id: int
    member_code: str
    incident_id: int | None
    kind: RequestKind
    delivery: DeliveryRead
    priority: Priority
    needed_by: datetime | None
    status: RequestStatus
    note: str | None
    filed_by: str
    filed_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    lines: list[RequestLineRead]
