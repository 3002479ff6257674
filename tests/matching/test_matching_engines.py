"""The two exact haul engines reach the same per-stage optimum (late units, then haul); the fast one
falls back safely.

`HaulEngine.NETWORK_SIMPLEX` (the default) and `HaulEngine.MIN_COST_FLOW` (OR-Tools cost scaling,
the dense reference) solve the same stage on the same full depot × line network with the same
integer costs (whole metres), so their optima must be equal to the unit-metre, every priority class
must get its priority total and every line at least its fair floor. Which line gets the units above
the floors is free where hauls tie, so the final smallest fill ratio may differ between the two.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import ot
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.matching.matching_strategies import problems, timed_problems
from ukg_aid.matching import (
    HaulEngine,
    PlanResult,
    Priority,
    Problem,
    SolverSettings,
    SolveStatus,
    _haul,
    solve,
    validate,
)
from ukg_aid.matching._fills import fair_fills
from ukg_aid.matching._plan import items
from ukg_aid.matching.eligibility import haul_factor

DENSE = SolverSettings(haul_engine=HaulEngine.MIN_COST_FLOW)
FAST = SolverSettings(haul_engine=HaulEngine.NETWORK_SIMPLEX)


def integer_haul(problem: Problem, result: PlanResult) -> int:
    """Σ quantity × whole metres (× counterpart factor), as both engines minimize it."""
    requester = {ln.line_id: ln.member_code for ln in problem.lines}
    return sum(
        a.quantity
        * round(
            a.distance_km
            * haul_factor(problem.options, a.supplier_code, requester[a.line_id])
            * _haul.COST_SCALE
        )
        for a in result.allocations
    )


def line_fills(result: PlanResult) -> dict[int, int]:
    got: dict[int, int] = defaultdict(int)
    for a in result.allocations:
        got[a.line_id] += a.quantity
    return got


def fair_floors(problem: Problem) -> dict[int, int]:
    """Each line's fair-share floor as the (shared) fill stages decide it."""
    floors: dict[int, int] = {}
    for item in items(problem, SolverSettings().travel):
        if item.donors:
            fills = fair_fills(item)
            floors |= {ln.line_id: f for ln, f in zip(item.lines, fills.floors, strict=True)}
    return floors


def class_totals(problem: Problem, result: PlanResult) -> dict[tuple[str, Priority], int]:
    lines = {ln.line_id: ln for ln in problem.lines}
    totals: dict[tuple[str, Priority], int] = defaultdict(int)
    for a in result.allocations:
        totals[(a.item_code, lines[a.line_id].priority)] += a.quantity
    return dict(totals)


MANY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@MANY
@given(problems())
def test_network_simplex_equals_dense_min_cost_flow(problem: Problem) -> None:
    fast, dense = solve(problem, FAST), solve(problem, DENSE)
    assert fast.status is dense.status is SolveStatus.OPTIMAL
    assert validate(problem, fast) == [] and validate(problem, dense) == []
    assert class_totals(problem, fast) == class_totals(problem, dense)
    floors = fair_floors(problem)
    for result in (fast, dense):
        got = line_fills(result)
        assert all(got[line_id] >= floor for line_id, floor in floors.items())
    assert integer_haul(problem, fast) == integer_haul(problem, dense)


@MANY
@given(st.one_of(problems(due=True, closed=True), timed_problems()))
def test_both_engines_reach_the_same_late_units_then_haul(problem: Problem) -> None:
    """Rule 4 with deadlines: two-phase network simplex and the weighted min-cost flow agree."""
    fast, dense = solve(problem, FAST), solve(problem, DENSE)
    assert validate(problem, fast) == [] and validate(problem, dense) == []
    assert class_totals(problem, fast) == class_totals(problem, dense)
    assert fast.objective.late_units == dense.objective.late_units
    assert integer_haul(problem, fast) == integer_haul(problem, dense)


@pytest.mark.parametrize("name", ["scarce_critical", "on_time_first"])
def test_network_simplex_stopping_short_falls_back_to_the_exact_flow(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """If POT reports no proven optimum (its iteration limit), the plan is still the optimum."""
    problem = _instance(name)
    expected = solve(problem, DENSE)
    real_emd = ot.emd
    calls = []

    def stops_short(*args: Any, **kwargs: Any) -> Any:
        plan, log = real_emd(*args, **kwargs)
        calls.append(1)
        return plan, {**log, "warning": "numItermax reached before optimality"}

    monkeypatch.setattr(ot, "emd", stops_short)  # the module _haul calls
    result = solve(problem, FAST)
    assert calls, "the network simplex was not tried"
    assert validate(problem, result) == []
    assert integer_haul(problem, result) == integer_haul(problem, expected)
    assert result.objective.late_units == expected.objective.late_units


def _instance(name: str) -> Problem:
    path = Path(__file__).parent / "instances" / f"{name}.json"
    return Problem.from_dict(json.loads(path.read_text())["problem"])
