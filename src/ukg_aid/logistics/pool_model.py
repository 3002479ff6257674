"""Plain data of the truck pool simulation: trucks and jobs in, trips and outcomes out.

Times are timezone-aware datetimes; distances km; durations minutes. A *job* is one shipment
asking its supplier's pool for trucks from ``ready_at`` (the desk's dispatch, or a drill's
simulated dispatch); each truck it gets makes one *trip*: load at the depot, drive out, unload,
drive back, free again at ``return_at`` with its driver's duty counters.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass
from fractions import Fraction

from ukg_aid.logistics._data import read_rows
from ukg_aid.logistics.driving import FRESH, DutyState
from ukg_aid.logistics.trucks import Load


@dataclass(frozen=True, slots=True)
class HaulAssumptions:
    """Speed and handling times of a trip (all ASSUMPTIONS, see ``data/haul_assumptions.csv``)."""

    truck_kmh: float
    loading_min: float
    unloading_min: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.truck_kmh) and self.truck_kmh > 0):
            raise ValueError("truck_kmh must be finite and > 0")
        for value in (self.loading_min, self.unloading_min):
            if not (math.isfinite(value) and value >= 0):
                raise ValueError("loading and unloading minutes must be finite and ≥ 0")


@functools.cache
def default_haul_assumptions() -> HaulAssumptions:
    values = {row["key"]: float(row["value"]) for row in read_rows("haul_assumptions.csv")}
    return HaulAssumptions(
        truck_kmh=values["truck_kmh"],
        loading_min=values["loading_min"],
        unloading_min=values["unloading_min"],
    )


@dataclass(frozen=True, slots=True)
class Truck:
    """One truck of a member's pool. ``free_at``: when it is back at the depot (``None``: free
    from the start); ``duty``: its driver's counters at that moment (fresh unless known)."""

    truck_id: str
    class_code: str
    free_at: dt.datetime | None = None
    duty: DutyState = FRESH


@dataclass(frozen=True, slots=True)
class Job:
    """A shipment asking for trucks. ``priority_rank``: 0 critical, 1 high, 2 normal (the most
    urgent request among the shipment's allocations); lower goes first."""

    shipment_id: int
    ready_at: dt.datetime
    load: Load
    distance_km: float
    priority_rank: int = 2


@dataclass(frozen=True, slots=True)
class Trip:
    """One truck carrying ``share`` of a shipment's load (``weight_kg`` of it) there and back.

    ``assigned_at``: the truck is taken from the pool; ``depart_at``: loaded and leaving (after a
    rest at the depot, if its driver needed one first); ``arrive_at`` / ``unloaded_at`` at the
    delivery point; ``return_at``: back and free. ``breaks`` / ``rests``: taken on the trip."""

    shipment_id: int
    truck_id: str
    class_code: str
    assigned_at: dt.datetime
    depart_at: dt.datetime
    arrive_at: dt.datetime
    unloaded_at: dt.datetime
    return_at: dt.datetime
    share: Fraction
    weight_kg: float
    breaks: int
    rests: int


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """What happened to a job. ``left``: the share of its load no truck has taken yet (0 once
    every part is on a truck; more when the run ended first or the pool has no trucks)."""

    shipment_id: int
    ready_at: dt.datetime
    priority_rank: int
    trips: tuple[Trip, ...]
    left: Fraction

    @property
    def waiting(self) -> bool:
        """Still (partly) in the queue at the end of the run."""
        return self.left > 0

    @property
    def first_assigned_at(self) -> dt.datetime | None:
        return min((t.assigned_at for t in self.trips), default=None)

    @property
    def queue_wait_min(self) -> float | None:
        """Minutes from ready to the first truck (``None``: no truck yet)."""
        first = self.first_assigned_at
        return None if first is None else (first - self.ready_at).total_seconds() / 60

    @property
    def dispatched_at(self) -> dt.datetime | None:
        """When the last part got its truck (``None`` while any part waits)."""
        return None if self.waiting else max(t.assigned_at for t in self.trips)

    @property
    def first_departure_at(self) -> dt.datetime | None:
        return min((t.depart_at for t in self.trips), default=None)

    @property
    def delivered_at(self) -> dt.datetime | None:
        """When the last truck has unloaded (``None`` while any part waits)."""
        return None if self.waiting else max(t.unloaded_at for t in self.trips)


@dataclass(frozen=True, slots=True)
class PoolRun:
    """A simulation's result: outcomes by shipment id, and the trucks' states at the end."""

    outcomes: tuple[JobOutcome, ...]
    trucks: tuple[Truck, ...]

    def outcome(self, shipment_id: int) -> JobOutcome:
        for outcome in self.outcomes:
            if outcome.shipment_id == shipment_id:
                return outcome
        raise KeyError(shipment_id)

    @property
    def trips(self) -> tuple[Trip, ...]:
        """Every trip, by assignment time then truck id."""
        trips = [t for o in self.outcomes for t in o.trips]
        return tuple(sorted(trips, key=lambda t: (t.assigned_at, t.truck_id)))
