"""Plain data for the supply matching core (SPEC §3): problem in, plan result out.

Everything here is a frozen dataclass or enum with a JSON round-trip (`to_dict`/`from_dict`), so the
service can store a frozen copy of a plan's inputs and tests can keep named instances as files. The
problem holds what the plan must respect; how to solve it (travel model, time limit) is
`SolverSettings` (``matching.settings``) and never part of the stored inputs.

Unmet causes (`Unmet.cause`), most actionable first:
- ``unreachable``: no way to the delivery point is left (a closed crossing or area,
  `Problem.closures`; see ``ukg_aid.routing``) from depots that could give: free stock is left at
  such a depot after the plan, or no depot that could give can reach the line at all.
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

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from ukg_aid.routing import Closures
from ukg_aid.solving import SolveStatus

UNMET_CAUSES = (
    "unreachable",
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
    """One open request line; `quantity` is the still-unallocated quantity (> 0).

    `needed_by_minutes`: the line's deadline as minutes after the plan's time (its request's
    `needed_by` minus the time the plan is made for), or None for no deadline. ETAs count from the
    plan's time too (loading, then the drive), so a unit is late when its allocation's ETA is
    past this figure (rule 4); zero or less means already due, so every unit is late. Relative
    minutes keep the core free of clocks and time zones."""

    line_id: int
    request_id: int
    member_code: str
    item_code: str
    quantity: int
    priority: Priority
    lat: float
    lon: float
    needed_by_minutes: float | None = None


# Keys that stored inputs carried before solver settings (travel model, time limit) were kept apart
# from the problem; `Options.from_dict` reads such inputs and drops them.
LEGACY_SETTING_KEYS = frozenset({"circuity", "truck_kmh", "loading_minutes", "time_limit_s"})


@dataclass(frozen=True, slots=True)
class Options:
    """What the plan must respect beyond stock and lines (part of a plan's frozen inputs).

    `counterparts` holds (supporter, stricken) member-code pairs whose haul counts ×
    `counterpart_factor` in the objective; reported distances stay real. How to solve (travel
    model, time limit) is `SolverSettings`, not an option."""

    include_stricken_suppliers: bool = False
    counterparts: frozenset[tuple[str, str]] = frozenset()
    counterpart_factor: float = 0.8

    def to_dict(self) -> dict[str, Any]:
        return {
            "include_stricken_suppliers": self.include_stricken_suppliers,
            "counterparts": sorted([list(pair) for pair in self.counterparts]),
            "counterpart_factor": self.counterpart_factor,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Options:
        values = {k: v for k, v in data.items() if k not in LEGACY_SETTING_KEYS}
        pairs = values.pop("counterparts", [])
        return cls(**values, counterparts=frozenset((str(a), str(b)) for a, b in pairs))


@dataclass(frozen=True, slots=True)
class TruckWaits:
    """Minutes until a supplier's trucks can take a new load, per member and priority rank
    (index 0 critical, 1 high, 2 normal): its trucks out until they return and the shipments
    already queued ahead of a load of that priority (issue 13). A member not named waits 0.

    The ETA of an allocation is this wait + loading + the drive (SPEC §3 rule 4 with trucks);
    with no trucks busy every wait is 0 and the ETA is the plain estimate."""

    minutes: Mapping[str, tuple[float, float, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for code, waits in self.minutes.items():
            if len(waits) != len(_RANK) or not all(math.isfinite(w) and w >= 0 for w in waits):
                raise ValueError(f"truck waits of {code} must be 3 finite minutes ≥ 0")

    def wait(self, member_code: str, priority: Priority) -> float:
        found = self.minutes.get(member_code)
        return 0.0 if found is None else found[priority.rank]

    @property
    def is_empty(self) -> bool:
        return not any(any(w > 0 for w in waits) for waits in self.minutes.values())

    def to_dict(self) -> dict[str, list[float]]:
        return {code: list(waits) for code, waits in sorted(self.minutes.items()) if any(waits)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TruckWaits:
        return cls({str(code): _three(waits) for code, waits in data.items()})


def _three(waits: Any) -> tuple[float, float, float]:
    critical, high, normal = (float(w) for w in waits)
    return critical, high, normal


@dataclass(frozen=True, slots=True)
class Problem:
    """Open lines to match against depot stock. `stricken`: members with an open request;
    `guests`: recipients from outside the union, who never supply (SPEC §10); `closures`: closed
    crossings and areas (no depot–line pair whose way they cut is an arc); `truck_waits`: how long
    each supplier's trucks are busy before they can load (inputs stored before it wait 0)."""

    supplies: tuple[Supply, ...]
    lines: tuple[RequestLine, ...]
    stricken: frozenset[str] = frozenset()
    options: Options = field(default_factory=Options)
    closures: Closures = field(default_factory=Closures)
    guests: frozenset[str] = frozenset()
    truck_waits: TruckWaits = field(default_factory=TruckWaits)

    def to_dict(self) -> dict[str, Any]:
        return {
            "supplies": [_shallow(s) for s in self.supplies],
            "lines": [{**_shallow(ln), "priority": ln.priority.value} for ln in self.lines],
            "stricken": sorted(self.stricken),
            "options": self.options.to_dict(),
            "closures": self.closures.to_dict(),
            "guests": sorted(self.guests),
            "truck_waits": self.truck_waits.to_dict(),
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
            closures=Closures.from_dict(data.get("closures", {})),
            guests=frozenset(str(code) for code in data.get("guests", [])),
            truck_waits=TruckWaits.from_dict(data.get("truck_waits", {})),
        )


@dataclass(frozen=True, slots=True)
class Allocation:
    """Ship `quantity` of `item_code` from `depot_id` (member `supplier_code`) to a request line.

    `late`: the ETA is past the line's `needed_by_minutes` (never for a line without one);
    `truck_wait_minutes`: the part of the ETA spent waiting for the supplier's trucks."""

    line_id: int
    request_id: int
    item_code: str
    depot_id: int
    supplier_code: str
    quantity: int
    distance_km: float
    eta_minutes: float
    reason: str
    late: bool = False
    truck_wait_minutes: float = 0.0


@dataclass(frozen=True, slots=True)
class Unmet:
    """Quantity of a line the plan leaves open, with one of `UNMET_CAUSES`."""

    line_id: int
    request_id: int
    item_code: str
    quantity: int
    cause: str


@dataclass(frozen=True, slots=True)
class Objective:
    """How good a plan is. `late_units` (units whose ETA is past their line's deadline) is
    minimized first, then `weighted_haul_km_units` (Σ quantity × real km, a counterpart's km ×
    factor); `haul_km_units` is the real haul, `late_allocations` how many allocations are late.
    A class without lines has a smallest fill ratio of 1.0."""

    haul_km_units: float
    weighted_haul_km_units: float
    total_allocated: int
    total_requested: int
    min_fill_ratio_critical: float = 1.0
    min_fill_ratio_high: float = 1.0
    min_fill_ratio_normal: float = 1.0
    late_units: int = 0
    late_allocations: int = 0

    def min_fill_ratio(self, priority: Priority) -> float:
        return {
            Priority.CRITICAL: self.min_fill_ratio_critical,
            Priority.HIGH: self.min_fill_ratio_high,
            Priority.NORMAL: self.min_fill_ratio_normal,
        }[priority]

    def to_dict(self) -> dict[str, float]:
        """The stored and published shape: every figure a float (as plans always stored it)."""
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Objective:
        return cls(
            haul_km_units=float(data["haul_km_units"]),
            weighted_haul_km_units=float(data["weighted_haul_km_units"]),
            total_allocated=round(data["total_allocated"]),
            total_requested=round(data["total_requested"]),
            min_fill_ratio_critical=float(data.get("min_fill_ratio_critical", 1.0)),
            min_fill_ratio_high=float(data.get("min_fill_ratio_high", 1.0)),
            min_fill_ratio_normal=float(data.get("min_fill_ratio_normal", 1.0)),
            late_units=round(data.get("late_units", 0)),
            late_allocations=round(data.get("late_allocations", 0)),
        )


@dataclass(frozen=True, slots=True)
class PlanResult:
    """A dispatch plan: allocations, unmet quantities with causes, and the objective figures."""

    status: SolveStatus
    allocations: tuple[Allocation, ...]
    unmet: tuple[Unmet, ...]
    objective: Objective
    wall_ms: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "allocations": [_shallow(a) for a in self.allocations],
            "unmet": [_shallow(u) for u in self.unmet],
            "objective": self.objective.to_dict(),
            "wall_ms": self.wall_ms,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanResult:
        return cls(
            status=SolveStatus(data["status"]),
            allocations=tuple(Allocation(**a) for a in data["allocations"]),
            unmet=tuple(Unmet(**u) for u in data["unmet"]),
            objective=Objective.from_dict(data["objective"]),
            wall_ms=float(data["wall_ms"]),
        )


def _shallow(row: Supply | RequestLine | Allocation | Unmet) -> dict[str, Any]:
    """``asdict`` of a row whose fields are plain values (no recursion, no deep copies: a
    national problem has 50,000 rows, and ``asdict`` made its frozen copy take seconds)."""
    return {name: getattr(row, name) for name in _FIELDS[type(row)]}


_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in (Supply, RequestLine, Allocation, Unmet)
}
