"""Today's phone practice, as a baseline: nearest supplier first, no fairness, no look-ahead."""

from __future__ import annotations

import time

import numpy as np

from ukg_aid.matching._plan import Flow, ItemData, check_problem, items
from ukg_aid.matching._result import Assembly
from ukg_aid.matching.problem import PlanResult, Problem
from ukg_aid.matching.travel import EstimateTravel, TravelModel
from ukg_aid.solving import SolveStatus


def solve_greedy(problem: Problem, travel: TravelModel | None = None) -> PlanResult:
    """Lines in priority then filing order; each drains the nearest eligible depots until served.

    Obeys the feasibility rules (SPEC §3 rule 1) but not fair shares or shortest total haul.
    """
    started = time.perf_counter()
    check_problem(problem)
    model = travel or EstimateTravel()
    assembly = Assembly(problem, model)
    for item in items(problem, model):
        assembly.add(item, greedy_item(item))
    return assembly.result(SolveStatus.FEASIBLE, started)


def greedy_item(item: ItemData) -> list[Flow]:
    """Nearest-first allocation of one item (also the solver's fallback when time runs out)."""
    left = [d.available for d in item.donors]
    flows: list[Flow] = []
    order = np.argsort(item.distance, axis=0, kind="stable")
    for j, line in enumerate(item.lines):
        need = line.quantity
        for i in order[:, j].tolist():
            if need == 0:
                break
            take = min(need, left[i]) if item.eligible[i, j] else 0
            if take > 0:
                flows.append((j, i, take))
                left[i] -= take
                need -= take
    return flows
