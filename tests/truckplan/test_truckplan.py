"""Plans that know the trucks (issue 13, ``ukg_aid.truckplan``): projection onto the pools and
the re-solve loop, on small instances whose trip times are worked out by hand.

On one meridian inland (no crossing, no driver break under 4 h): D1 (member 25) at 35.05 N, the
lines U at 35.25 and V at 35.30, D2 (member 27) at 35.60. Road km = great circle × 1.3; a trip
is loading 30 min, the drive at 40 km/h, unloading 30 min, the drive back. Water weighs 1 kg,
so 4,000 L fill one 4 t truck.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from ukg_aid import logistics, truckplan
from ukg_aid.geo import Point
from ukg_aid.matching import (
    Allocation,
    EstimateTravel,
    PlanResult,
    Priority,
    Problem,
    RequestLine,
    SolverSettings,
    Supply,
    TruckWaits,
    solve,
    validate,
)
from ukg_aid.truckplan import projection

LON = 135.8
AT = dt.datetime(1995, 1, 17, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
TRAVEL = EstimateTravel()


def _km(lat_a: float, lat_b: float) -> float:
    return TRAVEL.distances_km([Point(lat_a, LON)], [Point(lat_b, LON)])[0][0]


def _drive(lat_a: float, lat_b: float) -> float:
    return _km(lat_a, lat_b) / 40.0 * 60.0


def _problem(needed_by: float | None) -> Problem:
    supplies = (
        Supply(1, "25", "water", 35.05, LON, 8000, 0, 0),
        Supply(2, "27", "water", 35.60, LON, 8000, 0, 0),
    )
    lines = tuple(
        RequestLine(k, k, "26", "water", 4000, Priority.HIGH, lat, LON, needed_by)
        for k, lat in ((1, 35.25), (2, 35.30))
    )
    return Problem(supplies, lines, frozenset({"26"}))


def _trucks(member: str, n: int, free_at: dt.datetime | None = None) -> tuple[logistics.Truck, ...]:
    return tuple(logistics.Truck(f"{member}-4t-{k}", "4t", free_at) for k in range(1, n + 1))


def _fleet(
    d1_trucks: int = 1, d2_trucks: int = 2, pools: dict[str, truckplan.MemberPool] | None = None
) -> truckplan.Fleet:
    base = {
        "25": truckplan.MemberPool(_trucks("25", d1_trucks)),
        "27": truckplan.MemberPool(_trucks("27", d2_trucks)),
    }
    return truckplan.Fleet(AT, {**base, **(pools or {})}, {"water": 1.0})


def _solver(problem: Problem) -> PlanResult:
    return solve(problem, SolverSettings(travel=TRAVEL))


def _by_line(result: PlanResult) -> dict[int, Allocation]:
    return {a.line_id: a for a in result.allocations}


def test_the_second_shipment_on_one_truck_waits_for_its_return() -> None:
    problem = _problem(None)
    plain = _solver(problem)
    assert {a.depot_id for a in plain.allocations} == {1}, "nearest: both from D1"
    projected = truckplan.project(problem, plain, _fleet()).result
    rows = _by_line(projected)
    # Queue order among equals is the shipment id: the plan's shipments are numbered in
    # allocation order, downwards, so V's (line 2) goes first.
    first, second = rows[2], rows[1]
    assert first.truck_wait_minutes == pytest.approx(0.0, abs=1e-6)
    assert first.eta_minutes == pytest.approx(30 + _drive(35.05, 35.30), abs=0.01)
    back = 30 + 2 * _drive(35.05, 35.30) + 30
    assert second.truck_wait_minutes == pytest.approx(back, abs=0.01)
    assert second.eta_minutes == pytest.approx(back + 30 + _drive(35.05, 35.25), abs=0.01)
    assert second.reason.endswith(f"; truck wait {math.floor(round(back, 1) + 0.5)} min in the ETA")
    assert not any(a.late for a in projected.allocations)


def test_the_projection_makes_a_line_late_and_the_next_round_moves_it() -> None:
    problem = _problem(150.0)
    plan = truckplan.plan_with_trucks(problem, _solver, _fleet())
    assert plan.late_by_round[0] == 4000, "both on D1's one truck: the second is late"
    assert plan.late_by_round[-1] == 0 and plan.kept == len(plan.late_by_round) - 1
    assert plan.projected.objective.late_units == 0
    assert validate(plan.problem, plan.solved) == []
    assert plan.problem.truck_waits.wait("25", Priority.HIGH) > 150
    assert plan.problem.truck_waits.wait("27", Priority.HIGH) == 0.0
    assert {a.depot_id for a in plan.projected.allocations} >= {2}


def test_with_trucks_to_spare_the_plan_is_the_plain_one() -> None:
    problem = _problem(150.0)
    plan = truckplan.plan_with_trucks(problem, _solver, _fleet(d1_trucks=2))
    plain = _solver(problem)
    assert plan.late_by_round == (0,) and plan.problem.truck_waits.is_empty
    assert plan.projected.allocations == plain.allocations


def test_trucks_out_and_a_queue_at_plan_time_are_waits_in_the_inputs() -> None:
    back = AT + dt.timedelta(minutes=100)
    queued = logistics.Job(7, AT - dt.timedelta(minutes=5), logistics.Load(4_000_000), 10.0, 1)
    fleet = _fleet(pools={"25": truckplan.MemberPool(_trucks("25", 1, back), (queued,))})
    waits = truckplan.waits_now(fleet, {"25", "27"})
    critical, high, normal = waits.minutes["25"]
    assert critical == pytest.approx(100.0), "a critical load goes ahead of the queued high one"
    trip = 30 + 2 * 10 / 40 * 60 + 30
    assert high == pytest.approx(100.0 + trip) and normal == pytest.approx(100.0 + trip)
    assert "27" not in waits.minutes
    plan = truckplan.plan_with_trucks(_problem(None), _solver, fleet)
    assert plan.problem.truck_waits == waits


def test_no_pool_keeps_the_plain_eta() -> None:
    problem = _problem(None)
    plain = _solver(problem)
    fleet = truckplan.Fleet(AT, {}, {"water": 1.0})
    assert truckplan.project(problem, plain, fleet).result.allocations == plain.allocations
    assert truckplan.waits_now(fleet, {"25"}) == TruckWaits()


def test_rounds_are_capped() -> None:
    plan = truckplan.plan_with_trucks(_problem(150.0), _solver, _fleet(), rounds=1)
    assert plan.late_by_round == (4000,) and plan.projected.objective.late_units == 4000
    late = [a for a in plan.projected.allocations if a.late]
    assert len(late) == 1 and late[0].reason.count("; late: ETA") == 1


def test_without_deadlines_the_plan_is_not_projected() -> None:
    """Nothing can be late: one solve with the waits at plan time, whatever the plan's load."""
    plan = truckplan.plan_with_trucks(_problem(None), _solver, _fleet(), rounds=3)
    assert plan.late_by_round == (0,) and plan.projected == plan.solved
    assert {a.depot_id for a in plan.projected.allocations} == {1}
    assert all(a.truck_wait_minutes == 0 for a in plan.projected.allocations)


