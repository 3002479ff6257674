"""Solver-independent checks of a plan against SPEC §3; cheap enough to run before storing a plan.

Every message starts with its category: `feasibility:` (including no allocation over a pair the
closures cut off), `accounting:` (unmet, travel figures and `late` flags), `objective:`,
`priority:` or `fairness:`. The greedy baseline passes the first three only. That late units are
as few as possible (rule 4) is an optimisation claim, checked against an independent LP in the
tests, not here.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable

import numpy as np
from ortools.graph.python import max_flow

from ukg_aid.geo import Point
from ukg_aid.matching._plan import deadline
from ukg_aid.matching.eligibility import (
    group_rows,
    haul_factor,
    item_eligibility,
    may_serve,
    stricken_barred,
    ways_open,
)
from ukg_aid.matching.problem import (
    UNMET_CAUSES,
    Allocation,
    PlanResult,
    Priority,
    Problem,
    RequestLine,
    Supply,
)
from ukg_aid.matching.travel import EstimateTravel, TravelModel


def validate(
    problem: Problem,
    result: PlanResult,
    travel: TravelModel | None = None,
    *,
    check_priority: bool = True,
    check_fairness: bool = True,
) -> list[str]:
    """Violations of `result` for `problem` (empty list: valid)."""
    model = travel or EstimateTravel()
    issues = _feasibility(problem, result)
    if issues:
        return issues
    issues += _accounting(problem, result, model)
    issues += _objective(problem, result)
    filled = _filled(result)
    for item in sorted({ln.item_code for ln in problem.lines}):
        net = _Reach(problem, item)
        if check_priority:
            issues += _priority(net, filled)
        if check_fairness:
            issues += _fairness(net, filled)
    return issues


def _feasibility(problem: Problem, result: PlanResult) -> list[str]:
    """Rule 1: whole positive units, known rows, stock and quantity limits, who may give."""
    lines = {ln.line_id: ln for ln in problem.lines}
    stock = {(s.depot_id, s.item_code): s for s in problem.supplies}
    issues: list[str] = []
    taken: dict[tuple[int, str], int] = defaultdict(int)
    got: dict[int, int] = defaultdict(int)
    for a in result.allocations:
        line, supply = lines.get(a.line_id), stock.get((a.depot_id, a.item_code))
        tag = f"feasibility: allocation line {a.line_id} depot {a.depot_id}"
        if line is None or supply is None:
            issues.append(f"{tag}: unknown line or no stock row for {a.item_code}")
            continue
        issues += [f"{tag}: {m}" for m in _allocation_faults(problem, a, line, supply)]
        taken[(a.depot_id, a.item_code)] += a.quantity
        got[a.line_id] += a.quantity
    for key, qty in taken.items():
        if qty > stock[key].available:
            issues.append(f"feasibility: depot {key[0]} gives {qty} {key[1]} > available")
    for line_id, qty in got.items():
        if qty > lines[line_id].quantity:
            issues.append(f"feasibility: line {line_id} gets {qty} > {lines[line_id].quantity}")
    if not issues and not problem.closures.is_empty:
        issues += _cut_off(problem, result)
    return issues


def _cut_off(problem: Problem, result: PlanResult) -> list[str]:
    """Allocations over a depot–line pair with no way left under the closures."""
    stock = {(s.depot_id, s.item_code): s for s in problem.supplies}
    lines = {ln.line_id: ln for ln in problem.lines}
    issues = []
    for allocations in _by_item(result).values():
        depots = sorted({a.depot_id for a in allocations})
        line_ids = sorted({a.line_id for a in allocations})
        code = allocations[0].item_code
        open_ = ways_open(problem, [stock[(d, code)] for d in depots], [lines[k] for k in line_ids])
        row, col = {d: k for k, d in enumerate(depots)}, {d: k for k, d in enumerate(line_ids)}
        issues += [
            f"feasibility: allocation line {a.line_id} depot {a.depot_id}: no way is left "
            "between the depot and the delivery point (closed crossing or area)"
            for a in allocations
            if not open_[row[a.depot_id], col[a.line_id]]
        ]
    return issues


def _by_item(result: PlanResult) -> dict[str, list[Allocation]]:
    by_item: dict[str, list[Allocation]] = defaultdict(list)
    for a in result.allocations:
        by_item[a.item_code].append(a)
    return by_item


def _allocation_faults(problem: Problem, a: object, line: RequestLine, s: Supply) -> list[str]:
    qty = getattr(a, "quantity", 0)
    faults = []
    if not isinstance(qty, int) or qty <= 0:
        faults.append(f"quantity {qty!r} is not a positive whole number")
    if line.item_code != s.item_code or getattr(a, "request_id", None) != line.request_id:
        faults.append("item or request does not match the line")
    if getattr(a, "supplier_code", None) != s.member_code:
        faults.append("supplier_code is not the depot's member")
    if not may_serve(s.member_code, line.member_code):
        faults.append("member supplies its own request")
    if not s.operational:
        faults.append("depot is not operational")
    elif stricken_barred(problem, s.member_code):
        faults.append("stricken member supplies while include_stricken_suppliers is off")
    return faults


def _filled(result: PlanResult) -> dict[int, int]:
    filled: dict[int, int] = defaultdict(int)
    for a in result.allocations:
        filled[a.line_id] += a.quantity
    return filled


def _accounting(problem: Problem, result: PlanResult, travel: TravelModel) -> list[str]:
    """Unmet = requested - allocated for each line, with a known cause; km and ETA recomputed."""
    issues = []
    filled, missing = _filled(result), defaultdict[int, int](int)
    for u in result.unmet:
        missing[u.line_id] += u.quantity
        if u.cause not in UNMET_CAUSES:
            issues.append(f"accounting: line {u.line_id} has unknown cause {u.cause!r}")
    for ln in problem.lines:
        if filled[ln.line_id] + missing[ln.line_id] != ln.quantity:
            issues.append(f"accounting: line {ln.line_id} allocated + unmet != requested")
    wait = _waits(problem)
    issues += [
        f"accounting: line {a.line_id} depot {a.depot_id} km or ETA is off"
        for a, km in _recomputed_km(problem, result, travel)
        if not _close(a.distance_km, km, 1e-3)
        or not _close(a.eta_minutes, wait(a) + travel.eta_minutes(km), 1e-2)
    ]
    lines = {ln.line_id: ln for ln in problem.lines}
    issues += [
        f"accounting: line {a.line_id} depot {a.depot_id} says late={a.late}, but its ETA "
        f"{a.eta_minutes:.1f} min against the deadline {lines[a.line_id].needed_by_minutes} "
        f"says otherwise"
        for a in result.allocations
        if a.late != (a.eta_minutes > deadline(lines[a.line_id]))
    ]
    return issues


def _waits(problem: Problem) -> Callable[[Allocation], float]:
    """The truck wait an allocation's ETA must hold (`Problem.truck_waits`, by its line's
    priority)."""
    priority = {ln.line_id: ln.priority for ln in problem.lines}

    def wait(a: Allocation) -> float:
        return problem.truck_waits.wait(a.supplier_code, priority[a.line_id])

    return wait


def _recomputed_km(
    problem: Problem, result: PlanResult, travel: TravelModel
) -> list[tuple[Allocation, float]]:
    """Each allocation with its km asked afresh from `travel`: one table per item over the depots
    and delivery points the plan uses (one router request per item, not per allocation)."""
    stock = {(s.depot_id, s.item_code): s for s in problem.supplies}
    lines = {ln.line_id: ln for ln in problem.lines}
    found = []
    for code, allocations in _by_item(result).items():
        depots = sorted({a.depot_id for a in allocations})
        line_ids = sorted({a.line_id for a in allocations})
        origins = [Point(stock[(d, code)].lat, stock[(d, code)].lon) for d in depots]
        ends = [Point(lines[k].lat, lines[k].lon) for k in line_ids]
        table = travel.distances_km(origins, ends)
        row, col = {d: k for k, d in enumerate(depots)}, {d: k for k, d in enumerate(line_ids)}
        found += [(a, float(table[row[a.depot_id]][col[a.line_id]])) for a in allocations]
    return found


def _close(a: float, b: float, tol: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=tol)


def _objective(problem: Problem, result: PlanResult) -> list[str]:
    """The reported haul and totals must be what the allocations add up to."""
    members = {ln.line_id: ln.member_code for ln in problem.lines}
    haul = sum(a.quantity * a.distance_km for a in result.allocations)
    weighted = sum(
        a.quantity
        * a.distance_km
        * haul_factor(problem.options, a.supplier_code, members[a.line_id])
        for a in result.allocations
    )
    reported = result.objective
    late = [a.quantity for a in result.allocations if a.late]
    recomputed = (
        ("late_units", reported.late_units, sum(late)),
        ("late_allocations", reported.late_allocations, len(late)),
        ("haul_km_units", reported.haul_km_units, haul),
        ("weighted_haul_km_units", reported.weighted_haul_km_units, weighted),
        ("total_allocated", reported.total_allocated, sum(a.quantity for a in result.allocations)),
        ("total_requested", reported.total_requested, sum(ln.quantity for ln in problem.lines)),
    )
    return [
        f"objective: {name} reported {got}, recomputed {value:.6f}"
        for name, got, value in recomputed
        if not _close(got, value, 1e-6)
    ]


class _Reach:
    """Max-flow for one item: how much a set of lines can receive at once. Depots that may serve
    exactly the same lines (`eligibility`: member rule and a way left) share one node, and so do
    lines served by exactly the same of those nodes."""

    def __init__(self, problem: Problem, item: str) -> None:
        self.lines = [ln for ln in problem.lines if ln.item_code == item]
        supplies = [s for s in problem.supplies if s.item_code == item]
        rules = item_eligibility(problem, supplies, self.lines)
        self.flow = max_flow.SimpleMaxFlow()
        first = 2
        if rules.donors:
            reach, group = group_rows(rules.pairs())
            served_by, kind = group_rows(reach.T)
            stock = np.bincount(group, weights=[d.available for d in rules.donors])
            big = int(stock.sum()) + 1
            askers = 2 + len(reach)
            first = askers + len(served_by)
            for g in range(len(reach)):
                self.flow.add_arc_with_capacity(0, 2 + g, int(stock[g]))
            for a, givers in enumerate(served_by):
                for g in np.flatnonzero(givers).tolist():
                    self.flow.add_arc_with_capacity(2 + g, askers + a, big)
            for j, a in enumerate(kind.tolist()):
                self.flow.add_arc_with_capacity(askers + a, first + j, big)
        self.sink = [self.flow.add_arc_with_capacity(first + j, 1, 0) for j in range(len(self))]

    def __len__(self) -> int:
        return len(self.lines)

    def most(self, caps: Iterable[int]) -> int:
        caps = list(caps)
        self.flow.set_arcs_capacity(np.array(self.sink, np.int64), np.array(caps, np.int64))
        if self.flow.solve(0, 1) != self.flow.OPTIMAL:
            raise RuntimeError("max-flow failed while validating")
        return int(self.flow.optimal_flow())


def _priority(net: _Reach, filled: dict[int, int]) -> list[str]:
    """Rule 2: lines of each class and above together get the most they possibly can."""
    issues = []
    for p in Priority:
        upto = [ln.priority.rank <= p.rank for ln in net.lines]
        got = sum(filled[ln.line_id] for ln, up in zip(net.lines, upto, strict=True) if up)
        best = net.most(ln.quantity if up else 0 for ln, up in zip(net.lines, upto, strict=True))
        if got < best:
            item = net.lines[0].item_code
            issues.append(f"priority: {item} {p.value} and above get {got}, could get {best}")
    return issues


def _fairness(net: _Reach, filled: dict[int, int]) -> list[str]:
    """Rule 3: each short class line gets within one unit of the best common fill ratio."""
    issues = []
    for p in Priority:
        cls = [j for j, ln in enumerate(net.lines) if ln.priority == p]
        if all(filled[net.lines[j].line_id] >= net.lines[j].quantity for j in cls):
            continue
        best = _best_ratio(net, filled, p, cls)
        for j in cls:
            ln = net.lines[j]
            if filled[ln.line_id] < best * ln.quantity - 1 - 1e-9:
                issues.append(
                    f"fairness: line {ln.line_id} gets {filled[ln.line_id]} of {ln.quantity}, "
                    f"a common share of {best:.4f} was possible"
                )
    return issues


def _best_ratio(net: _Reach, filled: dict[int, int], p: Priority, cls: list[int]) -> float:
    """Bisection: the largest r such that every class line can get ⌊r × requested⌋ while the
    classes above keep what the plan gives them."""
    base = [filled[ln.line_id] if ln.priority.rank < p.rank else 0 for ln in net.lines]

    def fits(r: float) -> bool:
        caps = list(base)
        for j in cls:
            caps[j] = math.floor(r * net.lines[j].quantity)
        return net.most(caps) == sum(caps)

    lo, hi = 0.0, 1.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return lo
