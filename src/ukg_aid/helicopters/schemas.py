from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

from pydantic import Field, PlainSerializer, WithJsonSchema

from ukg_aid.air_kinds import AircraftStatus
from ukg_aid.schemas import At, InputModel, Note, OutputModel

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


class HelicopterRead(OutputModel):
    id: int
    callsign: str
    member_code: str
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


class CoverageReport(OutputModel):
    at: datetime
    covered_within_minutes: float
    rows: list[CoverageRead]
