from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ukg_aid.aid_requests.schemas import DeliveryRead
from ukg_aid.plans.enums import AllocationStatus, PlanPolicy, PlanStatus
from ukg_aid.schemas import At, BodyId, InputModel, JsonBool, Note, OutputModel


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


class PlanAction(InputModel):
    """Body of approve, discard, cancel, dispatch and deliver."""

    at: At = None
    note: Note = None


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
    solver: SolverRead
    created_at: datetime


class PlanInputsRead(OutputModel):
    """The frozen copy of what the solver saw, for review."""

    id: int
    inputs: dict[str, object]
