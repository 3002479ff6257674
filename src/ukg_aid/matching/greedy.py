"""Today's phone practice, as a baseline: nearest supplier first, no fairness, no look-ahead."""

from __future__ import annotations

import time

import numpy as np

from ukg_aid.matching._plan import (
    Flow,
    ItemData,
    check_problem,
    default_travel,
    prepare_items,
)
from ukg_aid.matching._result import assemble
from ukg_aid.matching.problem import PlanResult, Problem, SolveStatus
from ukg_aid.matching.travel import TravelModel


def solve_greedy(problem: Problem, travel: TravelModel | None = None) -> PlanResult:
    """Lines in priority then filing order; each drains the nearest eligible depots until served.

    Obeys the feasibility rules (SPEC §3 rule 1) but not fair shares or shortest total haul.
    """
    started = time.perf_counter()
    check_problem(problem)
    model = default_travel(problem, travel)
    items = prepare_items(problem, model)
    flows = [greedy_item(item) for item in items]
    return assemble(
        problem, items, flows, status=SolveStatus.FEASIBLE, travel=model, started=started
    )


def greedy_item(item: ItemData) -> list[Flow]:
    """Nearest-first allocation of one item (also the solver's fallback when time runs out)."""
    left = [d.available for d in item.donors]
    flows: list[Flow] = []
    for j, line in enumerate(item.lines):
        need = line.quantity
        for i in np.argsort(item.distance[:, j], kind="stable").tolist():
            if need == 0:
                break
            take = min(need, left[i]) if item.eligible[i, j] else 0
            if take > 0:
                flows.append((j, i, take))
                left[i] -= take
                need -= take
    return flows
