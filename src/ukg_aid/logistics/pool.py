"""A member's truck pool as a deterministic event simulation (issue 13).

Rules (each decided here, see the package README):

* **Queue order**: waiting shipments are served by priority (critical, high, normal), then
  first come first served (``ready_at``), then shipment id. Not preemptive: trucks on the road are
  never recalled, and a shipment partly on trucks stays at the head until all of its load is
  (a critical shipment arriving meanwhile is next, not first); shipments behind the head wait (no
  overtaking), so the parts of one delivery follow one another.
* **Which trucks**: when the free trucks can carry the head shipment's remaining load, it takes the
  fewest that can (``trucks.cover``: least capacity among equally few); when they cannot, it takes
  every free truck now and the rest goes on trucks as they come back (a shipment heavier than the
  pool goes in waves). Among trucks of a class, those that would arrive soonest go first (a
  rested driver before one who must rest), then by truck id.
* **A trip**: loading, drive out, unloading, drive back (the same distance), each leg under the
  driver rules of ``driving`` carried over from the truck's previous trips. A driver whose counters
  would make the trip arrive later than a rest at the depot first does the rest first. Waiting at
  the depot counts as 拘束; a wait as long as a rest is one.
* Trucks serve every depot of their member (moving between depots is not modelled).

Both uses: a drill's whole timeline (all jobs at once), and the one-shot "when can this shipment
leave, given these trucks out until T" (``earliest_departure``: the same simulation with the
trucks' ``free_at`` and the shipments already queued ahead).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ukg_aid.logistics.driving import (
    DriverRules,
    DutyState,
    default_driver_rules,
    drive,
    drive_minutes,
    idle,
    work,
)
from ukg_aid.logistics.pool_model import (
    HaulAssumptions,
    Job,
    JobOutcome,
    PoolRun,
    Trip,
    Truck,
    default_haul_assumptions,
)
from ukg_aid.logistics.trucks import TruckClass, cover, default_truck_classes, share

_EPS = 1e-6


@dataclass(slots=True)
class _TruckState:
    truck: Truck
    free: float
    duty: DutyState


@dataclass(slots=True)
class _JobState:
    job: Job
    ready: float
    left: Fraction = Fraction(1)
    trips: list[Trip] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Legs:
    """A planned trip in simulation minutes."""

    depart: float
    arrive: float
    unloaded: float
    back: float
    duty: DutyState
    breaks: int
    rests: int


def simulate_pool(
    trucks: Sequence[Truck],
    jobs: Sequence[Job],
    *,
    classes: Sequence[TruckClass] | None = None,
    haul: HaulAssumptions | None = None,
    rules: DriverRules | None = None,
    until: dt.datetime | None = None,
) -> PoolRun:
    """Run the pool from the earliest time given until every job is on trucks (or ``until``:
    no truck is assigned after it). Same inputs, same run, whatever their order."""
    sim = _Simulation(
        trucks,
        jobs,
        tuple(classes or default_truck_classes()),
        haul or default_haul_assumptions(),
        rules or default_driver_rules(),
    )
    sim.run(None if until is None else sim.minutes(_aware(until, "until")))
    return sim.result()


def earliest_departure(
    trucks: Sequence[Truck],
    job: Job,
    *,
    ahead: Sequence[Job] = (),
    classes: Sequence[TruckClass] | None = None,
    haul: HaulAssumptions | None = None,
    rules: DriverRules | None = None,
) -> JobOutcome:
    """When ``job`` gets its trucks, leaves and is delivered, given the pool's trucks (out ones
    with their ``free_at``) and the shipments already waiting (``ahead``, served by the same
    queue order)."""
    run = simulate_pool(trucks, [*ahead, job], classes=classes, haul=haul, rules=rules)
    return run.outcome(job.shipment_id)


def _aware(value: dt.datetime, what: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
    return value


class _Simulation:
    def __init__(
        self,
        trucks: Sequence[Truck],
        jobs: Sequence[Job],
        classes: tuple[TruckClass, ...],
        haul: HaulAssumptions,
        rules: DriverRules,
    ) -> None:
        _validate(trucks, jobs, classes)
        self.classes, self.haul, self.rules = classes, haul, rules
        self.by_code = {c.code: c for c in classes}
        times = [_aware(j.ready_at, "ready_at") for j in jobs]
        times += [_aware(t.free_at, "free_at") for t in trucks if t.free_at is not None]
        self.origin = min(times, default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        self.trucks = [
            _TruckState(t, 0.0 if t.free_at is None else self.minutes(t.free_at), t.duty)
            for t in sorted(trucks, key=lambda t: t.truck_id)
        ]
        order = sorted(jobs, key=lambda j: (j.ready_at, j.shipment_id))
        self.pending = [_JobState(j, self.minutes(j.ready_at)) for j in order]
        self.next_pending = 0
        self.queue: list[tuple[int, float, int, _JobState]] = []
        self.started: _JobState | None = None

    def minutes(self, at: dt.datetime) -> float:
        return (at - self.origin).total_seconds() / 60

    def at(self, minutes: float) -> dt.datetime:
        return self.origin + dt.timedelta(minutes=minutes)

    def run(self, until: float | None) -> None:
        now = min([j.ready for j in self.pending] + [t.free for t in self.trucks], default=0.0)
        while until is None or now <= until + _EPS:
            self._admit(now)
            self._dispatch(now)
            later = self._next_event(now)
            if later is None:
                return
            now = later

    def _admit(self, now: float) -> None:
        """Jobs ready by ``now`` join the queue (priority, then ready time, then id)."""
        while self.next_pending < len(self.pending):
            state = self.pending[self.next_pending]
            if state.ready > now + _EPS:
                return
            key = (state.job.priority_rank, state.ready, state.job.shipment_id, state)
            heapq.heappush(self.queue, key)
            self.next_pending += 1

    def _next_event(self, now: float) -> float | None:
        """The next job arrival or truck return, while any job is left to serve."""
        queued = self.started is not None or bool(self.queue)
        if not queued and self.next_pending == len(self.pending):
            return None
        times = [t.free for t in self.trucks if t.free > now + _EPS] if queued else []
        if self.next_pending < len(self.pending):
            times.append(self.pending[self.next_pending].ready)
        return min(times, default=None)

    def _dispatch(self, now: float) -> None:
        """Serve the head until the free trucks run out. A head partly on trucks stays the head
        (``self.started``) even when a more urgent shipment arrives meanwhile."""
        while self.started is not None or self.queue:
            free = [t for t in self.trucks if t.free <= now + _EPS]
            if not free:
                return
            head = self.started or heapq.heappop(self.queue)[3]
            self._load(head, free, now)
            self.started = head if head.left > 0 else None
            if self.started is not None:
                return

    def _load(self, state: _JobState, free: list[_TruckState], now: float) -> None:
        """Put the head job's remaining load on the free trucks (module docstring: which)."""
        plans = {t.truck.truck_id: self._plan(t, state.job, now) for t in free}
        free.sort(key=lambda t: (plans[t.truck.truck_id].arrive, t.truck.truck_id))
        available = Counter(t.truck.class_code for t in free)
        counts = cover(state.job.load, state.left, self.classes, available)
        chosen = free if counts is None else _pick(free, counts.as_dict())
        for truck in chosen:
            if state.left <= 0:
                return
            part = min(share(state.job.load, self.by_code[truck.truck.class_code]), state.left)
            state.left -= part
            self._record(state, truck, plans[truck.truck.truck_id], part, now)

    def _record(
        self, state: _JobState, truck: _TruckState, legs: _Legs, part: Fraction, now: float
    ) -> None:
        truck.free, truck.duty = legs.back, legs.duty
        state.trips.append(
            Trip(
                shipment_id=state.job.shipment_id,
                truck_id=truck.truck.truck_id,
                class_code=truck.truck.class_code,
                assigned_at=self.at(now),
                depart_at=self.at(legs.depart),
                arrive_at=self.at(legs.arrive),
                unloaded_at=self.at(legs.unloaded),
                return_at=self.at(legs.back),
                share=part,
                weight_kg=float(part * state.job.load.weight_g) / 1000,
                breaks=legs.breaks,
                rests=legs.rests,
            )
        )

    def _plan(self, truck: _TruckState, job: Job, now: float) -> _Legs:
        """The trip as the driver's counters stand, or after a rest at the depot if that
        arrives sooner."""
        waited = max(0.0, now - truck.free)
        carry_on = self._legs(now, idle(truck.duty, waited, self.rules), job)
        if waited >= self.rules.rest_min - _EPS:
            return carry_on
        rested = self._legs(truck.free + self.rules.rest_min, DutyState(), job)
        better = (rested.arrive, rested.back) < (carry_on.arrive, carry_on.back)
        return rested if better else carry_on

    def _legs(self, start: float, duty: DutyState, job: Job) -> _Legs:
        wheel = drive_minutes(job.distance_km, self.haul.truck_kmh)
        loading = work(duty, self.haul.loading_min, self.rules)
        out = drive(loading.state, wheel, self.rules)
        unloading = work(out.state, self.haul.unloading_min, self.rules)
        back = drive(unloading.state, wheel, self.rules)
        depart = start + loading.elapsed_min
        arrive = depart + out.elapsed_min
        unloaded = arrive + unloading.elapsed_min
        legs = (loading, out, unloading, back)
        return _Legs(
            depart=depart,
            arrive=arrive,
            unloaded=unloaded,
            back=unloaded + back.elapsed_min,
            duty=back.state,
            breaks=sum(leg.breaks for leg in legs),
            rests=sum(leg.rests for leg in legs),
        )

    def result(self) -> PoolRun:
        outcomes = sorted(
            (
                JobOutcome(
                    shipment_id=s.job.shipment_id,
                    ready_at=s.job.ready_at,
                    priority_rank=s.job.priority_rank,
                    trips=tuple(s.trips),
                    left=s.left,
                )
                for s in self.pending
            ),
            key=lambda o: o.shipment_id,
        )
        trucks = tuple(
            Truck(t.truck.truck_id, t.truck.class_code, self.at(t.free), t.duty)
            for t in self.trucks
        )
        return PoolRun(outcomes=tuple(outcomes), trucks=trucks)


def _pick(free: list[_TruckState], counts: dict[str, int]) -> list[_TruckState]:
    """The first ``counts[class]`` trucks of each class, keeping the order of ``free``."""
    left = dict(counts)
    chosen = []
    for truck in free:
        if left.get(truck.truck.class_code, 0) > 0:
            left[truck.truck.class_code] -= 1
            chosen.append(truck)
    return chosen


def _validate(trucks: Sequence[Truck], jobs: Sequence[Job], classes: Sequence[TruckClass]) -> None:
    codes = {c.code for c in classes}
    ids = [t.truck_id for t in trucks]
    if len(set(ids)) != len(ids):
        raise ValueError("truck ids must be unique")
    unknown = sorted({t.class_code for t in trucks} - codes)
    if unknown:
        raise ValueError(f"unknown truck class(es): {unknown}")
    shipments = [j.shipment_id for j in jobs]
    if len(set(shipments)) != len(shipments):
        raise ValueError("shipment ids must be unique")
    for job in jobs:
        drive_minutes(job.distance_km, 1.0)  # raises on a bad distance
        if job.priority_rank < 0:
            raise ValueError(f"shipment {job.shipment_id}: priority_rank must be ≥ 0")
