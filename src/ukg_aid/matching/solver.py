"""The matching solver (SPEC §3): open request lines + depot stock → dispatch plan.

Rules, in order, each decided per item (items never interact):
1. Feasible — whole units; a depot gives at most its available stock, a line gets at most its
   unallocated quantity; only operational depots of non-stricken members give; never to their own
   member (`_plan.may_supply`, `ItemData.eligible`).
2. Priority — critical lines are served as fully as supply allows before high, high before normal
   (`_fills.fair_fills`, per class in rank order).
3. Fair shares — within a class, the smallest fill ratio is maximized before the total
   (`_fills._max_min_floors`), within one unit per line of the fractional optimum.
4. Shortest haul — given 1–3, Σ quantity × km is minimal, a counterpart's km counted × factor
   (`_shortest_haul`, one min-cost flow per item).
"""

from __future__ import annotations

import time

import numpy as np
from ortools.graph.python import min_cost_flow

from ukg_aid.matching._fills import Fills, fair_fills
from ukg_aid.matching._plan import Flow, ItemData, check_problem, default_travel, prepare_items
from ukg_aid.matching._result import assemble
from ukg_aid.matching.greedy import greedy_item
from ukg_aid.matching.problem import PlanResult, Problem, SolveStatus
from ukg_aid.matching.travel import TravelModel

# Haul costs are integers for the flow solver: metres (× counterpart factor) are ample.
_COST_SCALE = 1000.0


def solve(problem: Problem, travel: TravelModel | None = None) -> PlanResult:
    """Plan every open line of `problem`; never raises for shortage (it is reported as unmet).

    If `options.time_limit_s` runs out, the items not yet solved are filled nearest-first and the
    status is `timeout`: the plan is still feasible, only not proven fair or shortest.
    Raises `ValueError` for malformed input and `TravelError` if a road router fails.
    """
    started = time.perf_counter()
    check_problem(problem)
    model = default_travel(problem, travel)
    items = prepare_items(problem, model)
    deadline = started + problem.options.time_limit_s
    status = SolveStatus.OPTIMAL
    flows: list[list[Flow]] = []
    for item in items:
        if time.perf_counter() > deadline:
            status = SolveStatus.TIMEOUT
            flows.append(greedy_item(item))
        else:
            flows.append(_solve_item(item))
    return assemble(problem, items, flows, status=status, travel=model, started=started)


def _solve_item(item: ItemData) -> list[Flow]:
    if not item.donors or not item.lines:
        return []
    return _shortest_haul(item, fair_fills(item))


def _shortest_haul(item: ItemData, fills: Fills) -> list[Flow]:
    """Shortest haul: min-cost flow that keeps every line at or above its fair floor and every
    class at its priority total; the rest of each class may go wherever the haul is shortest.

    Nodes: donors, lines, one node per class (the class's amount above floors), a spill node
    (stock left at depots). Lower bounds become node demands.
    """
    n_donors, n_lines = len(item.donors), len(item.lines)
    available = [d.available for d in item.donors]
    quantity = [ln.quantity for ln in item.lines]
    class_node = n_donors + n_lines + np.array([ln.priority.rank for ln in item.lines])
    spill = n_donors + n_lines + 3
    flow = min_cost_flow.SimpleMinCostFlow()
    donor_idx, line_idx = np.nonzero(item.eligible)
    caps = np.minimum(np.array(available)[donor_idx], np.array(quantity)[line_idx])
    costs = np.rint(item.cost[donor_idx, line_idx] * _COST_SCALE).astype(np.int64)
    ship_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        donor_idx.astype(np.int64), (n_donors + line_idx).astype(np.int64), caps, costs
    )
    above_floor = np.array(quantity) - np.array(fills.floors)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_donors, n_donors + n_lines), class_node, above_floor, np.zeros(n_lines, int)
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_donors), np.full(n_donors, spill), np.array(available), np.zeros(n_donors, int)
    )
    _set_demands(flow, item, fills, spill)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed for item {item.item_code}")
    shipped = flow.flows(ship_arcs)
    return [(int(line_idx[k]), int(donor_idx[k]), int(shipped[k])) for k in np.flatnonzero(shipped)]


def _set_demands(
    flow: min_cost_flow.SimpleMinCostFlow, item: ItemData, fills: Fills, spill: int
) -> None:
    """Donors supply their stock; lines demand their floor; each class node demands the rest of
    its priority total; the spill node takes whatever stock stays home."""
    n_donors, n_lines = len(item.donors), len(item.lines)
    supplies = [d.available for d in item.donors] + [-f for f in fills.floors]
    above = [0, 0, 0]
    for ln, floor in zip(item.lines, fills.floors, strict=True):
        above[ln.priority.rank] -= floor
    for rank, total in fills.class_totals.items():
        above[rank] += total
    supplies += [-a for a in above]
    supplies.append(-(sum(d.available for d in item.donors) - sum(fills.class_totals.values())))
    nodes = np.arange(n_donors + n_lines + 4, dtype=np.int64)
    flow.set_nodes_supplies(nodes, np.array(supplies, dtype=np.int64))
