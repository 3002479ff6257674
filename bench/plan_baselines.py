"""Baselines for `bench/plan.py`, each on the same instance as the solver.

* `bare_flow`: one OR-Tools `SimpleMinCostFlow` per item on the dense depot × line network, no
  stages (no priority, no fair shares): source → eligible depot → line → sink, most units at least
  haul. What a single flow costs on this network is the floor the staged solver is measured against.
* `lp_haul`: the transportation model of rule 4 as HiGHS LPs, fills fixed to the solver's, an
  independent check of the late units and the haul: with deadlines, first the fewest late units,
  then the least haul with at most that many late (without, one LP of the least haul).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy import sparse
from scipy.optimize import linprog

from ukg_aid.geo import Point
from ukg_aid.matching import EstimateTravel, PlanResult, Problem, RequestLine, Supply
from ukg_aid.matching.eligibility import ItemEligibility, item_eligibility


@dataclass(frozen=True)
class BareFlow:
    seconds: float  # distances + network + solve, every item
    solve_seconds: float  # inside SimpleMinCostFlow only
    allocated: int
    weighted_haul_km_units: float
    arcs: int


def _items(
    problem: Problem,
) -> list[tuple[ItemEligibility, list[RequestLine], np.ndarray, np.ndarray]]:
    """Per item: who may supply whom, the lines, the weighted km matrix (donors × lines) and
    whether each pair arrives after the line's deadline."""
    travel = EstimateTravel()
    lines: dict[str, list[RequestLine]] = defaultdict(list)
    stock: dict[str, list[Supply]] = defaultdict(list)
    for ln in problem.lines:
        lines[ln.item_code].append(ln)
    for s in problem.supplies:
        stock[s.item_code].append(s)
    result = []
    for code in sorted(lines):
        rules = item_eligibility(problem, stock[code], lines[code])
        origins = [Point(d.lat, d.lon) for d in rules.donors]
        km = travel.matrix(origins, [Point(ln.lat, ln.lon) for ln in lines[code]])
        due = [
            np.inf if ln.needed_by_minutes is None else ln.needed_by_minutes for ln in lines[code]
        ]
        late = travel.eta_minutes(km) > np.array(due)[None, :]
        result.append((rules, lines[code], km * rules.pair_factors(), late))
    return result


def bare_flow(problem: Problem) -> BareFlow:
    started = time.perf_counter()
    solve_s = haul = 0.0
    allocated = arcs = 0
    for rules, lines, km, _ in _items(problem):
        n_d, n_l = len(rules.donors), len(lines)
        if not n_d:
            continue
        i, j = np.nonzero(rules.pairs())
        avail = np.array([d.available for d in rules.donors])
        qty = np.array([ln.quantity for ln in lines])
        flow = min_cost_flow.SimpleMinCostFlow()
        src, sink = n_d + n_l, n_d + n_l + 1
        ship = flow.add_arcs_with_capacity_and_unit_cost(
            i, n_d + j, np.minimum(avail[i], qty[j]), np.rint(km[i, j] * 1000).astype(np.int64)
        )
        zeros_d, zeros_l = np.zeros(n_d, np.int64), np.zeros(n_l, np.int64)
        flow.add_arcs_with_capacity_and_unit_cost(np.full(n_d, src), np.arange(n_d), avail, zeros_d)
        flow.add_arcs_with_capacity_and_unit_cost(
            n_d + np.arange(n_l), np.full(n_l, sink), qty, zeros_l
        )
        flow.set_node_supply(src, int(avail.sum()))
        flow.set_node_supply(sink, -int(avail.sum()))
        t = time.perf_counter()
        if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
            raise RuntimeError("bare min-cost flow failed")
        solve_s += time.perf_counter() - t
        shipped = flow.flows(ship)
        allocated += int(shipped.sum())
        haul += float((shipped * km[i, j]).sum())
        arcs += flow.num_arcs()
    return BareFlow(time.perf_counter() - started, solve_s, allocated, haul, arcs)


def lp_haul(problem: Problem, result: PlanResult) -> tuple[float, float, int, float]:
    """Rule 4's stage as HiGHS LPs (fills fixed to the solver's): fewest late units, then the
    least haul with at most that many late.

    Returns (LP weighted haul, LP build + solve seconds, variables, LP late units)."""
    started = time.perf_counter()
    filled: dict[int, int] = defaultdict(int)
    for a in result.allocations:
        filled[a.line_id] += a.quantity
    cost, late, rows_s, cols, rows_l, need = [], [], [], [], [], []
    cap: list[float] = []
    n_vars = n_s = n_l = 0
    for rules, lines, km, is_late in _items(problem):
        i_idx, j_idx = np.nonzero(rules.pairs())
        cost.append(km[i_idx, j_idx])
        late.append(is_late[i_idx, j_idx].astype(float))
        rows_s.append(n_s + i_idx)
        rows_l.append(n_l + j_idx)
        cols.append(n_vars + np.arange(len(i_idx)))
        cap += [d.available for d in rules.donors]
        need += [filled[ln.line_id] for ln in lines]
        n_vars, n_s, n_l = n_vars + len(i_idx), n_s + len(rules.donors), n_l + len(lines)
    c, lateness, col = np.concatenate(cost), np.concatenate(late), np.concatenate(cols)
    a_ub = sparse.csr_matrix((np.ones(n_vars), (np.concatenate(rows_s), col)), (n_s, n_vars))
    a_eq = sparse.csr_matrix((np.ones(n_vars), (np.concatenate(rows_l), col)), (n_l, n_vars))
    fewest = 0.0
    if lateness.any():
        fewest = round(_lp(lateness, a_ub, cap, a_eq, need))
        a_ub = sparse.vstack([a_ub, sparse.csr_matrix(lateness)])
        cap = [*cap, fewest + 1e-6]
    haul = _lp(c, a_ub, cap, a_eq, need)
    return haul, time.perf_counter() - started, n_vars, fewest


def _lp(c: np.ndarray, a_ub: Any, b_ub: Sequence[float], a_eq: Any, b_eq: Sequence[int]) -> float:
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, method="highs")
    if res.status != 0:
        raise RuntimeError(f"LP baseline failed: {res.message}")
    return float(res.fun)
