"""Property tests: on random small instances the solver's plan is valid, as fair and as
prioritized as the LP optimum allows, and its haul matches an independent LP at the same fills."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, given, settings

from tests.matching.matching_lp import class_optima, min_haul
from tests.matching.matching_strategies import problems
from ukg_aid.matching import (
    PlanResult,
    Problem,
    SolveStatus,
    solve,
    solve_greedy,
    validate,
)


def _fills(result: PlanResult) -> dict[int, int]:
    filled: dict[int, int] = defaultdict(int)
    for a in result.allocations:
        filled[a.line_id] += a.quantity
    return filled


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(problems())
def test_solve_passes_validate(problem: Problem) -> None:
    result = solve(problem)
    assert result.status is SolveStatus.OPTIMAL
    assert validate(problem, result) == []


@FAST
@given(problems())
def test_haul_matches_lp_at_same_fills(problem: Problem) -> None:
    result = solve(problem)
    filled = _fills(result)
    lp = 0.0
    for item in {ln.item_code for ln in problem.lines}:
        lines = [ln for ln in problem.lines if ln.item_code == item]
        lp += min_haul(problem, item, {ln.line_id: filled[ln.line_id] for ln in lines})
    assert result.objective.weighted_haul_km_units <= lp * 1.005 + 1e-6


@FAST
@given(problems())
def test_priority_and_fair_shares_match_lp(problem: Problem) -> None:
    filled = _fills(solve(problem))
    for item in {ln.item_code for ln in problem.lines}:
        for priority, (total, ratio) in class_optima(problem, item).items():
            cls = [ln for ln in problem.lines if ln.item_code == item and ln.priority == priority]
            assert sum(filled[ln.line_id] for ln in cls) == round(total)
            for ln in cls:
                assert filled[ln.line_id] >= ratio * ln.quantity - 1 - 1e-6


@FAST
@given(problems())
def test_greedy_is_feasible(problem: Problem) -> None:
    result = solve_greedy(problem)
    assert validate(problem, result, check_priority=False, check_fairness=False) == []
    assert result.objective.total_allocated <= solve(problem).objective.total_allocated
