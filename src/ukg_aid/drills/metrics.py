"""Drill figures from a run log. Pure: no I/O, no clock."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

from ukg_aid.dispatch_air.daylight import sunset_at
from ukg_aid.drills import road_metrics
from ukg_aid.drills.observations import RunLog, Snapshot

# Daylight for utilisation is taken at the union's centre (Osaka), good to a few minutes.
_CENTRE = (34.69, 135.50)


def fill_rate(snapshot: Snapshot, member: str | None = None) -> float | None:
    """Delivered ÷ requested so far (None before anything was requested)."""
    if member is None:
        req, got = sum(snapshot.requested.values()), sum(snapshot.delivered.values())
    else:
        req, got = snapshot.requested.get(member, 0), snapshot.delivered.get(member, 0)
    return got / req if req else None


def lowest_member_fill(log: RunLog, hour: int) -> float | None:
    """The worst-served filing member's fill rate at ``hour``: fair shares show up here."""
    snaps = [s for s in log.snapshots if s.hour <= hour]
    if not snaps or log.snapshots[-1].hour < hour:
        return None
    rates = [r for code in log.first_filed if (r := fill_rate(snaps[-1], code)) is not None]
    return min(rates) if rates else None


def lines_left_empty(log: RunLog) -> tuple[int, int]:
    """Request lines that got nothing, among lines of items that others did receive: SPEC §3's
    "no desk is left with nothing while another gets everything". Returns (empty, counted)."""
    received = {item for item, fill in log.line_fills if fill > 0}
    counted = [fill for item, fill in log.line_fills if item in received]
    return sum(1 for fill in counted if fill == 0), len(counted)


def fill_at(log: RunLog, hour: int) -> float | None:
    """Overall fill rate at ``hour`` (None if the run was shorter)."""
    snaps = [s for s in log.snapshots if s.hour <= hour]
    if not snaps or log.snapshots[-1].hour < hour:
        return None
    return fill_rate(snaps[-1])


def first_delivery_hours(log: RunLog) -> dict[str, float | None]:
    """Per member that filed: hours from its first filing to its first confirmed delivery
    (None: nothing delivered within the drill)."""
    first: dict[str, datetime] = {}
    for d in log.deliveries:
        if d.member_code not in first or d.delivered_at < first[d.member_code]:
            first[d.member_code] = d.delivered_at
    return {
        m: round((first[m] - log.first_filed[m]).total_seconds() / 3600, 2) if m in first else None
        for m in sorted(log.first_filed)
    }


def median_with_unserved(values: list[float | None]) -> float | None:
    """Median where None (never served) counts as longer than any served value; None when
    half or more were never served (the median was not reached within the drill)."""
    if not values:
        return None
    ranked = sorted(values, key=lambda v: (v is None, v or 0.0))
    mid = len(ranked) // 2
    pair = ranked[mid - 1 : mid + 1] if len(ranked) % 2 == 0 else [ranked[mid]]
    if any(v is None for v in pair):
        return None
    return round(sum(v for v in pair if v is not None) / len(pair), 2)


def unmet_by_item(log: RunLog) -> dict[str, int]:
    return {
        item: q - log.delivered_by_item.get(item, 0)
        for item, q in sorted(log.requested_by_item.items())
    }


def daylight_minutes(start: datetime, end: datetime) -> float:
    """Minutes of Doctor-Heli operating window (08:30 to sunset) between start and end."""
    total = 0.0
    day = start.date()
    while day <= end.date():
        open_at = datetime.combine(day, time(8, 30), tzinfo=start.tzinfo)
        close_at = sunset_at(*_CENTRE, day)
        lo, hi = max(open_at, start), min(close_at, end)
        total += max(0.0, (hi - lo).total_seconds() / 60)
        day += timedelta(days=1)
    return total


def medevac(log: RunLog, start: datetime, end: datetime) -> dict[str, Any]:
    served = [m for m in log.missions if m.assigned_at is not None]
    refused = Counter(m.refusal or "pending" for m in log.missions if m.assigned_at is None)
    red_minutes = [
        m.minutes_to_scene for m in served if m.severity == "red" and m.minutes_to_scene is not None
    ]
    window = daylight_minutes(start, end) * max(log.fleet_size, 1)
    return {
        "filed": len(log.missions),
        "served": len(served),
        "served_red": sum(1 for m in served if m.severity == "red"),
        "filed_red": sum(1 for m in log.missions if m.severity == "red"),
        "refused_by_reason": dict(sorted(refused.items())),
        "median_red_minutes_call_to_scene": round(statistics.median(red_minutes), 1)
        if red_minutes
        else None,
        "helicopter_utilization": round(sum(m.busy_minutes for m in served) / window, 3)
        if window
        else None,
    }


def summary(log: RunLog, start: datetime, hours: int) -> dict[str, Any]:
    """Every headline figure of one policy's run."""
    first = first_delivery_hours(log)
    haul = sum(d.quantity * d.distance_km for d in log.deliveries)
    return {
        "policy": log.policy,
        "fill_rate_24h": _round(fill_at(log, 24)),
        "fill_rate_72h": _round(fill_at(log, 72)),
        "fill_rate_end": _round(fill_at(log, hours)),
        "lowest_member_fill_24h": _round(lowest_member_fill(log, 24)),
        "lowest_member_fill_end": _round(lowest_member_fill(log, hours)),
        "lines_left_empty": lines_left_empty(log)[0],
        "lines_counted": lines_left_empty(log)[1],
        "median_hours_to_first_delivery": median_with_unserved(list(first.values())),
        "hours_to_first_delivery": first,
        "members_without_delivery": sorted(m for m, h in first.items() if h is None),
        "requested_units": sum(log.requested_by_item.values()),
        "delivered_units": sum(log.delivered_by_item.values()),
        "local_use_units": sum(sum(v.values()) for v in log.local_use.values()),
        "unmet_by_item": unmet_by_item(log),
        "delivered_haul_km_units": round(haul),
        "plans_approved": len(log.plans),
        "stale_approvals": log.stale_approvals,
        "medevac": medevac(log, start, start + timedelta(hours=hours)),
        "road": road_metrics.summary(
            log.road, start, start + timedelta(hours=hours), log.deliveries
        ),
        "members": members(log, first),
    }


def members(log: RunLog, first_delivery: dict[str, float | None]) -> dict[str, dict[str, Any]]:
    """Per member that needed supplies: own stock used, whether it asked the union, and what
    it got. A member that covered everything from its own depots never asked."""
    last = log.snapshots[-1] if log.snapshots else None
    out: dict[str, dict[str, Any]] = {}
    for code in sorted(set(log.local_use) | set(log.first_filed)):
        own = dict(sorted(log.local_use.get(code, {}).items(), key=lambda kv: (-kv[1], kv[0])))
        requested = last.requested.get(code, 0) if last else 0
        delivered = last.delivered.get(code, 0) if last else 0
        out[code] = {
            "asked_union": code in log.first_filed,
            "own_stock_units": sum(own.values()),
            "own_stock_by_item": own,
            "requested_units": requested,
            "delivered_units": delivered,
            "fill_rate": _round(delivered / requested) if requested else None,
            "hours_to_first_delivery": first_delivery.get(code),
        }
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
