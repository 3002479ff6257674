"""Receiving hospitals and their status history.

Rows come from ``data/stockpiles/hospitals.csv`` (``ukg-aid seed``; sources and confidence per
row). ``status`` is changed by EMS or the hospital's member desk; every change appends a
``hospital_status_changes`` row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Enum, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ukg_aid.air_kinds import Heliport, HospitalStatus
from ukg_aid.db import Base

_STATUS = Enum(HospitalStatus, native_enum=False, length=16, name="hospitalstatus")
_HELIPORT = Enum(Heliport, native_enum=False, length=16, name="heliport")


class HospitalRow(Base):
    __tablename__ = "hospitals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("members.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_ja: Mapped[str | None] = mapped_column(String(200), default=None)
    kind: Mapped[str | None] = mapped_column(String(40), default=None)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    position_estimated: Mapped[bool] = mapped_column(Boolean, default=True)
    coord_confidence: Mapped[str | None] = mapped_column(String(20), default=None)
    heliport: Mapped[Heliport] = mapped_column(_HELIPORT)
    heliport_source: Mapped[str | None] = mapped_column(String(500), default=None)
    source: Mapped[str | None] = mapped_column(String(500), default=None)
    status: Mapped[HospitalStatus] = mapped_column(_STATUS, index=True)
    updated_at: Mapped[datetime]


class HospitalStatusChange(Base):
    """One status change of one hospital: who, when, why."""

    __tablename__ = "hospital_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospitals.id"), index=True)
    status: Mapped[HospitalStatus] = mapped_column(_STATUS)
    previous: Mapped[HospitalStatus | None] = mapped_column(_STATUS, default=None)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(500), default=None)
