from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ukg_aid.aid_requests.schemas import DeliveryRead
from ukg_aid.plans.enums import AllocationStatus, LossReason, PlanPolicy, PlanStatus
from ukg_aid.schemas import At, BodyId, InputModel, JsonBool, JsonInt, Note, OutputModel


class PlanCreate(InputModel):
    incident_id: BodyId | None = Field(
        default=None, description="the incident planned (default: the only active one)"
    )
    request_ids: list[BodyId] | None = Field(
        default=None,
        max_length=10_000,
        description="plan only these requests' open lines (default: every open request)",
    )
    include_stricken_suppliers: JsonBool = Field(
        default=False, description="let members with an open request supply others too"
    )
    policy: PlanPolicy = Field(
        default=PlanPolicy.optimized,
        description="optimized (SPEC §3) or baseline (nearest supplier first, for drills)",
    )
    at: At = Field(
        default=None,
        description="planning time; requests filed after it are left out (see `at` elsewhere)",
    )
    reopened: JsonBool = Field(
        default=False,
        description="plan only lines reopened by a decline or a short delivery (SPEC §11)",
    )


class PlanAction(InputModel):
    """Body of approve, discard, cancel, dispatch and deliver."""

    at: At = None
    note: Note = None


class AllocationDeliver(InputModel):
    """Body of an allocation's delivery: what arrived (default: all of it)."""

    received: JsonInt | None = Field(default=None, ge=0, le=2**31 - 1)
    reason: LossReason | None = Field(
        default=None, description="short, damaged or lost: required when received < quantity"
    )
    note: Note = None
    at: At = None


class AllocationDecline(InputModel):
    """Body of a decline by the supplier's desk: why it cannot be sent."""

    reason: str = Field(min_length=1, max_length=500, description="e.g. a road out, a truck short")
    at: At = None


class AllocationRead(OutputModel):
    id: int
    plan_id: int
    request_id: int
    line_id: int
    item_code: str
    depot_id: int
    supplier_code: str
    requester_code: str
    quantity: int
    distance_km: float
    eta_minutes: float
    reason: str
    status: AllocationStatus
    dispatched_at: datetime | None
    expected_at: datetime | None
    delivered_at: datetime | None
    late: bool = Field(description="the ETA is past the request's needed_by (SPEC §3 rule 4)")
    truck_wait_minutes: float = Field(
        default=0.0,
        description="minutes of the ETA spent waiting for the supplier's trucks (out, or busy "
        "with shipments ahead in its queue, this plan's own included)",
    )
    shipment_id: int | None
    received: int | None = Field(description="units the receiving desk counted (on delivery)")
    loss_reason: LossReason | None
    decline_reason: str | None


class AllocationRow(AllocationRead):
    """An allocation as lists and answers show it: the ids plus what a person reads — the
    depot, supplier, requester, delivery point and item by name (loaded with joins, one query
    per list). ``AllocationRead`` alone is the stored record the audit log snapshots."""

    depot_name: str
    depot_name_ja: str | None
    supplier_name_ja: str
    supplier_name_en: str
    requester_name_ja: str
    requester_name_en: str
    delivery: DeliveryRead
    item_name_ja: str
    item_name_en: str
    unit: str
    unit_weight_kg: float
    weight_kg: float = Field(description="quantity × unit weight")


class UnmetRead(OutputModel):
    request_id: int
    line_id: int
    item_code: str
    quantity: int
    cause: str


class SolverRead(OutputModel):
    status: str
    wall_ms: float
    objective: dict[str, float]


class PlanRead(OutputModel):
    id: int
    incident_id: int | None
    status: PlanStatus
    policy: PlanPolicy
    include_stricken_suppliers: bool
    request_ids: list[int]
    allocations: list[AllocationRow]
    unmet: list[UnmetRead]
    solver: SolverRead
    created_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    closed_at: datetime | None


class PlanSummary(OutputModel):
    id: int
    incident_id: int | None
    status: PlanStatus
    policy: PlanPolicy
    request_ids: list[int]
    allocation_count: int
    allocated_units: int
    unmet_units: int
    late_units: int = Field(description="units whose ETA is past their request's needed_by")
    late_allocations: int
    solver: SolverRead
    created_at: datetime


class PlanInputsRead(OutputModel):
    """The frozen copy of what the solver saw, for review."""

    id: int
    inputs: dict[str, object]
