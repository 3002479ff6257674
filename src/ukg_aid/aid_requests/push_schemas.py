"""Bodies and answers of push-type support (プッシュ型支援, SPEC §10)."""

from __future__ import annotations

from pydantic import Field

from ukg_aid.aid_requests.enums import Priority
from ukg_aid.aid_requests.schemas import (
    MAX_LINES,
    AidRequestRead,
    DeliveryPoint,
    DeliveryRead,
    RequestLineCreate,
)
from ukg_aid.schemas import At, BodyId, InputModel, JsonInt, Note, OutputModel


class PushCreate(InputModel):
    """What the coordinator files on a member's (or guest's) behalf: by default one push request
    per shelter of the member in the incident, with that shelter's needs for ``days`` days; or,
    with ``lines`` (a drill's estimate), one request delivered to ``delivery`` (default: the
    member's office)."""

    member_code: str = Field(min_length=2, max_length=8)
    incident_id: BodyId | None = None
    days: JsonInt = Field(default=3, ge=1, le=30, description="days of needs to push")
    priority: Priority = Priority.high
    lines: list[RequestLineCreate] | None = Field(default=None, min_length=1, max_length=MAX_LINES)
    delivery: DeliveryPoint | None = None
    note: Note = None
    at: At = None


class PushClose(InputModel):
    member_code: str = Field(min_length=2, max_length=8)
    incident_id: BodyId | None = None
    note: Note = None
    at: At = None


class PushLine(OutputModel):
    item_code: str
    quantity: int


class PushDraft(OutputModel):
    shelter_id: int | None
    delivery: DeliveryRead
    lines: list[PushLine]


class PushPreview(OutputModel):
    member_code: str
    incident_id: int
    days: int
    requests: list[PushDraft]


class PushFiled(OutputModel):
    member_code: str
    incident_id: int
    requests: list[AidRequestRead]


class PushClosed(OutputModel):
    member_code: str
    incident_id: int
    closed_units: int = Field(description="unallocated push units closed")
    request_ids: list[int]
    cancelled_request_ids: list[int] = Field(description="push requests nothing was allocated to")
