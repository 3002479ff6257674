from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ukg_aid.air_kinds import Preference, Severity
from ukg_aid.medevac.enums import MissionStatus
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


class ScenePoint(InputModel):
    lat: Latitude
    lon: Longitude
    name: VisibleText | None = Field(default=None, min_length=1, max_length=200)


class HospitalPoint(InputModel):
    name: VisibleText = Field(min_length=1, max_length=200)
    lat: Latitude
    lon: Longitude


class MissionCreate(InputModel):
    member_code: str = Field(min_length=2, max_length=8)
    incident_id: BodyId | None = Field(
        default=None, description="the incident it belongs to (default: the only active one)"
    )
    scene: ScenePoint
    severity: Severity = Field(description="red or yellow; green patients do not fly")
    patients: JsonInt = Field(ge=1, le=2)
    hospital: HospitalPoint | None = Field(
        default=None,
        description="a receiving hospital outside the hospitals list, by position; default the "
        "nearest operational hospital with a heliport",
    )
    hospital_id: BodyId | None = Field(
        default=None,
        description="a receiving hospital from /hospitals; refused on assignment while it is "
        "damaged or full",
    )
    at: At = Field(default=None, description="reported time; default now (see `at` elsewhere)")


class AssignBody(InputModel):
    helicopter_id: BodyId | None = Field(default=None, description="fly this aircraft if capable")
    preference: Preference | None = Field(
        default=None,
        description="override the member's own_first/geography_first setting for this call "
        "(drills compare policies with it); default the member's setting",
    )
    at: At = None
    note: Note = None


class MissionAction(InputModel):
    at: At = None
    note: Note = None


class BatchBody(InputModel):
    at: At = None
    note: Note = None


class SceneRead(OutputModel):
    name: str | None
    lat: float
    lon: float


class HospitalRead(OutputModel):
    name: str
    lat: float
    lon: float


class BlockedRead(OutputModel):
    """One aircraft's own reason for not flying the mission."""

    helicopter_id: int | None
    reason: str
    detail: str


class TimelineRead(OutputModel):
    assigned_at: datetime | None
    planned_on_scene_at: datetime | None
    planned_at_hospital_at: datetime | None
    planned_back_at_base_at: datetime | None
    en_route_at: datetime | None
    on_scene_at: datetime | None
    transporting_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None


class MissionRead(OutputModel):
    id: int
    member_code: str
    incident_id: int | None
    scene: SceneRead
    severity: Severity
    patients: int
    status: MissionStatus
    helicopter_id: int | None
    eta_scene_minutes: float | None
    sortie_km: float | None
    reason: str | None = Field(description="why the aircraft was chosen, or why none could fly")
    reason_detail: str | None
    blocked: list[BlockedRead]
    requested_hospital: HospitalRead | None
    hospital: HospitalRead | None
    hospital_id: int | None = Field(
        description="the receiving hospital (/hospitals): named in the body, or chosen on assigning"
    )
    reported_by: str
    reported_at: datetime
    assigned_by: str | None
    updated_at: datetime
    timeline: TimelineRead


class BatchRead(OutputModel):
    status: str
    solve_seconds: float
    assigned: list[MissionRead]
    refused: list[MissionRead]
    deferred: list[MissionRead] = Field(
        default_factory=list,
        description="pending missions reported (or last changed) after the batch's `at`: "
        "not considered, left untouched (a batch is judged at its `at`)",
    )
