"""Weather holds recorded by EMS. Deleting a hold lifts it (``lifted_at``); the row stays, so what
held a refused sortie can still be read back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ukg_aid.db import Base, JSONType


class WeatherHoldRow(Base):
    __tablename__ = "weather_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    """A GeoJSON Polygon (lon, lat), or None for a base hold."""
    base_helicopter_id: Mapped[int | None] = mapped_column(
        ForeignKey("helicopters.id"), default=None, index=True
    )
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id"), default=None, index=True
    )
    """The incident it was recorded for; it is lifted when that incident closes."""
    start: Mapped[datetime]
    until: Mapped[datetime] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(String(500), default=None)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    lifted_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    lifted_by: Mapped[str | None] = mapped_column(String(100), default=None)
