"""The truck-aware planning loop (issue 13): solve, project onto the pools, re-solve with the
waits the projection gives, keep the best."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from ukg_aid import matching
from ukg_aid.truckplan.projection import Fleet, Projection, project, waits_now


@dataclass(frozen=True, slots=True)
class TruckPlan:
    """``problem``: what the kept plan was solved for (its ``truck_waits`` are the stored inputs'
    waits, and ``solved`` passes ``matching.validate`` against it); ``projected``: the same plan
    with the ETAs the pools give (what the service stores); ``late_by_round``: projected late
    units of each solve, in order; ``kept``: the index of the kept one."""

    problem: matching.Problem
    solved: matching.PlanResult
    projected: matching.PlanResult
    late_by_round: tuple[int, ...]
    kept: int


Solver = Callable[[matching.Problem], matching.PlanResult]


def plan_with_trucks(
    problem: matching.Problem,
    solver: Solver,
    fleet: Fleet,
    rounds: int = 3,
    budget_s: float = math.inf,
) -> TruckPlan:
    """Rule 4 with the trucks as they will be.

    1. The waits at the plan's time (trucks out, shipments queued: ``waits_now``) go into the
       problem, and ``solver`` plans with them (wait + loading + drive is the ETA).
    2. The plan's own shipments are projected onto the pools (``project``). Where that makes a
       supplier's lines late that the solve thought on time, the next solve sees, for that
       supplier, the wait a further load would meet behind the plan's own (per priority rank;
       never lower than before: waits only rise, so the rounds cannot cycle), so lines move to
       members whose trucks are idle where one can serve them on time.
    3. At most ``rounds`` solves (≥ 1); it stops early when the projection adds no late unit to
       the solve's own count. Kept: the fewest projected late units, then the least haul, then the
       earliest round. A further round starts only if it fits, by the last round's time, in
       ``budget_s`` seconds counted from the call (the plan's solver time limit): the rounds
       together stay within the limit one solve has, the first round excepted.

    Without any deadline in the problem nothing can be late, so step 2 is skipped: the ETAs hold
    the waits at plan time, not the plan's own queue (the projection costs several solves'
    time at Nankai scale: ``bench/truckplan.py``).
    """
    members = {s.member_code for s in problem.supplies}
    current = replace(problem, truck_waits=waits_now(fleet, members))
    if all(ln.needed_by_minutes is None for ln in problem.lines):
        solved = solver(current)
        return TruckPlan(current, solved, solved, (solved.objective.late_units,), 0)
    tried = _rounds(current, solver, fleet, rounds, budget_s)
    kept = min(
        range(len(tried)),
        key=lambda k: (tried[k][2].late_units, tried[k][1].objective.weighted_haul_km_units, k),
    )
    chosen, solved, projection = tried[kept]
    return TruckPlan(
        problem=chosen,
        solved=solved,
        projected=projection.result,
        late_by_round=tuple(t[2].late_units for t in tried),
        kept=kept,
    )


_Tried = tuple[matching.Problem, matching.PlanResult, Projection]


def _rounds(
    current: matching.Problem, solver: Solver, fleet: Fleet, rounds: int, budget_s: float
) -> list[_Tried]:
    """Each round's problem, solve and projection (steps 1-3 of ``plan_with_trucks``)."""
    tried: list[_Tried] = []
    started = time.perf_counter()
    for _ in range(max(1, rounds)):
        began = time.perf_counter()
        solved = solver(current)
        projection = project(current, solved, fleet)
        tried.append((current, solved, projection))
        if projection.late_units <= solved.objective.late_units or not projection.overloaded:
            break
        now = time.perf_counter()
        if now - started + (now - began) > budget_s:
            break  # another round would not fit in the plan's time limit
        current = replace(current, truck_waits=_raised(current.truck_waits, projection.overloaded))
    return tried


def _raised(
    waits: matching.TruckWaits, overloaded: Mapping[str, tuple[float, float, float]]
) -> matching.TruckWaits:
    """The waits with each overloaded supplier's raised to what its trucks give a further load."""
    merged = dict(waits.minutes)
    for code, more in overloaded.items():
        before = merged.get(code, (0.0, 0.0, 0.0))
        merged[code] = (max(before[0], more[0]), max(before[1], more[1]), max(before[2], more[2]))
    return matching.TruckWaits(merged)
