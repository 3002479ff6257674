from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

from pydantic import AliasChoices, Field, PlainSerializer, WithJsonSchema

from ukg_aid.air_kinds import AircraftStatus, CoverageReason
from ukg_aid.schemas import (
    At,
    BodyId,
    InputModel,
    JsonNumber,
    Latitude,
    Longitude,
    Note,
    OutputModel,
    VisibleText,
)

# A wall-clock time in Japan, written "HH:MM" (an RFC 3339 "time" would need an offset).
LocalTime = Annotated[
    time,
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[0-2][0-9]:[0-5][0-9]$",
            "description": "local time in Japan, HH:MM",
        }
    ),
]


class BaseRead(OutputModel):
    name: str
    name_ja: str | None
    lat: float
    lon: float


class StagingRead(OutputModel):
    id: int
    helicopter_id: int
    incident_id: int | None = Field(description="the incident it was staged for")
    name: str
    lat: float
    lon: float
    start: datetime = Field(
        validation_alias=AliasChoices("start", "from"), serialization_alias="from"
    )
    until: datetime
    note: str | None
    created_by: str
    created_at: datetime
    cancelled_at: datetime | None


class HelicopterRead(OutputModel):
    id: int
    callsign: str
    member_code: str | None = Field(description="operating member; null for a visiting aircraft")
    visiting_from: str | None = Field(description="where a visiting aircraft comes from")
    incident_id: int | None = Field(
        default=None,
        description="the incident whose fleet a visiting aircraft joined; null for the union's",
    )
    left_at: datetime | None = Field(description="when a visiting aircraft left the fleet")
    staging: StagingRead | None = Field(
        default=None, description="the forward base it flies from now, if staged"
    )
    base: BaseRead
    aircraft_type: str
    status: AircraftStatus
    cruise_kmh: float
    range_km: float
    daylight_start: LocalTime
    daylight_fixed_end: LocalTime | None
    mission_id: int | None = Field(description="the active mission holding this aircraft, if any")
    updated_at: datetime


class HelicopterUpdate(InputModel):
    status: AircraftStatus
    at: At = None
    note: Note = None


class StatusChangeRead(OutputModel):
    id: int
    helicopter_id: int
    status: AircraftStatus
    previous: AircraftStatus | None
    at: datetime
    actor: str
    note: str | None
    mission_id: int | None


class CoverageRead(OutputModel):
    member_code: str
    helicopter_id: int | None
    callsign: str | None
    flight_minutes: float | None
    within_30: bool
    reason: CoverageReason | None = Field(
        default=None,
        description="why no aircraft can reach the office: night, weather, all_busy, "
        "none_in_range (no_aircraft: the fleet is empty)",
    )
    reason_detail: str | None = Field(default=None, description="every aircraft's reason, counted")


class CoverageReport(OutputModel):
    at: datetime
    covered_within_minutes: float
    rows: list[CoverageRead]


class BasePoint(InputModel):
    name: VisibleText = Field(min_length=1, max_length=200)
    lat: Latitude
    lon: Longitude


class StagingCreate(InputModel):
    incident_id: BodyId | None = Field(
        default=None, description="the incident it belongs to (default: the only active one)"
    )
    name: VisibleText = Field(
        min_length=1, max_length=200, description="the forward base, e.g. a park"
    )
    lat: Latitude
    lon: Longitude
    start: datetime = Field(alias="from", description="staged from (inclusive)")
    until: datetime = Field(description="staged until (exclusive); after `from`")
    note: Note = None


class VisitingCreate(InputModel):
    """A visiting aircraft from outside the union joining the fleet (EMS)."""

    callsign: VisibleText = Field(min_length=1, max_length=40)
    incident_id: BodyId | None = Field(
        default=None, description="the incident it belongs to (default: the only active one)"
    )
    visiting_from: VisibleText = Field(
        min_length=1, max_length=200, description="e.g. 岡山県ドクターヘリ"
    )
    base: BasePoint = Field(description="where it is based while it helps (its forward base)")
    aircraft_type: VisibleText = Field(min_length=1, max_length=40)
    cruise_kmh: JsonNumber = Field(gt=0, le=400)
    range_km: JsonNumber = Field(gt=0, le=2000)
    daylight_start: LocalTime | None = Field(default=None, description="default 08:30")
    daylight_fixed_end: LocalTime | None = None
    at: At = Field(default=None, description="when it joined; default now")
    note: Note = None


class LeaveBody(InputModel):
    at: At = None
    note: Note = None
