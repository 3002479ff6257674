"""Road figures of a drill run: dispatch actions, queue waits, late units, truck utilisation.

Utilisation replays the run's dispatched shipments through the same pool core the service
uses (``logistics.simulate_pool`` with each member's ASSUMED default pool, jobs ready when the
desk first dispatched them), so it is the committed truck time the service's own rules give.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime
from typing import Any

from ukg_aid import logistics
from ukg_aid.drills.observations import Delivery, RoadLog
from ukg_aid.drills.script import NEEDED_WITHIN, PRIORITY


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def utilisation(road: RoadLog, start: datetime, end: datetime) -> dict[str, float] | None:
    """Committed truck-minutes / available truck-minutes over the members that shipped."""
    jobs: dict[str, list[logistics.Job]] = defaultdict(list)
    for j in road.jobs:
        load = logistics.Load(round(float(j["weight_kg"]) * 1000))
        jobs[str(j["supplier"])].append(
            logistics.Job(int(j["shipment_id"]), j["ready_at"], load, float(j["distance_km"]))
        )
    pools = logistics.default_pools()
    busy = total = 0.0
    for member, member_jobs in jobs.items():
        if member not in pools:
            continue
        trucks = logistics.pool_trucks(member, pools[member].counts.as_dict())
        run = logistics.simulate_pool(trucks, member_jobs)
        share = logistics.utilisation(run, start, end)["all"]
        busy += share * len(trucks)
        total += len(trucks)
    return None if not total else {"all": round(busy / total, 4), "members": len(jobs)}


def late_delivered(deliveries: list[Delivery]) -> int:
    """Units of critical and high lines that arrived after their request's ``needed_by`` (the
    drill's rule: filing + ``NEEDED_WITHIN``), counted per truck wave as it unloaded."""
    return sum(
        d.quantity
        for d in deliveries
        if PRIORITY.get(d.item_code, "normal") in ("critical", "high")
        and d.delivered_at > d.filed_at + NEEDED_WITHIN
    )


def summary(
    road: RoadLog, start: datetime, end: datetime, deliveries: list[Delivery] | None = None
) -> dict[str, Any]:
    waits = road.waits_min
    return {
        "late_delivered_units": late_delivered(deliveries or []),
        "plans": road.plans,
        "shipment_dispatch_actions": road.dispatch_actions,
        "allocation_dispatch_actions_without_shipments": road.allocations_shipped,
        "shipments_dispatched": len(waits),
        "late_units": road.late_units,  # the plans' ETAs, projected on the truck pools (truckplan)
        "queue_wait_min_median": round(statistics.median(waits), 1) if waits else None,
        "queue_wait_min_p90": _quantile(waits, 0.9),
        "queue_wait_min_max": round(max(waits), 1) if waits else None,
        "queued_at_all": sum(1 for w in waits if w > 0),
        "truck_utilisation": utilisation(road, start, end),
    }
