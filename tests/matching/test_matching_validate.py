"""validate() catches broken plans; malformed problems are refused; time limit falls back."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from ukg_aid.matching import (
    PlanResult,
    Problem,
    SolverSettings,
    SolveStatus,
    Supply,
    solve,
    solve_greedy,
    validate,
)

INSTANCES = Path(__file__).parent / "instances"


def load(name: str) -> Problem:
    return Problem.from_dict(json.loads((INSTANCES / f"{name}.json").read_text())["problem"])


def _with_first(result: PlanResult, **changes: object) -> PlanResult:
    first = dataclasses.replace(result.allocations[0], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(result, allocations=(first, *result.allocations[1:]))


def test_available_subtracts_reserved_and_floor_never_below_zero() -> None:
    s = Supply(1, "25", "water", 35.0, 135.9, on_hand=100, reserved=20, reserve_floor=70)
    assert s.available == 10
    assert dataclasses.replace(s, reserve_floor=95).available == 0


@pytest.mark.parametrize(
    ("changes", "category"),
    [
        ({"quantity": 999}, "feasibility:"),
        ({"supplier_code": "27"}, "feasibility:"),
        ({"distance_km": 1.0}, "accounting:"),
    ],
)
def test_validate_reports_broken_allocations(changes: dict[str, object], category: str) -> None:
    problem = load("scarce_critical")
    broken = _with_first(solve(problem), **changes)
    assert any(v.startswith(category) for v in validate(problem, broken))


def test_validate_reports_a_wrong_objective_and_lost_unmet() -> None:
    problem = load("scarce_critical")
    result = solve(problem)
    wrong = dataclasses.replace(
        result, objective=dataclasses.replace(result.objective, haul_km_units=1.0)
    )
    assert any(v.startswith("objective:") for v in validate(problem, wrong))
    lost = dataclasses.replace(result, unmet=result.unmet[1:])
    assert any(v.startswith("accounting:") for v in validate(problem, lost))


def test_validate_reports_priority_and_fairness_breaches() -> None:
    problem = load("scarce_critical")
    result = solve(problem)
    starved = dataclasses.replace(
        result, allocations=tuple(a for a in result.allocations if a.line_id != 2)
    )
    starved = dataclasses.replace(starved, objective=solve(problem).objective)
    violations = validate(problem, starved)
    assert any(v.startswith("priority:") for v in violations)
    assert any(v.startswith("fairness: line 2 ") for v in violations)


def test_greedy_starves_a_desk_where_the_solver_shares() -> None:
    problem = load("scarce_critical")
    greedy = solve_greedy(problem)
    assert validate(problem, greedy, check_fairness=False) == []
    assert any(v.startswith("fairness:") for v in validate(problem, greedy))
    assert solve(problem).objective.min_fill_ratio_critical == 0.5
    assert greedy.objective.min_fill_ratio_critical < 0.5


def test_malformed_problems_are_refused() -> None:
    problem = load("ties")
    twice = dataclasses.replace(problem, lines=problem.lines + problem.lines[:1])
    with pytest.raises(ValueError, match="unique"):
        solve(twice)
    zero = dataclasses.replace(problem.lines[0], quantity=0)
    with pytest.raises(ValueError, match="positive"):
        solve(dataclasses.replace(problem, lines=(zero,)))


def test_time_limit_gives_a_feasible_timeout_plan_not_an_empty_one() -> None:
    problem = load("scarce_critical")
    result = solve(problem, SolverSettings(time_limit_s=-1.0))
    assert result.status is SolveStatus.TIMEOUT
    assert result.allocations
    assert validate(problem, result, check_priority=False, check_fairness=False) == []


def test_plan_result_round_trips() -> None:
    result = solve(load("damaged_depot"))
    assert PlanResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result
