"""Properties of every pool run: deterministic, trucks used once at a time, loads carried in
full, no shipment overtaken, no truck idle while a shipment waits."""

from __future__ import annotations

import random
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.logistics.logistics_fixtures import job, truck
from ukg_aid.logistics import PoolRun, simulate_pool

JOBS = st.lists(
    st.tuples(
        st.integers(0, 2000),  # ready (min)
        st.integers(0, 30_000),  # kg
        st.integers(1, 400),  # km one way
        st.integers(0, 2),  # priority rank
    ),
    max_size=25,
)
TRUCKS = st.lists(st.tuples(st.sampled_from(["4t", "10t"]), st.integers(0, 600)), max_size=6)


def _inputs(job_rows, truck_rows):
    jobs = [job(i, ready=r, kg=kg, km=km, rank=p) for i, (r, kg, km, p) in enumerate(job_rows, 1)]
    trucks = [truck(f"t{i}", code, free=f) for i, (code, f) in enumerate(truck_rows, 1)]
    return trucks, jobs


def _key(outcome):
    return (outcome.priority_rank, outcome.ready_at, outcome.shipment_id)


@settings(max_examples=150, deadline=None)
@given(JOBS, TRUCKS, st.randoms(use_true_random=False))
def test_same_inputs_in_any_order_give_the_same_run(job_rows, truck_rows, rnd) -> None:
    trucks, jobs = _inputs(job_rows, truck_rows)
    run = simulate_pool(trucks, jobs)
    rnd.shuffle(trucks)
    rnd.shuffle(jobs)
    assert simulate_pool(trucks, jobs) == run
    assert simulate_pool(trucks, jobs) == simulate_pool(trucks, jobs)


@settings(max_examples=150, deadline=None)
@given(JOBS, TRUCKS)
def test_every_run_keeps_the_rules(job_rows, truck_rows) -> None:
    trucks, jobs = _inputs(job_rows, truck_rows)
    run = simulate_pool(trucks, jobs)
    _trucks_one_trip_at_a_time(run, trucks)
    _loads_carried_in_full(run, jobs, bool(trucks))
    _nobody_overtaken(run)
    _no_truck_idle_while_a_shipment_waits(run, trucks)


def _trucks_one_trip_at_a_time(run: PoolRun, trucks) -> None:
    back_at = {t.truck_id: t.free_at for t in trucks}
    for trip in run.trips:  # by assignment time
        previous = back_at[trip.truck_id]
        assert previous is None or trip.assigned_at >= previous
        assert trip.assigned_at <= trip.depart_at <= trip.arrive_at
        assert trip.arrive_at <= trip.unloaded_at <= trip.return_at
        back_at[trip.truck_id] = trip.return_at
    for t in run.trucks:
        if back_at[t.truck_id] is not None:
            assert t.free_at == back_at[t.truck_id]


def _loads_carried_in_full(run: PoolRun, jobs, any_truck: bool) -> None:
    by_id = {j.shipment_id: j for j in jobs}
    for outcome in run.outcomes:
        carried = sum((t.share for t in outcome.trips), Fraction(0))
        assert carried + outcome.left == 1
        assert outcome.left == (0 if any_truck else 1)
        assert all(t.assigned_at >= outcome.ready_at for t in outcome.trips)
        weight = sum(t.weight_kg for t in outcome.trips)
        assert abs(weight - by_id[outcome.shipment_id].load.weight_kg * float(carried)) < 1e-6


def _nobody_overtaken(run: PoolRun) -> None:
    """When a shipment gets its first truck, every shipment ahead of it in the queue that was
    already waiting is entirely on trucks."""
    for outcome in run.outcomes:
        first = outcome.first_assigned_at
        if first is None:
            continue
        for other in run.outcomes:
            if other is outcome or other.ready_at > first or _key(other) > _key(outcome):
                continue
            assert other.dispatched_at is not None
            assert other.dispatched_at <= first


def _no_truck_idle_while_a_shipment_waits(run: PoolRun, trucks) -> None:
    """Right after any arrival or return, if a shipment still waits, every truck is out: on a
    trip, or not yet back from where it was when the run began."""
    initially = {t.truck_id: t.free_at for t in trucks}
    moments = {o.ready_at for o in run.outcomes} | {t.return_at for t in run.trips}
    for moment in sorted(moments):
        if not any(
            o.ready_at <= moment and (o.dispatched_at is None or o.dispatched_at > moment)
            for o in run.outcomes
        ):
            continue
        for truck_id, free_at in initially.items():
            on_trip = any(
                t.truck_id == truck_id and t.assigned_at <= moment < t.return_at for t in run.trips
            )
            assert on_trip or (free_at is not None and free_at > moment)


def test_seeded_random_drill_is_reproducible() -> None:
    rnd = random.Random(7)
    rows = [
        (rnd.randint(0, 3000), rnd.randint(100, 40_000), rnd.randint(5, 500), rnd.randint(0, 2))
        for _ in range(300)
    ]
    trucks, jobs = _inputs(rows, [("4t", 0)] * 4 + [("10t", 0)] * 2)
    assert simulate_pool(trucks, jobs) == simulate_pool(list(reversed(trucks)), jobs[::-1])
