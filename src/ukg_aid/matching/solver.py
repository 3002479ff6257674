"""The matching solver (SPEC §3): open request lines + depot stock → dispatch plan.

Rules, in order, each decided per item (items never interact):
1. Feasible — whole units; a depot gives at most its available stock, a line gets at most its
   unallocated quantity; who may supply whom is `eligibility` (operational, available, not
   stricken unless lifted, never to its own member).
2. Priority — critical lines are served as fully as supply allows before high, high before normal
   (`_fills.fair_fills`, per class in rank order).
3. Fair shares — within a class, the smallest fill ratio is maximized before the total
   (`_fills._max_min_floors`), within one unit per line of the fractional optimum.
4. Shortest haul — given 1–3, Σ quantity × km is minimal, a counterpart's km counted × factor
   (`_haul.shortest_haul`, exact on the full depot × line network).
"""

from __future__ import annotations

import time

from ukg_aid.matching._fills import fair_fills
from ukg_aid.matching._haul import load_engine, shortest_haul
from ukg_aid.matching._plan import Flow, ItemData, check_problem, items
from ukg_aid.matching._result import Assembly
from ukg_aid.matching.greedy import greedy_item
from ukg_aid.matching.problem import PlanResult, Problem
from ukg_aid.matching.settings import SolverSettings
from ukg_aid.solving import SolveStatus


def solve(problem: Problem, settings: SolverSettings | None = None) -> PlanResult:
    """Plan every open line of `problem`; never raises for shortage (it is reported as unmet).

    If `settings.time_limit_s` runs out, the items not yet solved are filled nearest-first and the
    status is `timeout`: the plan is still feasible, only not proven fair or shortest.
    Raises `ValueError` for malformed input and `TravelError` if a road router fails.
    """
    load_engine()  # the first solve of a process imports POT (seconds) outside its time limit
    started = time.perf_counter()
    settings = settings or SolverSettings()
    check_problem(problem)
    deadline = started + settings.time_limit_s
    status = SolveStatus.OPTIMAL
    assembly = Assembly(problem, settings.travel)
    for item in items(problem, settings.travel):
        if time.perf_counter() > deadline:
            status = SolveStatus.TIMEOUT
            assembly.add(item, greedy_item(item))
        else:
            assembly.add(item, _solve_item(item, settings))
    return assembly.result(status, started)


def _solve_item(item: ItemData, settings: SolverSettings) -> list[Flow]:
    if not item.donors or not item.lines:
        return []
    return shortest_haul(item, fair_fills(item), settings.haul_engine)
