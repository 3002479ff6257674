"""Rule 4 (SPEC §3): given rules 1-3, the fewest units late, then the shortest haul; `late` flags.

The property tests hold the solver against an independent LP (`matching_lp`) on random instances
with deadlines and closures: at the solver's own fills, its late units are the LP's fewest, and
its haul is the LP's least among plans with that many late units. Fills still follow rules 2-3.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.matching.matching_lp import class_optima, min_haul, min_late
from tests.matching.matching_strategies import problems, timed_problems
from ukg_aid.matching import (
    PlanResult,
    Priority,
    Problem,
    RequestLine,
    SolveStatus,
    Supply,
    TruckWaits,
    solve,
    solve_greedy,
    validate,
)

# On one meridian inland (Honshu, no crossing): R at 35.00 N, D1 5 km north of it, U 22 km
# north of D1, D2 39 km north of U. Road km = great circle × 1.3, ETA = 30 min + km at 40 km/h.
LON = 135.8


def _depot(depot_id: int, lat: float) -> Supply:
    return Supply(depot_id, "25", "water", lat, LON, 10, 0, 0)


def _line(line_id: int, lat: float, needed_by: float | None) -> RequestLine:
    return RequestLine(line_id, line_id, "26", "water", 10, Priority.HIGH, lat, LON, needed_by)


def _two_lines(urgent_by: float | None) -> Problem:
    depots = (_depot(1, 35.05), _depot(2, 35.60))
    lines = (_line(1, 35.25, urgent_by), _line(2, 35.00, None))
    return Problem(depots, lines, frozenset({"26"}))


def _pairs(result: PlanResult) -> set[tuple[int, int]]:
    return {(a.depot_id, a.line_id) for a in result.allocations}


def test_the_shortest_haul_would_be_late_so_the_plan_takes_a_longer_one() -> None:
    plain = solve(_two_lines(None))
    assert _pairs(plain) == {(1, 2), (2, 1)}, "shortest: the far depot serves the urgent line"
    eta = next(a.eta_minutes for a in plain.allocations if a.line_id == 1)
    assert 90 < eta < 120 and not any(a.late for a in plain.allocations)

    problem = _two_lines(90.0)
    result = solve(problem)
    assert result.status is SolveStatus.OPTIMAL and validate(problem, result) == []
    assert _pairs(result) == {(1, 1), (2, 2)}
    assert (result.objective.late_units, result.objective.late_allocations) == (0, 0)
    assert result.objective.haul_km_units > plain.objective.haul_km_units
    assert all("late" not in a.reason for a in result.allocations)


def test_when_no_plan_is_on_time_the_late_units_say_so_and_the_haul_is_shortest() -> None:
    problem = _two_lines(50.0)
    result = solve(problem)
    assert validate(problem, result) == []
    assert _pairs(result) == _pairs(solve(_two_lines(None)))
    (late,) = [a for a in result.allocations if a.late]
    assert late.line_id == 1 and late.reason.endswith(
        f"; late: ETA {late.eta_minutes:.0f} min, needed within 50 min"
    )
    assert (result.objective.late_units, result.objective.late_allocations) == (10, 1)


def test_a_deadline_already_past_makes_every_unit_late() -> None:
    result = solve(_two_lines(-15.0))
    assert result.objective.late_units == 10
    assert [a.late for a in result.allocations if a.line_id == 1] == [True]


def test_validate_checks_the_late_flags_and_figures() -> None:
    problem = _two_lines(50.0)
    result = solve(problem)
    flipped = tuple(dataclasses.replace(a, late=not a.late) for a in result.allocations)
    wrong_flags = dataclasses.replace(result, allocations=flipped)
    assert (
        sum(v.startswith("accounting:") and "late=" in v for v in validate(problem, wrong_flags))
        == 2
    )
    wrong_sum = dataclasses.replace(
        result, objective=dataclasses.replace(result.objective, late_units=0)
    )
    assert any(v.startswith("objective: late_units") for v in validate(problem, wrong_sum))


def _fills(result: PlanResult) -> dict[int, int]:
    filled: dict[int, int] = defaultdict(int)
    for a in result.allocations:
        filled[a.line_id] += a.quantity
    return filled


def test_a_busy_supplier_is_late_so_the_plan_takes_another_way() -> None:
    """The shortest haul (D2, member 27, serves the urgent line U) arrives within 130 min while
    27's trucks are free; with them out for 60 min only D1 arrives in time: the plan swaps, and
    the wait is in the ETA and in the reason."""
    far = dataclasses.replace(_depot(2, 35.60), member_code="27")
    base = dataclasses.replace(_two_lines(130.0), supplies=(_depot(1, 35.05), far))
    free = solve(base)
    assert _pairs(free) == {(1, 2), (2, 1)} and free.objective.late_units == 0
    busy = dataclasses.replace(base, truck_waits=TruckWaits({"27": (0.0, 60.0, 60.0)}))
    result = solve(busy)
    assert validate(busy, result) == [] and result.objective.late_units == 0
    assert _pairs(result) == {(1, 1), (2, 2)}
    waited = next(a for a in result.allocations if a.depot_id == 2)
    assert waited.truck_wait_minutes == 60.0
    assert waited.eta_minutes == pytest.approx(60.0 + 30.0 + waited.distance_km / 40.0 * 60.0)
    assert waited.reason.endswith("; truck wait 60 min in the ETA")
    other = next(a for a in result.allocations if a.depot_id == 1)
    assert other.truck_wait_minutes == 0.0 and "truck wait" not in other.reason
    critical_only = TruckWaits({"27": (60.0, 0.0, 0.0)})  # a wait for critical loads only
    assert _pairs(solve(dataclasses.replace(base, truck_waits=critical_only))) == _pairs(free)


def test_validate_checks_the_eta_holds_the_truck_wait() -> None:
    busy = dataclasses.replace(_two_lines(50.0), truck_waits=TruckWaits({"25": (30.0,) * 3}))
    result = solve(busy)
    assert validate(busy, result) == []
    assert any("ETA is off" in v for v in validate(_two_lines(50.0), result))


def test_truck_waits_survive_the_json_round_trip_and_old_inputs_load() -> None:
    waits = TruckWaits({"25": (0.0, 12.5, 40.0), "27": (0.0, 0.0, 0.0)})
    problem = dataclasses.replace(_two_lines(50.0), truck_waits=waits)
    stored = problem.to_dict()
    assert stored["truck_waits"] == {"25": [0.0, 12.5, 40.0]}
    assert Problem.from_dict(stored).truck_waits.minutes == {"25": (0.0, 12.5, 40.0)}
    del stored["truck_waits"]
    assert Problem.from_dict(stored).truck_waits.is_empty
    with pytest.raises(ValueError):
        TruckWaits({"25": (-1.0, 0.0, 0.0)})


MANY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# About one in ten of these has a shortest haul that is later than it needs to be.
TIMED = st.one_of(problems(due=True, closed=True), timed_problems())
WAITED = st.one_of(problems(due=True, closed=True, waited=True), timed_problems(waited=True))


@settings(MANY, max_examples=150)
@given(TIMED)
def test_fewest_late_units_then_shortest_haul_match_the_lp(problem: Problem) -> None:
    _matches_the_lp(problem)


@settings(MANY, max_examples=120)
@given(WAITED)
def test_with_truck_waits_fewest_late_then_shortest_haul_match_the_lp(problem: Problem) -> None:
    """The LP counts a unit late when wait + loading + drive is past the deadline."""
    _matches_the_lp(problem)


@MANY
@given(problems(due=True, closed=True))
def test_no_truck_busy_changes_nothing(problem: Problem) -> None:
    """SPEC rule 4 stays as it was: waits of 0 for every member give the same plan."""
    zero = TruckWaits(dict.fromkeys(("25", "27", "27100", "28"), (0.0, 0.0, 0.0)))
    assert zero.is_empty
    before, after = solve(problem), solve(dataclasses.replace(problem, truck_waits=zero))
    assert after.allocations == before.allocations and after.objective == before.objective


def _matches_the_lp(problem: Problem) -> None:
    result = solve(problem)
    assert result.status is SolveStatus.OPTIMAL
    assert validate(problem, result) == []
    filled = _fills(result)
    late_lp = haul_lp = 0.0
    for item in {ln.item_code for ln in problem.lines}:
        fills = {ln.line_id: filled[ln.line_id] for ln in problem.lines if ln.item_code == item}
        late = min_late(problem, item, fills)
        late_lp += late
        haul_lp += min_haul(problem, item, fills, late_units=late)
    assert result.objective.late_units == round(late_lp)
    haul = result.objective.weighted_haul_km_units
    assert haul_lp - 1e-6 <= haul <= haul_lp * 1.005 + 1e-6


@MANY
@given(TIMED)
def test_deadlines_and_closures_keep_priority_and_fair_shares(problem: Problem) -> None:
    filled = _fills(solve(problem))
    for item in {ln.item_code for ln in problem.lines}:
        for priority, (total, ratio) in class_optima(problem, item).items():
            cls = [ln for ln in problem.lines if ln.item_code == item and ln.priority == priority]
            assert sum(filled[ln.line_id] for ln in cls) == round(total)
            for ln in cls:
                assert filled[ln.line_id] >= ratio * ln.quantity - 1 - 1e-6


@MANY
@given(problems(closed=True))
def test_deadlines_no_plan_can_miss_leave_the_plan_as_it_was(problem: Problem) -> None:
    """A deadline a week away changes nothing: without late arcs the stage is the plain haul."""
    week = 7 * 24 * 60.0
    relaxed = dataclasses.replace(
        problem,
        lines=tuple(dataclasses.replace(ln, needed_by_minutes=week) for ln in problem.lines),
    )
    before, after = solve(problem), solve(relaxed)
    assert after.allocations == before.allocations and after.unmet == before.unmet
    assert after.objective == before.objective


@MANY
@given(problems(due=True, closed=True))
def test_greedy_flags_lateness_and_keeps_to_the_ways_left(problem: Problem) -> None:
    result = solve_greedy(problem)
    assert validate(problem, result, check_priority=False, check_fairness=False) == []
