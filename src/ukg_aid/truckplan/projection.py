"""A plan's shipments on its suppliers' truck pools (issue 13): when would each allocation arrive?

Pure: the matching core's plan and plain pool data in, allocations with projected ETAs out. The
plan's allocations are grouped as approval groups them (per depot → requesting member's delivery
point, ``logistics.shipment_key``'s rule), each group a pool job ready at the plan's time with the
priority of its most urgent line, queued behind (or, by priority, ahead of) the shipments already
waiting; ``logistics.simulate_pool`` runs each supplier's pool and ``logistics.split_waves`` puts
the units on its trips (the service's own rules at dispatch). An allocation's projected ETA is
the arrival of the last trip carrying its units, in minutes after the plan's time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from ukg_aid import logistics, matching

_RANKS = 3
_PROBE = -1  # the shipment id of the probe load asking "when could a new load leave?"


@dataclass(frozen=True, slots=True)
class MemberPool:
    """A supplier's trucks at the plan's time (``free_at``: back at the depot, ``None``: free)
    and the shipments already waiting in its queue (positive ids)."""

    trucks: tuple[logistics.Truck, ...]
    queued: tuple[logistics.Job, ...] = ()

    def __post_init__(self) -> None:
        if not self.trucks:  # it would read as no wait at all: a pool that can ship at once
            raise ValueError(
                "a truck pool needs at least one truck (a member without trucks has no pool)"
            )


@dataclass(frozen=True, slots=True)
class Fleet:
    """Every supplier's pool at the plan's time ``at``, and the catalog's unit weights (kg)."""

    at: dt.datetime
    pools: Mapping[str, MemberPool]
    unit_weight_kg: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Projection:
    """The plan with projected ETAs (``result``: late flags and late counts follow them) and, per
    member whose allocations the projection makes late, about the waits a further load would
    meet after the plan's own (by priority rank, ``_cleared``)."""

    result: matching.PlanResult
    overloaded: Mapping[str, tuple[float, float, float]]

    @property
    def late_units(self) -> int:
        return self.result.objective.late_units


def _minutes(fleet: Fleet, at: dt.datetime) -> float:
    return (at - fleet.at).total_seconds() / 60.0


def _probe(fleet: Fleet, rank: int) -> logistics.Job:
    return logistics.Job(_PROBE, fleet.at, logistics.Load(1), 1.0, priority_rank=rank)


def next_load_waits(
    fleet: Fleet, pool: MemberPool, ahead: Sequence[logistics.Job]
) -> tuple[float, float, float] | None:
    """Minutes until the pool's trucks take a new load of each priority, behind ``ahead``
    (``None``: no truck of the pool could take one, which a pool of one truck or more does not
    give for the one-unit probe)."""
    waits = []
    for rank in range(_RANKS):
        found = logistics.earliest_departure(pool.trucks, _probe(fleet, rank), ahead=ahead)
        if found.first_assigned_at is None:
            return None
        waits.append(max(0.0, _minutes(fleet, found.first_assigned_at)))
    return waits[0], waits[1], waits[2]


def waits_now(fleet: Fleet, members: set[str]) -> matching.TruckWaits:
    """Each supplier's waits at the plan's time: trucks out until their return, shipments already
    queued ahead (``logistics.earliest_departure``). A pool with a truck free at the plan's time
    and nothing queued has no wait (:func:`_idle`), without simulating it."""
    found = {}
    for code in sorted(members & set(fleet.pools)):
        pool = fleet.pools[code]
        if _idle(fleet, pool):
            continue
        waits = next_load_waits(fleet, pool, pool.queued)
        if waits is not None and any(waits):
            found[code] = waits
    return matching.TruckWaits(found)


_CLASSES = frozenset(c.code for c in logistics.default_truck_classes())


def _idle(fleet: Fleet, pool: MemberPool) -> bool:
    """What ``next_load_waits`` would find to be no wait at all, read off the pool: nothing
    queued, a truck free at the plan's time (``free_at`` ``None`` or that time) and none back
    before it, so the simulation's clock starts at the plan's time and the probe load of every
    priority gets a truck then (0.0 minutes exactly). Only for pools the simulation accepts
    (known classes, distinct ids, aware times), so a bad pool still fails there. A Nankai plan's
    dozen default pools took 36 simulations, a tenth of its solve."""
    trucks = pool.trucks
    if pool.queued or len({t.truck_id for t in trucks}) != len(trucks):
        return False
    if fleet.at.tzinfo is None or any(
        t.free_at is not None and t.free_at.tzinfo is None for t in trucks
    ):
        return False  # naive times: the simulation refuses them (ValueError), as before
    if not {t.class_code for t in trucks} <= _CLASSES:
        return False
    if any(t.free_at is not None and t.free_at < fleet.at for t in trucks):
        return False
    return any(t.free_at is None or t.free_at == fleet.at for t in trucks)


