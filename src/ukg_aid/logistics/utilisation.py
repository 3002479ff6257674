"""What a pool run looked like over time: trucks committed, utilisation, the visible queue.

A truck counts as *committed* from the moment a shipment takes it (``Trip.assigned_at``) until it
is back at the depot (``Trip.return_at``): driving, breaks and rests on the road, loading,
unloading, and a rest at the depot before a trip it was already given. A shipment is *waiting*
from ``ready_at`` until its last part is on a truck (``JobOutcome.dispatched_at``); one still
waiting at the end of the run stays waiting.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from ukg_aid.logistics.pool_model import PoolRun


@dataclass(frozen=True, slots=True)
class BusyStep:
    """From ``at`` until the next step, ``committed[class]`` trucks of each class are out."""

    at: dt.datetime
    committed: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.committed)


def busy_series(run: PoolRun) -> tuple[BusyStep, ...]:
    """Trucks committed per class as a step function (one step per time the count changes)."""
    codes = sorted({t.class_code for t in run.trucks})
    deltas: dict[dt.datetime, Counter[str]] = {}
    for trip in run.trips:
        deltas.setdefault(trip.assigned_at, Counter())[trip.class_code] += 1
        deltas.setdefault(trip.return_at, Counter())[trip.class_code] -= 1
    busy: Counter[str] = Counter()
    steps = []
    for at in sorted(deltas):
        busy.update(deltas[at])
        steps.append(BusyStep(at, tuple((code, busy[code]) for code in codes)))
    return tuple(steps)


def utilisation(run: PoolRun, start: dt.datetime, end: dt.datetime) -> dict[str, float]:
    """Committed truck-minutes / available truck-minutes in [start, end), per class and ``all``."""
    if end <= start:
        raise ValueError("end must be after start")
    fleet = Counter(t.class_code for t in run.trucks)
    used: dict[str, float] = dict.fromkeys(fleet, 0.0)
    for trip in run.trips:
        overlap = min(trip.return_at, end) - max(trip.assigned_at, start)
        used[trip.class_code] += max(0.0, overlap.total_seconds())
    window = (end - start).total_seconds()
    result = {code: used[code] / (n * window) for code, n in sorted(fleet.items())}
    total = sum(fleet.values())
    result["all"] = sum(used.values()) / (total * window) if total else 0.0
    return result


def queue_series(run: PoolRun) -> tuple[tuple[dt.datetime, int], ...]:
    """Shipments waiting, as (time, count) steps."""
    deltas: Counter[dt.datetime] = Counter()
    for outcome in run.outcomes:
        deltas[outcome.ready_at] += 1
        if outcome.dispatched_at is not None:
            deltas[outcome.dispatched_at] -= 1
    steps, waiting = [], 0
    for at in sorted(deltas):
        waiting += deltas[at]
        steps.append((at, waiting))
    return tuple(steps)


def waiting_at(run: PoolRun, at: dt.datetime) -> tuple[int, ...]:
    """Shipment ids waiting at ``at``, in queue order (priority, ready time, id)."""
    waiting = [
        o
        for o in run.outcomes
        if o.ready_at <= at and (o.dispatched_at is None or o.dispatched_at > at)
    ]
    waiting.sort(key=lambda o: (o.priority_rank, o.ready_at, o.shipment_id))
    return tuple(o.shipment_id for o in waiting)
