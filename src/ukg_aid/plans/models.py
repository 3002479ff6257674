"""Dispatch plans and their allocations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Enum, Float, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ukg_aid.db import Base, JSONType
from ukg_aid.plans.enums import AllocationStatus, LossReason, PlanPolicy, PlanStatus


class DispatchPlan(Base):
    __tablename__ = "dispatch_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[PlanStatus] = mapped_column(
        Enum(PlanStatus, native_enum=False, length=16), index=True
    )
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id"), index=True, default=None
    )
    policy: Mapped[PlanPolicy] = mapped_column(Enum(PlanPolicy, native_enum=False, length=16))
    include_stricken_suppliers: Mapped[bool] = mapped_column(default=False)
    request_ids: Mapped[list[int]] = mapped_column(JSONType)
    solver_status: Mapped[str] = mapped_column(String(16))
    solver_wall_ms: Mapped[float] = mapped_column(Float)
    objective: Mapped[dict[str, float]] = mapped_column(JSONType)
    unmet: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(100), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

    allocations: Mapped[list[PlanAllocation]] = relationship(
        back_populates="plan", lazy="raise", order_by="PlanAllocation.id"
    )


class PlanAllocation(Base):
    """Ship ``quantity`` of an item from a depot to a request line."""

    __tablename__ = "plan_allocations"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_pos"),
        CheckConstraint("received >= 0 AND received <= quantity", name="received_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("dispatch_plans.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("aid_requests.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("aid_request_lines.id"), index=True)
    item_code: Mapped[str] = mapped_column(ForeignKey("items.code"))
    depot_id: Mapped[int] = mapped_column(ForeignKey("depots.id"), index=True)
    supplier_code: Mapped[str] = mapped_column(ForeignKey("members.code"), index=True)
    requester_code: Mapped[str] = mapped_column(ForeignKey("members.code"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    distance_km: Mapped[float] = mapped_column(Float)
    eta_minutes: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(300))
    status: Mapped[AllocationStatus] = mapped_column(
        Enum(AllocationStatus, native_enum=False, length=16), index=True
    )
    dispatched_at: Mapped[datetime | None] = mapped_column(default=None)
    expected_at: Mapped[datetime | None] = mapped_column(default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    late: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Minutes of the ETA spent waiting for the supplier's trucks (issue 13, ukg_aid.truckplan).
    truck_wait_minutes: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    shipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipments.id"), index=True, default=None
    )
    received: Mapped[int | None] = mapped_column(Integer, default=None)
    loss_reason: Mapped[LossReason | None] = mapped_column(
        Enum(LossReason, native_enum=False, length=16), default=None
    )
    decline_reason: Mapped[str | None] = mapped_column(String(500), default=None)

    plan: Mapped[DispatchPlan] = relationship(back_populates="allocations", lazy="raise")
