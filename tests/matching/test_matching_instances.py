"""Named regression instances: expected fills and unmet causes, and a valid plan every time."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from ukg_aid.matching import Options, Problem, SolveStatus, solve, validate

INSTANCES = Path(__file__).parent / "instances"
NAMES = [
    "scarce_critical",
    "all_suppliers_stricken",
    "damaged_depot",
    "reserve_floor_binding",
    "ties",
    "on_time_first",
]


def load(name: str) -> tuple[Problem, dict[str, dict[str, object]]]:
    data = json.loads((INSTANCES / f"{name}.json").read_text())
    return Problem.from_dict(data["problem"]), data["expected"]


@pytest.mark.parametrize("name", NAMES)
def test_named_instance(name: str) -> None:
    problem, expected = load(name)
    result = solve(problem)
    assert result.status is SolveStatus.OPTIMAL
    assert validate(problem, result) == []
    filled: dict[str, int] = defaultdict(int)
    for a in result.allocations:
        filled[str(a.line_id)] += a.quantity
    assert {k: filled[k] for k in expected["fills"]} == expected["fills"]
    assert {str(u.line_id): u.cause for u in result.unmet} == expected["causes"]
    assert Problem.from_dict(problem.to_dict()) == problem


def test_on_time_first_serves_the_urgent_line_from_the_near_depot() -> None:
    problem, _ = load("on_time_first")
    result = solve(problem)
    assert {(a.line_id, a.depot_id) for a in result.allocations} == {(1, 1), (2, 2)}
    assert result.objective.late_units == 0


def test_lifting_the_stricken_rule_lets_stricken_members_help_each_other() -> None:
    problem, _ = load("all_suppliers_stricken")
    lifted = Problem(
        problem.supplies, problem.lines, problem.stricken, Options(include_stricken_suppliers=True)
    )
    result = solve(lifted)
    assert validate(lifted, result) == []
    assert result.objective.total_allocated == 350
    assert all(a.supplier_code != "27" for a in result.allocations)


def test_counterpart_preferred_on_a_tie_and_named_in_the_reason() -> None:
    problem, _ = load("ties")
    result = solve(problem)
    to_hyogo = [a for a in result.allocations if a.line_id == 2]
    assert [a.supplier_code for a in to_hyogo] == ["26"]
    assert to_hyogo[0].reason.startswith("counterpart of 28: ")
    assert result.objective.weighted_haul_km_units < result.objective.haul_km_units


def test_scarce_critical_reasons_say_shortage() -> None:
    problem, _ = load("scarce_critical")
    result = solve(problem)
    assert result.allocations
    assert all(a.reason.startswith("shared out under shortage: ") for a in result.allocations)
    assert result.objective.min_fill_ratio_critical == 0.5
    assert result.objective.min_fill_ratio_normal == 0.0


def test_inputs_stored_before_settings_were_split_still_load() -> None:
    """Plans stored earlier froze the travel model and time limit into their options."""
    problem, _ = load("ties")
    stored = problem.to_dict()
    stored["options"] |= {
        "circuity": 1.3,
        "truck_kmh": 40.0,
        "loading_minutes": 30.0,
        "time_limit_s": 20.0,
    }
    assert Problem.from_dict(stored) == problem
    assert set(problem.to_dict()["options"]) == {
        "include_stricken_suppliers",
        "counterparts",
        "counterpart_factor",
    }
