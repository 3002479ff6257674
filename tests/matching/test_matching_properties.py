"""Property tests: on random small instances the solver's plan is valid, as fair and as
prioritized as the LP optimum allows, and its haul matches an independent LP at the same fills."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_lp import class_optima, min_haul

from ukg_aid.matching import (
    Options,
    PlanResult,
    Priority,
    Problem,
    RequestLine,
    SolveStatus,
    Supply,
    solve,
    solve_greedy,
    validate,
)

MEMBERS = ["25", "27", "27100", "28"]
ITEMS = ["water", "blanket"]
coords = st.tuples(st.floats(34.2, 35.6), st.floats(134.5, 136.2))


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    supplies = []
    for depot_id in range(draw(st.integers(1, 6))):
        member, (lat, lon) = draw(st.sampled_from(MEMBERS)), draw(coords)
        for item in draw(st.sets(st.sampled_from(ITEMS), min_size=1)):
            supplies.append(
                Supply(
                    depot_id=depot_id,
                    member_code=member,
                    item_code=item,
                    lat=lat,
                    lon=lon,
                    on_hand=draw(st.integers(0, 40)),
                    reserved=draw(st.integers(0, 5)),
                    reserve_floor=draw(st.integers(0, 10)),
                    operational=draw(st.sampled_from([True, True, False])),
                )
            )
    lines = [
        RequestLine(
            line_id=k,
            request_id=k // 2,
            member_code=draw(st.sampled_from(MEMBERS)),
            item_code=draw(st.sampled_from(ITEMS)),
            quantity=draw(st.integers(1, 30)),
            priority=draw(st.sampled_from(list(Priority))),
            lat=draw(coords)[0],
            lon=draw(coords)[1],
        )
        for k in range(draw(st.integers(1, 7)))
    ]
    pairs = draw(st.frozensets(st.tuples(st.sampled_from(MEMBERS), st.sampled_from(MEMBERS))))
    options = Options(include_stricken_suppliers=draw(st.booleans()), counterparts=pairs)
    stricken = frozenset(ln.member_code for ln in lines)
    return Problem(tuple(supplies), tuple(lines), stricken, options)


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
    assert result.objective["weighted_haul_km_units"] <= lp * 1.005 + 1e-6


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
    assert result.objective["total_allocated"] <= solve(problem).objective["total_allocated"]
