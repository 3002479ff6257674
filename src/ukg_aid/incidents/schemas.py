from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ukg_aid.incidents.enums import IncidentKind, IncidentStatus
from ukg_aid.schemas import At, InputModel, OutputModel, VisibleText

NAME_MAX = 200
NOTE_MAX = 2000
MAX_PAIRS = 500


class IncidentCreate(InputModel):
    name: VisibleText = Field(min_length=1, max_length=NAME_MAX)
    kind: IncidentKind = IncidentKind.real
    started_at: datetime | None = Field(
        default=None, description="when the activation began (ISO 8601); default now"
    )
    note: str | None = Field(default=None, max_length=NOTE_MAX)


class IncidentUpdate(InputModel):
    status: IncidentStatus | None = None
    note: str | None = Field(default=None, max_length=NOTE_MAX)
    at: At = None


class IncidentRead(OutputModel):
    id: int
    name: str
    kind: IncidentKind
    status: IncidentStatus
    started_at: datetime
    closed_at: datetime | None
    note: str | None
    created_by: str
    updated_at: datetime


class CounterpartWrite(InputModel):
    supporter_code: str = Field(min_length=2, max_length=8)
    recipient_code: str = Field(min_length=2, max_length=8)


class CounterpartRead(OutputModel):
    supporter_code: str
    recipient_code: str
