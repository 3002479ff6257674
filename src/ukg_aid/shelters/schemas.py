from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, field_validator

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

Count = Annotated[JsonInt, Field(ge=0, le=10_000_000)]


class ShelterCreate(InputModel):
    member_code: str = Field(min_length=2, max_length=8)
    incident_id: BodyId | None = Field(
        default=None, description="the incident it belongs to (default: the only active one)"
    )
    name: VisibleText = Field(min_length=1, max_length=200)
    lat: Latitude
    lon: Longitude
    evacuees: Count
    infants: Count | None = Field(default=None, description="children under 1 (乳児), if known")
    elderly: Count | None = Field(default=None, description="people aged 65 or over, if known")
    note: Note = None
    at: At = None


class ShelterUpdate(InputModel):
    name: VisibleText | None = Field(default=None, min_length=1, max_length=200)
    lat: Latitude | None = None
    lon: Longitude | None = None
    evacuees: Count | None = None
    infants: Count | None = None
    elderly: Count | None = None
    note: Note = None
    at: At = None

    @field_validator("name", "lat", "lon", "evacuees")
    @classmethod
    def _not_null(cls, value: object) -> object:
        """Leave a field out to keep it; only the optional counts may be cleared with null."""
        if value is None:
            raise ValueError("leave this field out to keep it; it cannot be null")
        return value


class ShelterRead(OutputModel):
    id: int
    incident_id: int
    member_code: str
    name: str
    lat: float
    lon: float
    evacuees: int
    infants: int | None
    elderly: int | None
    created_at: datetime
    updated_at: datetime
    updated_by: str


class ShelterChangeRead(OutputModel):
    at: datetime
    actor: str
    name: str
    lat: float
    lon: float
    evacuees: int
    infants: int | None
    elderly: int | None
    note: str | None


class NeedRead(OutputModel):
    item_code: str
    quantity: int
