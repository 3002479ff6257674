"""What a drill run records: plain data, filled by the runner, read by metrics and report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Cumulative units per member at one simulated hour."""

    hour: int
    requested: dict[str, int]
    delivered: dict[str, int]


@dataclass(frozen=True, slots=True)
class Delivery:
    member_code: str
    item_code: str
    quantity: int
    filed_at: datetime
    delivered_at: datetime
    distance_km: float
    supplier_code: str = ""


@dataclass(frozen=True, slots=True)
class MissionOutcome:
    member_code: str
    severity: str
    filed_at: datetime
    assigned_at: datetime | None
    helicopter_id: int | None
    minutes_to_scene: float | None  # from the call, waiting for an aircraft included
    busy_minutes: float
    refusal: str | None


@dataclass
class RoadLog:
    """Shipments on the truck pools: actions, queue waits, the loads (``drills.road``)."""

    dispatch_actions: int = 0
    allocations_shipped: int = 0
    plans: int = 0
    waits_min: list[float] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    late_units: int = 0


@dataclass
class RunLog:
    """Everything one policy's run produced."""

    policy: str
    snapshots: list[Snapshot] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    requested_by_item: dict[str, int] = field(default_factory=dict)
    delivered_by_item: dict[str, int] = field(default_factory=dict)
    first_filed: dict[str, datetime] = field(default_factory=dict)
    plans: list[dict[str, float]] = field(default_factory=list)
    stale_approvals: int = 0
    missions: list[MissionOutcome] = field(default_factory=list)
    fleet_size: int = 0
    local_use: dict[str, dict[str, int]] = field(default_factory=dict)  # member → item → units
    line_fills: list[tuple[str, float]] = field(default_factory=list)  # (item, delivered/asked)
    push_units: int = 0  # filed by the coordinator as push-type requests (プッシュ型支援)
    pull_units: int = 0  # filed by the desks themselves
    push_closed_units: int = 0  # push remainder closed when the desks started filing
    counterpart_pairs: list[tuple[str, str]] = field(default_factory=list)  # set on the incident
    road: RoadLog = field(default_factory=RoadLog)
