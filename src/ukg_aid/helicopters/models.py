"""Helicopters and their status history.

The fleet is data: grounding an aircraft is a status change (``maintenance``/``off_duty``), never
a code change. Every status change appends a ``helicopter_status_changes`` row.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Enum, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ukg_aid.db import Base
from ukg_aid.dispatch_air import AircraftStatus

HelicopterStatus = AircraftStatus
"""``available | on_mission | maintenance | off_duty`` (the core's enum, stored as text)."""

_STATUS = Enum(AircraftStatus, native_enum=False, length=16, name="helicopterstatus")


class Helicopter(Base):
    __tablename__ = "helicopters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    callsign: Mapped[str] = mapped_column(String(40), unique=True)
    member_code: Mapped[str | None] = mapped_column(ForeignKey("members.code"), index=True)
    """The operating member; ``None`` for a visiting aircraft from outside the union."""
    visiting_from: Mapped[str | None] = mapped_column(String(200), default=None)
    """Where a visiting aircraft comes from (e.g. 岡山県ドクターヘリ); ``None`` for the union's."""
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id"), default=None, index=True
    )
    """The incident whose fleet a visiting aircraft joined (it leaves when the incident closes);
    ``None`` for the union's own aircraft, which fly for every incident."""
    left_at: Mapped[datetime | None] = mapped_column(default=None)
    """When a visiting aircraft left the fleet; it flies nothing after that."""
    base_name: Mapped[str] = mapped_column(String(200))
    base_name_ja: Mapped[str | None] = mapped_column(String(200), default=None)
    base_lat: Mapped[float] = mapped_column(Float)
    base_lon: Mapped[float] = mapped_column(Float)
    aircraft_type: Mapped[str] = mapped_column(String(40))
    status: Mapped[AircraftStatus] = mapped_column(_STATUS, index=True)
    cruise_kmh: Mapped[float] = mapped_column(Float)
    range_km: Mapped[float] = mapped_column(Float)
    daylight_start: Mapped[time]
    daylight_fixed_end: Mapped[time | None] = mapped_column(default=None)
    updated_at: Mapped[datetime]


class HelicopterStatusChange(Base):
    """One status change of one aircraft: who, when, why (and for which mission, if any)."""

    __tablename__ = "helicopter_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    helicopter_id: Mapped[int] = mapped_column(ForeignKey("helicopters.id"), index=True)
    status: Mapped[AircraftStatus] = mapped_column(_STATUS)
    previous: Mapped[AircraftStatus | None] = mapped_column(_STATUS, default=None)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(500), default=None)
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("medevac_missions.id"), default=None)


class HelicopterStaging(Base):
    """An aircraft staged at a forward base from ``start`` (inclusive) to ``until`` (exclusive):
    sorties assigned in that period start and end there (``dispatch_air.staging``).
    ``cancelled_at`` ends a staging early or withdraws it; the row stays for the record."""

    __tablename__ = "helicopter_stagings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    helicopter_id: Mapped[int] = mapped_column(ForeignKey("helicopters.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id"), default=None, index=True
    )
    """The incident it was staged for; it ends when that incident closes."""
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    start: Mapped[datetime]
    until: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(String(500), default=None)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
