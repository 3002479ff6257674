"""Shipments (one depot → one delivery point of one approved plan) and the members' trucks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ukg_aid.db import Base
from ukg_aid.plans.enums import LossReason
from ukg_aid.plans.shipments.enums import ShipmentStatus


class Shipment(Base):
    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("dispatch_plans.id"), index=True)
    depot_id: Mapped[int] = mapped_column(ForeignKey("depots.id"))
    supplier_code: Mapped[str] = mapped_column(ForeignKey("members.code"), index=True)
    requester_code: Mapped[str] = mapped_column(ForeignKey("members.code"), index=True)
    delivery_name: Mapped[str] = mapped_column(String(200))
    delivery_lat: Mapped[float] = mapped_column(Float)
    delivery_lon: Mapped[float] = mapped_column(Float)
    distance_km: Mapped[float] = mapped_column(Float)
    weight_kg: Mapped[float] = mapped_column(Float)
    trucks_4t: Mapped[int] = mapped_column(Integer)
    trucks_10t: Mapped[int] = mapped_column(Integer)
    priority_rank: Mapped[int] = mapped_column(Integer)
    status: Mapped[ShipmentStatus] = mapped_column(
        Enum(ShipmentStatus, native_enum=False, length=16), index=True
    )
    created_at: Mapped[datetime]
    queued_at: Mapped[datetime | None] = mapped_column(default=None)
    departure_at: Mapped[datetime | None] = mapped_column(default=None)
    dispatched_at: Mapped[datetime | None] = mapped_column(default=None)
    expected_at: Mapped[datetime | None] = mapped_column(default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)


class Truck(Base):
    """One truck of a member's pool (ASSUMED counts: ``logistics/data/truck_pools.csv``).

    ``free_at``: when it is back at the depot (``None`` or past: free); ``shipment_id``: the
    shipment it last carried; the three duty counters are its driver's at ``free_at``."""

    __tablename__ = "trucks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("members.code"), index=True)
    class_code: Mapped[str] = mapped_column(String(8))
    free_at: Mapped[datetime | None] = mapped_column(default=None)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"), default=None)
    continuous_min: Mapped[float] = mapped_column(Float, default=0.0)
    drive_min: Mapped[float] = mapped_column(Float, default=0.0)
    duty_min: Mapped[float] = mapped_column(Float, default=0.0)


class WavePart(Base):
    """What of one allocation rides on one truck trip of a dispatched shipment (a *wave*: one
    trip, numbered 1… in the order the trucks unload; ``logistics.split_waves`` decides the
    units). ``received`` / ``loss_reason`` / ``delivered_at`` once the receiving desk counted
    this part; the wave is delivered when all its parts are."""

    __tablename__ = "shipment_wave_parts"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("received >= 0 AND received <= quantity", name="received_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    wave: Mapped[int] = mapped_column(Integer)
    truck_id: Mapped[str] = mapped_column(String(40))
    class_code: Mapped[str] = mapped_column(String(8))
    depart_at: Mapped[datetime]
    expected_at: Mapped[datetime]
    allocation_id: Mapped[int] = mapped_column(ForeignKey("plan_allocations.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    received: Mapped[int | None] = mapped_column(Integer, default=None)
    loss_reason: Mapped[LossReason | None] = mapped_column(
        Enum(LossReason, native_enum=False, length=16), default=None
    )
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
