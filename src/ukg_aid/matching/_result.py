"""Turn per-item flows into a `PlanResult`: reasons, unmet causes and objective figures."""

from __future__ import annotations

import time
from collections import defaultdict

from ukg_aid.matching._plan import Flow, ItemData, may_supply
from ukg_aid.matching.problem import (
    Allocation,
    PlanResult,
    Priority,
    Problem,
    RequestLine,
    SolveStatus,
    Supply,
    Unmet,
)
from ukg_aid.matching.travel import TravelModel


def assemble(
    problem: Problem,
    items: list[ItemData],
    flows: list[list[Flow]],
    *,
    status: SolveStatus,
    travel: TravelModel,
    started: float,
) -> PlanResult:
    """`started` is a `time.perf_counter()` reading taken when solving began."""
    allocations: list[Allocation] = []
    unmet: list[Unmet] = []
    for item, item_flows in zip(items, flows, strict=True):
        allocations.extend(_allocations(problem, item, item_flows, travel))
        unmet.extend(_unmet(problem, item, item_flows))
    objective = objective_of(problem, allocations)
    wall_ms = (time.perf_counter() - started) * 1000.0
    return PlanResult(status, tuple(allocations), tuple(unmet), objective, wall_ms)


def _allocations(
    problem: Problem, item: ItemData, flows: list[Flow], travel: TravelModel
) -> list[Allocation]:
    filled: dict[int, int] = defaultdict(int)
    for j, _, qty in flows:
        filled[j] += qty
    result = []
    for j, i, qty in sorted(flows):
        line, donor = item.lines[j], item.donors[i]
        km = float(item.distance[i, j])
        reason = _reason(problem, item, i, j, filled[j] < line.quantity)
        result.append(
            Allocation(
                line_id=line.line_id,
                request_id=line.request_id,
                item_code=item.item_code,
                depot_id=donor.depot_id,
                supplier_code=donor.member_code,
                quantity=qty,
                distance_km=km,
                eta_minutes=travel.eta_minutes(km),
                reason=reason,
            )
        )
    return result


def _reason(problem: Problem, item: ItemData, i: int, j: int, line_short: bool) -> str:
    """One short sentence a desk can read: why this depot for this line."""
    line, donor = item.lines[j], item.donors[i]
    km = f"{float(item.distance[i, j]):.0f} km"
    if (donor.member_code, line.member_code) in problem.options.counterparts:
        return f"counterpart of {line.member_code}: {km}"
    if line_short:
        return f"shared out under shortage: {km}"
    eligible_km = item.distance[item.eligible[:, j], j]
    if float(item.distance[i, j]) <= float(eligible_km.min()) + 1e-9:
        return f"nearest operational depot with available stock: {km}"
    return f"nearer depots committed to other lines: {km}"


def _unmet(problem: Problem, item: ItemData, flows: list[Flow]) -> list[Unmet]:
    filled: dict[int, int] = defaultdict(int)
    for j, _, qty in flows:
        filled[j] += qty
    blockers: dict[str, set[str]] = defaultdict(set)
    for s in problem.supplies:
        if s.item_code == item.item_code and s.on_hand > 0:
            blockers[s.member_code].add(_blocker(problem, s))
    result = []
    for j, line in enumerate(item.lines):
        missing = line.quantity - filled[j]
        if missing > 0:
            cause = unmet_cause(line, blockers)
            result.append(Unmet(line.line_id, line.request_id, item.item_code, missing, cause))
    return result


def unmet_cause(line: RequestLine, blockers: dict[str, set[str]]) -> str:
    """The most actionable reason among other members' depots holding the item (see problem.py).

    `blockers`: per member, what keeps each of its depots holding the item from giving."""
    found = set().union(*(b for code, b in blockers.items() if code != line.member_code))
    for cause in ("shortage", "all_suppliers_stricken", "reserve_floor", "depots_not_operational"):
        if cause in found:
            return cause
    return "no_stock"


def _blocker(problem: Problem, supply: Supply) -> str:
    if may_supply(problem, supply):
        return "shortage"
    if not supply.operational:
        return "depots_not_operational"
    if supply.available > 0:
        return "all_suppliers_stricken"
    if supply.on_hand - supply.reserved > 0:
        return "reserve_floor"
    return "no_stock"


def objective_of(problem: Problem, allocations: list[Allocation]) -> dict[str, float]:
    """Haul (real and counterpart-weighted), totals and the smallest fill ratio per class."""
    factor = problem.options.counterpart_factor
    pairs = problem.options.counterparts
    lines = {ln.line_id: ln for ln in problem.lines}
    filled: dict[int, int] = defaultdict(int)
    haul = weighted = 0.0
    for a in allocations:
        filled[a.line_id] += a.quantity
        haul += a.quantity * a.distance_km
        counterpart = (a.supplier_code, lines[a.line_id].member_code) in pairs
        weighted += a.quantity * a.distance_km * (factor if counterpart else 1.0)
    objective = {
        "haul_km_units": haul,
        "weighted_haul_km_units": weighted,
        "total_allocated": float(sum(filled.values())),
        "total_requested": float(sum(ln.quantity for ln in problem.lines)),
    }
    for priority in Priority:
        ratios = [
            filled[ln.line_id] / ln.quantity for ln in problem.lines if ln.priority == priority
        ]
        objective[f"min_fill_ratio_{priority.value}"] = min(ratios, default=1.0)
    return objective
