"""An incident (one activation of mutual aid) and the counterpart pairs decided for it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ukg_aid.db import Base
from ukg_aid.incidents.enums import IncidentKind, IncidentStatus

__all__ = ["Incident", "IncidentCounterpart", "IncidentKind", "IncidentStatus"]


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[IncidentKind] = mapped_column(Enum(IncidentKind, native_enum=False, length=16))
    status: Mapped[IncidentStatus] = mapped_column(
        Enum(IncidentStatus, native_enum=False, length=16), index=True
    )
    started_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime]


class IncidentCounterpart(Base):
    """カウンターパート方式: in one incident, ``supporter_code`` helps ``recipient_code`` first."""

    __tablename__ = "incident_counterparts"
    __table_args__ = (
        UniqueConstraint(
            "incident_id", "supporter_code", "recipient_code", name="uq_incident_counterparts_pair"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    supporter_code: Mapped[str] = mapped_column(ForeignKey("members.code"))
    recipient_code: Mapped[str] = mapped_column(ForeignKey("members.code"))
