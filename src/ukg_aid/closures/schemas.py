from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ukg_aid.closures.enums import ClosureKind
from ukg_aid.schemas import InputModel, JsonNumber, Note, OutputModel

RING_MAX_POSITIONS = 2000
"""Positions per ring: a closed town or valley drawn by hand needs tens; the same bound as a
weather hold's rings, so no request makes every later plan test a megabyte polygon."""
Ring = Annotated[list[tuple[JsonNumber, JsonNumber]], Field(max_length=RING_MAX_POSITIONS)]


class PolygonIn(InputModel):
    """A GeoJSON Polygon: rings of [lon, lat], exterior first, each closed."""

    type: Literal["Polygon"]
    coordinates: list[Ring] = Field(min_length=1, max_length=20)


class ClosureCreate(InputModel):
    kind: ClosureKind
    crossing: Literal["akashi-kaikyo", "onaruto"] | None = None
    area: PolygonIn | None = None
    note: Note = None

    @model_validator(mode="after")
    def _one_target(self) -> ClosureCreate:
        if self.kind is ClosureKind.crossing and (self.crossing is None or self.area is not None):
            raise ValueError("a crossing closure names 'crossing' (and no 'area')")
        if self.kind is ClosureKind.area and (self.area is None or self.crossing is not None):
            raise ValueError("an area closure gives 'area' (and no 'crossing')")
        return self


class ClosureRead(OutputModel):
    id: int
    incident_id: int
    kind: ClosureKind
    crossing: str | None
    area: dict[str, Any] | None
    note: str | None
    created_by: str
    created_at: datetime
    reopened_at: datetime | None
    active: bool
    geometry: dict[str, Any] = Field(
        description="GeoJSON: the bridge as a LineString between its ends, or the area"
    )
