from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ukg_aid.air_kinds import Heliport, HospitalStatus
from ukg_aid.schemas import At, InputModel, Note, OutputModel


class HospitalRead(OutputModel):
    id: int
    key: str
    name: str
    name_ja: str | None
    member_code: str
    kind: str | None
    lat: float
    lon: float
    position_estimated: bool = Field(
        description="true when the point is an estimate (municipal office or heli-base list), "
        "not the hospital's own position"
    )
    coord_confidence: str | None
    heliport: Heliport = Field(
        description="on_site | nearby | none | unknown; unknown is not landable for a default "
        "choice until confirmed"
    )
    heliport_source: str | None
    source: str | None
    status: HospitalStatus
    updated_at: datetime


class HospitalUpdate(InputModel):
    status: HospitalStatus
    at: At = None
    note: Note = None


class HospitalChangeRead(OutputModel):
    id: int
    hospital_id: int
    status: HospitalStatus
    previous: HospitalStatus | None
    at: datetime
    actor: str
    note: str | None
