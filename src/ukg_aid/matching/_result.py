"""Turn per-item flows into a `PlanResult`: reasons, unmet causes and objective figures."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import replace
from typing import Any

import numpy as np

from ukg_aid.matching._plan import Flow, ItemData, deadline
from ukg_aid.matching.eligibility import haul_factor, is_counterpart
from ukg_aid.matching.problem import (
    Allocation,
    Objective,
    PlanResult,
    Priority,
    Problem,
    RequestLine,
    Unmet,
)
from ukg_aid.matching.travel import TravelModel
from ukg_aid.routing import Side, land_model
from ukg_aid.solving import SolveStatus


class Assembly:
    """Collects each item's allocations and unmet quantities as soon as it is solved, so that the
    item's matrices can be dropped before the next one is built."""

    def __init__(self, problem: Problem, travel: TravelModel) -> None:
        self.problem = problem
        self.travel = travel
        self.allocations: list[Allocation] = []
        self.unmet: list[Unmet] = []

    def add(self, item: ItemData, flows: list[Flow]) -> None:
        filled: dict[int, int] = defaultdict(int)
        for j, _, qty in flows:
            filled[j] += qty
        self.allocations.extend(_allocations(self.problem, item, flows, filled, self.travel))
        self.unmet.extend(_unmet(item, flows, filled))

    def result(self, status: SolveStatus, started: float) -> PlanResult:
        """`started` is a `time.perf_counter()` reading taken when solving began."""
        objective = objective_of(self.problem, self.allocations)
        wall_ms = (time.perf_counter() - started) * 1000.0
        return PlanResult(status, tuple(self.allocations), tuple(self.unmet), objective, wall_ms)


def _allocations(
    problem: Problem, item: ItemData, flows: list[Flow], filled: dict[int, int], travel: TravelModel
) -> list[Allocation]:
    nearest = np.where(item.eligible, item.distance, np.inf).min(axis=0, initial=np.inf)
    result = []
    for j, i, qty in sorted(flows):
        line, donor = item.lines[j], item.donors[i]
        km = float(item.distance[i, j])
        wait = problem.truck_waits.wait(donor.member_code, line.priority)
        eta = wait + travel.eta_minutes(km)
        late = eta > deadline(line)
        if is_counterpart(problem.options, donor.member_code, line.member_code):
            why = f"counterpart of {line.member_code}"
        elif filled[j] < line.quantity:
            why = "shared out under shortage"
        elif km <= float(nearest[j]) + 1e-9:
            why = "nearest operational depot with available stock"
        else:
            why = "nearer depots committed to other lines"
        reason = f"{why}: {km:.0f} km{_via(item, i, j)}" + eta_note(wait, eta, line)
        result.append(
            Allocation(
                line_id=line.line_id,
                request_id=line.request_id,
                item_code=item.item_code,
                depot_id=donor.depot_id,
                supplier_code=donor.member_code,
                quantity=qty,
                distance_km=km,
                eta_minutes=eta,
                reason=reason,
                late=late,
                truck_wait_minutes=wait,
            )
        )
    return result


def eta_note(wait: float, eta: float, line: RequestLine) -> str:
    """The reason's words after the distance: a truck wait inside the ETA, and lateness (the
    console translates both)."""
    note = f"; truck wait {whole_minutes(wait)} min in the ETA" if wait > 0 else ""
    if eta > deadline(line):
        note += f"; late: ETA {eta:.0f} min, needed within {line.needed_by_minutes:.0f} min"
    return note


def whole_minutes(minutes: float) -> int:
    """Minutes as the reason and the console both show them: the stored value (0.1 min) rounded
    half up, as the console's ``Math.round`` does (Python's ``round`` and ``:.0f`` round half
    to even, so 246.5 would read 246 in the reason and 247 beside it)."""
    return math.floor(round(minutes, 1) + 0.5)


