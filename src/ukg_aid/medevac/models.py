"""Medevac missions.

    pending ─assign→ assigned ─en_route→ en_route ─on_scene→ on_scene ─transporting→ transporting
            ─completed→ completed;   pending/assigned/en_route ─cancel→ cancelled

A refusal (no capable aircraft) leaves the mission ``pending`` with ``reason`` naming why.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Enum, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ukg_aid.db import Base, JSONType
from ukg_aid.dispatch_air import Severity
from ukg_aid.medevac.enums import MissionStatus

ACTIVE = (
    MissionStatus.assigned,
    MissionStatus.en_route,
    MissionStatus.on_scene,
    MissionStatus.transporting,
)
"""Statuses in which the mission holds its helicopter."""


class MedevacMission(Base):
    __tablename__ = "medevac_missions"
    __table_args__ = (CheckConstraint("patients BETWEEN 1 AND 2", name="patients_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("members.code"), index=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id"), index=True, default=None
    )
    scene_name: Mapped[str | None] = mapped_column(String(200), default=None)
    scene_lat: Mapped[float] = mapped_column(Float)
    scene_lon: Mapped[float] = mapped_column(Float)
    severity: Mapped[Severity] = mapped_column(
        Enum(Severity, native_enum=False, length=16, name="severity"), index=True
    )
    patients: Mapped[int] = mapped_column(Integer)
    # The receiving hospital the requester named (optional) ...
    requested_hospital: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    # ... and the one the sortie was planned to (set on assignment).
    hospital: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    status: Mapped[MissionStatus] = mapped_column(
        Enum(MissionStatus, native_enum=False, length=16), index=True
    )
    helicopter_id: Mapped[int | None] = mapped_column(
        ForeignKey("helicopters.id"), default=None, index=True
    )
    eta_scene_minutes: Mapped[float | None] = mapped_column(Float, default=None)
    sortie_km: Mapped[float | None] = mapped_column(Float, default=None)
    reason: Mapped[str | None] = mapped_column(String(300), default=None)
    reason_detail: Mapped[str | None] = mapped_column(String(1000), default=None)
    blocked: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType, default=None)
    reported_by: Mapped[str] = mapped_column(String(100))
    reported_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    assigned_by: Mapped[str | None] = mapped_column(String(100), default=None)
    assigned_at: Mapped[datetime | None] = mapped_column(default=None)
    planned_on_scene_at: Mapped[datetime | None] = mapped_column(default=None)
    planned_at_hospital_at: Mapped[datetime | None] = mapped_column(default=None)
    planned_back_at_base_at: Mapped[datetime | None] = mapped_column(default=None)
    en_route_at: Mapped[datetime | None] = mapped_column(default=None)
    on_scene_at: Mapped[datetime | None] = mapped_column(default=None)
    transporting_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