def _groups(problem: matching.Problem, result: matching.PlanResult) -> dict[str, list[list[int]]]:
    """Allocation indexes per supplier, per shipment (depot → requester's delivery point)."""
    lines = {ln.line_id: ln for ln in problem.lines}
    keyed: dict[tuple[int, str, float, float], list[int]] = defaultdict(list)
    for k, a in enumerate(result.allocations):
        line = lines[a.line_id]
        keyed[(a.depot_id, line.member_code, round(line.lat, 6), round(line.lon, 6))].append(k)
    by_member: dict[str, list[list[int]]] = defaultdict(list)
    for members in keyed.values():
        by_member[result.allocations[members[0]].supplier_code].append(members)
    return by_member


def project(problem: matching.Problem, result: matching.PlanResult, fleet: Fleet) -> Projection:
    """The plan's shipments on the pools (module docstring); suppliers without a pool in
    ``fleet`` keep their ETAs."""
    lines = {ln.line_id: ln for ln in problem.lines}
    rank = {ln.line_id: ln.priority.rank for ln in problem.lines}
    etas: dict[int, float] = {}
    overloaded: dict[str, tuple[float, float, float]] = {}
    for code, shipments in sorted(_groups(problem, result).items()):
        pool = fleet.pools.get(code)
        if pool is None:
            continue
        jobs = [_job(rank, result, fleet, -2 - n, ks) for n, ks in enumerate(shipments)]
        run = logistics.simulate_pool(pool.trucks, [*pool.queued, *jobs])
        outcomes = {o.shipment_id: o for o in run.outcomes}
        late = False
        for job, ks in zip(jobs, shipments, strict=True):
            for k, eta in _arrivals(outcomes[job.shipment_id], result, fleet, ks).items():
                etas[k] = eta
                late |= eta > _deadline(lines[result.allocations[k].line_id])
        if late:
            overloaded[code] = _cleared(fleet, run)
    allocations = [
        matching.restate_eta(a, lines[a.line_id], etas[k]) if k in etas else a
        for k, a in enumerate(result.allocations)
    ]
    objective = matching.objective_of(problem, allocations)
    return Projection(
        replace(result, allocations=tuple(allocations), objective=objective), overloaded
    )


def _cleared(fleet: Fleet, run: logistics.PoolRun) -> tuple[float, float, float]:
    """Per priority rank, minutes until the pool has put every shipment of that rank or a more
    urgent one on trucks (the queue and the plan's own): about when a further load of that rank
    would get a truck (read off the run, not simulated again: three more simulations per member
    cost more than the projection itself at Nankai scale)."""
    waits = []
    for rank in range(_RANKS):
        done = [o.dispatched_at for o in run.outcomes if o.priority_rank <= rank]
        known = [at for at in done if at is not None]
        waits.append(max(0.0, _minutes(fleet, max(known))) if known else 0.0)
    return waits[0], waits[1], waits[2]


def _deadline(line: matching.RequestLine) -> float:
    return float("inf") if line.needed_by_minutes is None else line.needed_by_minutes


def _job(
    rank: Mapping[int, int],
    result: matching.PlanResult,
    fleet: Fleet,
    job_id: int,
    members: list[int],
) -> logistics.Job:
    """One shipment as a pool job: ready at the plan's time, its most urgent line's priority
    (``rank``: by line id)."""
    kg = sum(
        result.allocations[k].quantity
        * fleet.unit_weight_kg.get(result.allocations[k].item_code, 0.0)
        for k in members
    )
    first = result.allocations[members[0]]
    return logistics.Job(
        job_id,
        fleet.at,
        logistics.Load(round(kg * 1000)),
        first.distance_km,
        priority_rank=min(rank[result.allocations[k].line_id] for k in members),
    )


def _arrivals(
    outcome: logistics.JobOutcome, result: matching.PlanResult, fleet: Fleet, members: list[int]
) -> dict[int, float]:
    """Projected ETA per allocation index: the arrival of the last trip carrying its units
    (none when the pool never took the shipment)."""
    if outcome.waiting or not outcome.trips:
        return {}
    trips = sorted(outcome.trips, key=lambda t: (t.unloaded_at, t.truck_id))
    items = [
        logistics.WaveItem(
            k,
            result.allocations[k].quantity,
            fleet.unit_weight_kg.get(result.allocations[k].item_code, 0.0),
        )
        for k in members
    ]
    split = logistics.split_waves(items, [Fraction(t.share) for t in trips])
    last: dict[int, dt.datetime] = {}
    for trip, parts in zip(trips, split, strict=True):
        for k in parts:
            last[k] = max(last.get(k, trip.arrive_at), trip.arrive_at)
    return {k: _minutes(fleet, at) for k, at in last.items()}
