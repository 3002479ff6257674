"""Plain data for the supply matching core (SPEC §3): problem in, plan result out.

Everything here is a frozen dataclass or enum with a JSON round-trip (`to_dict`/`from_dict`), so the
service can store a frozen copy of a plan's inputs and tests can keep named instances as files.

Unmet causes (`Unmet.cause`), most actionable first:
- ``shortage``: an eligible operational depot had stock, but it went to higher-priority lines or to
  other lines of the same class under fair shares.
- ``all_suppliers_stricken``: the only depots holding free stock belong to stricken members
  (lift with ``Options.include_stricken_suppliers``).
- ``reserve_floor``: stock exists at eligible depots but only inside their own-needs reserve floor.
- ``depots_not_operational``: the only depots holding the item are damaged or unreachable.
- ``no_stock``: no other member holds the item free of reservations (none on hand, or all of it is
  promised by approved plans).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

UNMET_CAUSES = (
    "shortage",
    "all_suppliers_stricken",
    "reserve_floor",
    "depots_not_operational",
    "no_stock",
)


class Priority(StrEnum):
    """Request priority; a lower `rank` is served first."""

    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Priority.CRITICAL: 0, Priority.HIGH: 1, Priority.NORMAL: 2}


class SolveStatus(StrEnum):
    """`optimal`: every rule proven; `timeout`: time limit hit, the rest filled greedily (still
    feasible); `feasible`/`infeasible` are part of the shared result contract (a matching problem is
    never infeasible: allocating nothing is always allowed)."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class Supply:
    """Stock of one item at one depot (quantities in the item's unit)."""

    depot_id: int
    member_code: str
    item_code: str
    lat: float
    lon: float
    on_hand: int
    reserved: int
    reserve_floor: int
    operational: bool = True

    @property
    def available(self) -> int:
        """Quantity mutual aid may take: on hand minus promised minus own-needs floor."""
        return max(0, self.on_hand - self.reserved - self.reserve_floor)


@dataclass(frozen=True, slots=True)
class RequestLine:
    """One open request line; `quantity` is the still-unallocated quantity (> 0)."""

    line_id: int
    request_id: int
    member_code: str
    item_code: str
    quantity: int
    priority: Priority
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Options:
    """Planning settings. `counterparts` holds (supporter, stricken) member-code pairs whose haul
    counts × `counterpart_factor` in the objective; reported distances stay real."""

    include_stricken_suppliers: bool = False
    circuity: float = 1.3
    truck_kmh: float = 40.0
    loading_minutes: float = 30.0
    counterparts: frozenset[tuple[str, str]] = frozenset()
    counterpart_factor: float = 0.8
    time_limit_s: float = 10.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["counterparts"] = sorted([list(pair) for pair in self.counterparts])
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Options:
        values = dict(data)
        pairs = values.pop("counterparts", [])
        return cls(**values, counterparts=frozenset((str(a), str(b)) for a, b in pairs))


@dataclass(frozen=True, slots=True)
class Problem:
    """Open lines to match against depot stock. `stricken`: members with an open request."""

    supplies: tuple[Supply, ...]
    lines: tuple[RequestLine, ...]
    stricken: frozenset[str] = frozenset()
    options: Options = field(default_factory=Options)

    def to_dict(self) -> dict[str, Any]:
        return {
            "supplies": [asdict(s) for s in self.supplies],
            "lines": [{**asdict(ln), "priority": ln.priority.value} for ln in self.lines],
            "stricken": sorted(self.stricken),
            "options": self.options.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Problem:
        lines = tuple(
            RequestLine(**{**ln, "priority": Priority(ln["priority"])}) for ln in data["lines"]
        )
        return cls(
            supplies=tuple(Supply(**s) for s in data["supplies"]),
            lines=lines,
            stricken=frozenset(str(code) for code in data.get("stricken", [])),
            options=Options.from_dict(data.get("options", {})),
        )


@dataclass(frozen=True, slots=True)
class Allocation:
    """Ship `quantity` of `item_code` from `depot_id` (member `supplier_code`) to a request line."""

    line_id: int
    request_id: int
    item_code: str
    depot_id: int
    supplier_code: str
    quantity: int
    distance_km: float
    eta_minutes: float
    reason: str


@dataclass(frozen=True, slots=True)
class Unmet:
    """Quantity of a line the plan leaves open, with one of `UNMET_CAUSES`."""

    line_id: int
    request_id: int
    item_code: str
    quantity: int
    cause: str


@dataclass(frozen=True, slots=True)
class PlanResult:
    """A dispatch plan. `objective` keys: `haul_km_units` (Σ quantity × real km),
    `weighted_haul_km_units` (with counterpart factor; the minimized figure), `total_allocated`,
    `total_requested`, `min_fill_ratio_<priority>` (1.0 for a class without lines)."""

    status: SolveStatus
    allocations: tuple[Allocation, ...]
    unmet: tuple[Unmet, ...]
    objective: dict[str, float]
    wall_ms: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "allocations": [asdict(a) for a in self.allocations],
            "unmet": [asdict(u) for u in self.unmet],
            "objective": dict(self.objective),
            "wall_ms": self.wall_ms,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanResult:
        return cls(
            status=SolveStatus(data["status"]),
            allocations=tuple(Allocation(**a) for a in data["allocations"]),
            unmet=tuple(Unmet(**u) for u in data["unmet"]),
            objective={k: float(v) for k, v in data["objective"].items()},
            wall_ms=float(data["wall_ms"]),
        )
