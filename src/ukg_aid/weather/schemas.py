from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field

from ukg_aid.schemas import BodyId, InputModel, JsonNumber, Note, OutputModel, VisibleText

Position = Annotated[list[JsonNumber], Field(min_length=2, max_length=2)]
Ring = Annotated[list[Position], Field(min_length=4, max_length=2000)]


class GeoJsonPolygon(InputModel):
    """A GeoJSON Polygon: closed rings of [lon, lat], the exterior first, then holes."""

    type: Literal["Polygon"]
    coordinates: Annotated[list[Ring], Field(min_length=1, max_length=50)]


class WeatherHoldCreate(InputModel):
    incident_id: BodyId | None = Field(
        default=None, description="the incident it belongs to (default: the only active one)"
    )
    area: GeoJsonPolygon | None = Field(
        default=None, description="the held area (give this or base_helicopter_id)"
    )
    base_helicopter_id: BodyId | None = Field(
        default=None,
        description="the aircraft whose operating base is held (its forward base while staged)",
    )
    start: datetime = Field(alias="from", description="hold starts (inclusive)")
    until: datetime = Field(description="hold ends (exclusive); after `from`")
    reason: VisibleText = Field(
        min_length=1, max_length=300, description="e.g. fog, snow, low cloud"
    )
    note: Note = None


class WeatherHoldRead(OutputModel):
    id: int
    incident_id: int | None
    area: dict[str, Any] | None
    base_helicopter_id: int | None
    start: datetime = Field(
        validation_alias=AliasChoices("start", "from"), serialization_alias="from"
    )
    until: datetime
    reason: str
    note: str | None
    created_by: str
    created_at: datetime
    lifted_at: datetime | None
    lifted_by: str | None