def restate_eta(allocation: Allocation, line: RequestLine, eta: float) -> Allocation:
    """`allocation` arriving at `eta` (minutes after the plan's time, e.g. projected on the
    supplier's trucks): its truck wait is what the ETA holds beyond loading and the drive (the
    allocation's ETA less its own wait), and `late` and the reason follow. Within 0.001 min
    (timestamps count microseconds) it is the same ETA and the allocation is returned as it is."""
    if abs(eta - allocation.eta_minutes) < 1e-3:
        return allocation
    wait = max(0.0, eta - allocation.eta_minutes + allocation.truck_wait_minutes)
    head = allocation.reason.split("; ", 1)[0]
    return replace(
        allocation,
        eta_minutes=eta,
        truck_wait_minutes=wait,
        late=eta > deadline(line),
        reason=head + eta_note(wait, eta, line),
    )


def _via(item: ItemData, i: int, j: int) -> str:
    """ " via 明石海峡大橋" (and " and 大鳴門橋") when the way crosses the sea, else ""."""
    way = land_model().way(Side(int(item.donor_side[i])), Side(int(item.line_side[j])))
    if not way.crossings:
        return ""
    return " via " + " and ".join(c.name_ja for c in way.crossings)


def _unmet(item: ItemData, flows: list[Flow], filled: dict[int, int]) -> list[Unmet]:
    blockers: dict[str, set[str]] = defaultdict(set)
    for s, barrier in zip(item.stock, item.rules.barriers, strict=True):
        if s.on_hand > 0 and barrier is not None:
            blockers[s.member_code].add(barrier)
    left = np.array([d.available for d in item.donors], dtype=np.int64)
    for _, i, qty in flows:
        left[i] -= qty
    cut_off = np.asarray(item.rules.cut_off(), dtype=bool).reshape(left.size, len(item.lines))
    reaches: Any = np.asarray(item.eligible, dtype=bool).reshape(cut_off.shape).any(axis=0)
    stranded: Any = (cut_off & (left > 0)[:, None]).any(axis=0)
    result = []
    for j, line in enumerate(item.lines):
        missing = line.quantity - filled[j]
        if missing <= 0:
            continue
        if stranded[j] or (not reaches[j] and cut_off[:, j].any()):
            cause = "unreachable"
        elif reaches[j]:
            cause = "shortage"
        else:
            cause = unmet_cause(line, blockers)
        result.append(Unmet(line.line_id, line.request_id, item.item_code, missing, cause))
    return result


def unmet_cause(line: RequestLine, blockers: dict[str, set[str]]) -> str:
    """The most actionable reason among other members' depots holding the item (see problem.py)
    when no depot that may give can reach the line.

    `blockers`: per member, what keeps each of its depots holding the item from giving."""
    found = set().union(*(b for code, b in blockers.items() if code != line.member_code))
    for cause in ("all_suppliers_stricken", "reserve_floor", "depots_not_operational"):
        if cause in found:
            return cause
    return "no_stock"


def objective_of(problem: Problem, allocations: list[Allocation]) -> Objective:
    """Haul (real and counterpart-weighted), totals and the smallest fill ratio per class."""
    lines = {ln.line_id: ln for ln in problem.lines}
    filled: dict[int, int] = defaultdict(int)
    haul = weighted = 0.0
    late = [a for a in allocations if a.late]
    for a in allocations:
        filled[a.line_id] += a.quantity
        haul += a.quantity * a.distance_km
        factor = haul_factor(problem.options, a.supplier_code, lines[a.line_id].member_code)
        weighted += a.quantity * a.distance_km * factor

    def smallest(priority: Priority) -> float:
        ratios = [
            filled[ln.line_id] / ln.quantity for ln in problem.lines if ln.priority == priority
        ]
        return min(ratios, default=1.0)

    return Objective(
        haul_km_units=haul,
        weighted_haul_km_units=weighted,
        total_allocated=sum(filled.values()),
        total_requested=sum(ln.quantity for ln in problem.lines),
        min_fill_ratio_critical=smallest(Priority.CRITICAL),
        min_fill_ratio_high=smallest(Priority.HIGH),
        min_fill_ratio_normal=smallest(Priority.NORMAL),
        late_units=sum(a.quantity for a in late),
        late_allocations=len(late),
    )
