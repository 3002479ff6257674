"""The truck pool simulation: returns free trucks, the queue's order, waves, driver days."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from tests.logistics.logistics_fixtures import at, job, truck
from ukg_aid.logistics import (
    DutyState,
    HaulAssumptions,
    Job,
    Load,
    Truck,
    busy_series,
    default_haul_assumptions,
    earliest_departure,
    queue_series,
    simulate_pool,
    utilisation,
    waiting_at,
)

# 60 km/h: a kilometre is a minute. A 60 km trip: load 30, out 60, unload 30, back 60 = 180 min.
HAUL = HaulAssumptions(truck_kmh=60, loading_min=30, unloading_min=30)


def _run(trucks, jobs, **kwargs):
    return simulate_pool(trucks, jobs, haul=HAUL, **kwargs)


def test_package_haul_assumptions() -> None:
    assert default_haul_assumptions() == HaulAssumptions(40, 30, 30)


def test_one_truck_one_trip() -> None:
    run = _run([truck("a")], [job(1, kg=3000, km=60)])
    (trip,) = run.trips
    assert (trip.assigned_at, trip.depart_at, trip.arrive_at) == (at(0), at(30), at(90))
    assert (trip.unloaded_at, trip.return_at) == (at(120), at(180))
    assert (trip.share, trip.weight_kg, trip.breaks, trip.rests) == (Fraction(1), 3000, 0, 0)
    outcome = run.outcome(1)
    assert (outcome.queue_wait_min, outcome.delivered_at, outcome.waiting) == (0, at(120), False)
    assert run.trucks[0].free_at == at(180)
    assert run.trucks[0].duty == DutyState(continuous_min=120, drive_min=120, duty_min=180)


def test_a_return_frees_the_truck_for_the_next_shipment() -> None:
    run = _run([truck("a")], [job(1, km=60), job(2, ready=10, km=60)])
    second = run.outcome(2)
    assert second.first_assigned_at == at(180)
    assert second.queue_wait_min == 170
    # 4 h of driving since the last break exactly at the end of the return: no break needed.
    assert (second.trips[0].return_at, second.trips[0].breaks) == (at(360), 0)
    assert waiting_at(run, at(100)) == (2,)
    assert waiting_at(run, at(180)) == ()
    assert queue_series(run) == ((at(0), 0), (at(10), 1), (at(180), 0))


def test_first_come_first_served_within_a_priority() -> None:
    busy = truck("a", free=100)
    run = _run([busy], [job(3, ready=20), job(1, ready=30), job(2, ready=20)])
    order = sorted(run.outcomes, key=lambda o: o.first_assigned_at)
    assert [o.shipment_id for o in order] == [2, 3, 1]  # by ready time, then id


def test_priority_before_arrival_order() -> None:
    busy = truck("a", free=100)
    jobs = [job(1, ready=0, rank=2), job(2, ready=10, rank=1), job(3, ready=20, rank=0)]
    run = _run([busy], jobs)
    assert waiting_at(run, at(50)) == (3, 2, 1)
    assert [run.outcome(i).first_assigned_at for i in (3, 2, 1)] == sorted(
        run.outcome(i).first_assigned_at for i in (1, 2, 3)
    )
    assert run.outcome(3).first_assigned_at == at(100)


def test_a_started_shipment_finishes_before_a_more_urgent_one() -> None:
    jobs = [job(1, ready=0, kg=6000, km=60, rank=2), job(2, ready=10, kg=1000, km=60, rank=0)]
    run = _run([truck("a")], jobs)
    first = run.outcome(1)
    assert [t.share for t in first.trips] == [Fraction(2, 3), Fraction(1, 3)]
    assert [t.assigned_at for t in first.trips] == [at(0), at(180)]
    assert run.outcome(2).first_assigned_at == at(360)


def test_a_shipment_heavier_than_the_pool_goes_in_waves() -> None:
    run = _run([truck("a"), truck("b")], [job(1, kg=20_000, km=60)])
    trips = run.outcome(1).trips
    assert [(t.truck_id, t.assigned_at) for t in trips] == [
        ("a", at(0)),
        ("b", at(0)),
        ("a", at(180)),
        ("b", at(180)),
        ("a", at(360)),  # the last fifth needs one truck, the first by id
    ]
    assert sum(t.share for t in trips) == 1
    assert sum(t.weight_kg for t in trips) == 20_000
    # Third wave: 4 h of driving since the last break, so a break before leaving the depot area.
    last = trips[-1]
    assert (last.breaks, last.arrive_at, last.unloaded_at) == (1, at(480), at(510))
    assert run.outcome(1).delivered_at == at(510)
    assert run.outcome(1).dispatched_at == at(360)


def test_the_fewest_free_trucks_that_carry_the_load() -> None:
    # The 4 t trucks come first by id, yet one 10 t truck is fewer than two 4 t ones.
    trucks = [truck("s1", "4t"), truck("s2", "4t"), truck("x1", "10t")]
    run = _run(trucks, [job(1, kg=7000), job(2, kg=7000)])
    assert [t.truck_id for t in run.outcome(1).trips] == ["x1"]
    assert sorted(t.truck_id for t in run.outcome(2).trips) == ["s1", "s2"]


def test_a_tired_driver_rests_at_the_depot_when_that_arrives_sooner() -> None:
    # One truck, 120 km each way (a 300 min trip). Trips 1 and 2 use 480 of the day's 540 min of
    # driving; trip 3 would stop for the 9 h rest on the road, so the driver rests at the depot
    # first and arrives sooner (1320 instead of 1350).
    jobs = [job(i, km=120) for i in (1, 2, 3)]
    run = _run([truck("a")], jobs)
    third = run.outcome(3).trips[0]
    assert third.assigned_at == at(630)
    assert (third.depart_at, third.arrive_at, third.rests) == (at(1200), at(1320), 0)
    assert run.outcome(2).trips[0].breaks == 1


def test_a_known_duty_state_carries_into_the_pool() -> None:
    spent = Truck("a", "4t", at(0), DutyState(continuous_min=0, drive_min=540, duty_min=600))
    run = _run([spent], [job(1, ready=300, km=60)])
    (trip,) = run.trips
    assert (trip.assigned_at, trip.depart_at, trip.arrive_at) == (at(300), at(570), at(630))


def test_a_rested_driver_goes_before_a_tired_one() -> None:
    tired = Truck("a", "4t", at(0), DutyState(continuous_min=0, drive_min=540, duty_min=600))
    run = _run([tired, truck("b")], [job(1, km=60)])
    (trip,) = run.trips
    assert (trip.truck_id, trip.depart_at) == ("b", at(30))


def test_earliest_departure_with_trucks_out() -> None:
    trucks = [truck("a", free=120), truck("b", free=300)]
    alone = earliest_departure(trucks, job(9, km=60), haul=HAUL)
    assert (alone.first_assigned_at, alone.first_departure_at) == (at(120), at(150))
    behind = earliest_departure(trucks, job(9, km=60), ahead=[job(8, km=60)], haul=HAUL)
    assert (behind.first_assigned_at, behind.delivered_at) == (at(300), at(420))


def test_no_trucks_means_waiting_forever_and_visibly() -> None:
    run = _run([], [job(1), job(2, ready=5)])
    assert all(o.waiting and o.left == 1 and o.delivered_at is None for o in run.outcomes)
    assert run.outcome(1).queue_wait_min is None
    assert waiting_at(run, at(10_000)) == (1, 2)
    assert queue_series(run)[-1] == (at(5), 2)


def test_until_stops_assigning() -> None:
    run = _run([truck("a")], [job(1, km=60), job(2, ready=10, km=60)], until=at(179))
    assert run.outcome(1).delivered_at == at(120)
    assert run.outcome(2).waiting


def test_utilisation_and_busy_series() -> None:
    run = _run([truck("a", "4t"), truck("l", "10t")], [job(1, kg=3000, km=60)])
    assert busy_series(run)[0].committed == (("10t", 0), ("4t", 1))
    assert [(s.at, s.total) for s in busy_series(run)] == [(at(0), 1), (at(180), 0)]
    shares = utilisation(run, at(0), at(360))
    assert shares == {"10t": 0.0, "4t": 0.5, "all": 0.25}
    assert utilisation(run, at(90), at(180))["4t"] == 1.0
    with pytest.raises(ValueError, match="end must be after start"):
        utilisation(run, at(10), at(10))


def test_bad_inputs_are_refused() -> None:
    naive = Job(1, dt.datetime(2025, 1, 17), Load(1000), 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        _run([truck("a")], [naive])
    with pytest.raises(ValueError, match="truck ids must be unique"):
        _run([truck("a"), truck("a")], [job(1)])
    with pytest.raises(ValueError, match="unknown truck class"):
        _run([truck("a", "2t")], [job(1)])
    with pytest.raises(ValueError, match="shipment ids must be unique"):
        _run([truck("a")], [job(1), job(1)])
    with pytest.raises(ValueError, match="distance_km"):
        _run([truck("a")], [job(1, km=-5)])
    with pytest.raises(ValueError, match="until must be timezone-aware"):
        _run([truck("a")], [job(1)], until=dt.datetime(2025, 1, 18))


def test_empty_run_keeps_the_trucks() -> None:
    run = _run([truck("a", free=5)], [])
    assert run.outcomes == ()
    assert run.trucks == (Truck("a", "4t", at(5)),)