def test_a_round_that_would_not_fit_the_time_limit_is_not_started() -> None:
    """Rounds together stay within the plan's solver time limit: with no time left after the
    first, the plan is the first round's (projected late), though a second would move the line."""
    plan = truckplan.plan_with_trucks(_problem(150.0), _solver, _fleet(), rounds=3, budget_s=0.0)
    assert plan.late_by_round == (4000,) and plan.kept == 0
    roomy = truckplan.plan_with_trucks(_problem(150.0), _solver, _fleet(), rounds=3, budget_s=60)
    assert roomy.late_by_round[-1] == 0


def _simulated(fleet: truckplan.Fleet, members: set[str]) -> dict[str, tuple[float, float, float]]:
    """``waits_now`` the long way: every pool simulated, as before its shortcut for idle pools."""
    found = {}
    for code in sorted(members & set(fleet.pools)):
        pool = fleet.pools[code]
        waits = projection.next_load_waits(fleet, pool, pool.queued)
        if waits is not None and any(waits):
            found[code] = waits
    return found


@pytest.mark.parametrize(
    "pool",
    [
        truckplan.MemberPool(_trucks("25", 2)),  # all free from the start
        truckplan.MemberPool(_trucks("25", 1, AT)),  # free at the plan's time exactly
        truckplan.MemberPool(_trucks("25", 1, AT - dt.timedelta(minutes=5))),  # back before it
        truckplan.MemberPool(_trucks("25", 1, AT + dt.timedelta(minutes=40))),  # out
        truckplan.MemberPool(_trucks("25", 1) + _trucks("26", 1, AT + dt.timedelta(hours=2))),
        truckplan.MemberPool(
            _trucks("25", 1),
            (logistics.Job(7, AT, logistics.Load(4_000_000), 10.0, 0),),  # a queue
        ),
    ],
)
def test_an_idle_pool_has_the_waits_its_simulation_gives(pool: truckplan.MemberPool) -> None:
    fleet = _fleet(pools={"25": pool})
    assert truckplan.waits_now(fleet, {"25"}).minutes == _simulated(fleet, {"25"})


def test_a_pool_without_trucks_is_refused() -> None:
    """It would read as no wait at all, a supplier that ships at once; a member without trucks
    has no pool instead (``plans.truck_state.fleet_at``), and waits 0 as before trucks were
    planned (``matching.TruckWaits``)."""
    with pytest.raises(ValueError, match="at least one truck"):
        truckplan.MemberPool(())


def test_a_pool_the_simulation_refuses_is_still_refused() -> None:
    bad = truckplan.MemberPool((logistics.Truck("25-x-1", "2t"),))
    with pytest.raises(ValueError, match="unknown truck class"):
        truckplan.waits_now(_fleet(pools={"25": bad}), {"25"})


def test_naive_times_are_refused_as_the_simulation_refuses_them() -> None:
    naive = AT.replace(tzinfo=None)
    free = truckplan.MemberPool(_trucks("25", 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        truckplan.waits_now(truckplan.Fleet(naive, {"25": free}, {"water": 1.0}), {"25"})
    back_naive = truckplan.MemberPool(_trucks("25", 1, naive))
    with pytest.raises(ValueError, match="timezone-aware"):
        truckplan.waits_now(_fleet(pools={"25": back_naive}), {"25"})
