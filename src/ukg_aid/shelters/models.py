"""A shelter kept by a member's (or guest's) desk, and the history of every change to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ukg_aid.db import Base


class Shelter(Base):
    __tablename__ = "shelters"
    __table_args__ = (
        CheckConstraint("evacuees >= 0", name="evacuees_nonneg"),
        CheckConstraint("infants >= 0 AND infants <= evacuees", name="infants_range"),
        CheckConstraint("elderly >= 0 AND elderly <= evacuees", name="elderly_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("members.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    evacuees: Mapped[int] = mapped_column(Integer)
    infants: Mapped[int | None] = mapped_column(Integer, default=None)
    elderly: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(100))


class ShelterChange(Base):
    """One state of a shelter as a desk reported it (the first is its opening)."""

    __tablename__ = "shelter_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shelter_id: Mapped[int] = mapped_column(ForeignKey("shelters.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    evacuees: Mapped[int] = mapped_column(Integer)
    infants: Mapped[int | None] = mapped_column(Integer, default=None)
    elderly: Mapped[int | None] = mapped_column(Integer, default=None)
    note: Mapped[str | None] = mapped_column(String(500), default=None)
