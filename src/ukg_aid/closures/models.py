"""A closure recorded for an incident: a sea crossing or an area (GeoJSON Polygon)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ukg_aid.closures.enums import ClosureKind
from ukg_aid.db import Base, JSONType


class Closure(Base):
    """Active until ``reopened_at`` (``DELETE`` reopens; the row stays as history)."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[ClosureKind] = mapped_column(Enum(ClosureKind, native_enum=False, length=16))
    crossing: Mapped[str | None] = mapped_column(String(40), default=None)
    area: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    note: Mapped[str | None] = mapped_column(String(500), default=None)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    reopened_by: Mapped[str | None] = mapped_column(String(100), default=None)
    reopened_at: Mapped[datetime | None] = mapped_column(default=None)
