"""Drill figures from hand-made run logs (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta

from ukg_aid.clock import JST
from ukg_aid.drills import metrics
from ukg_aid.drills.observations import Delivery, MissionOutcome, RunLog, Snapshot

T0 = datetime(2026, 12, 7, 15, 0, tzinfo=JST)


def _log() -> RunLog:
    log = RunLog(policy="optimized")
    log.snapshots = [
        Snapshot(hour=0, requested={}, delivered={}),
        Snapshot(hour=24, requested={"27": 100, "29": 50}, delivered={"27": 80, "29": 5}),
        Snapshot(hour=48, requested={"27": 100, "29": 50}, delivered={"27": 100, "29": 50}),
    ]
    log.first_filed = {"27": T0, "29": T0 + timedelta(hours=1), "30": T0}
    log.deliveries = [
        Delivery("27", "water", 80, T0, T0 + timedelta(hours=4), 40.0),
        Delivery("29", "water", 5, T0, T0 + timedelta(hours=3), 10.0),
    ]
    return log


def test_fill_rates_union_and_worst_member() -> None:
    log = _log()
    assert metrics.fill_at(log, 24) == 85 / 150
    assert metrics.lowest_member_fill(log, 24) == 5 / 50
    assert metrics.fill_at(log, 48) == 1.0
    assert metrics.fill_at(log, 72) is None  # the run was shorter: no figure, not the last one


def test_first_delivery_counts_members_never_served() -> None:
    hours = metrics.first_delivery_hours(_log())
    assert hours == {"27": 4.0, "29": 2.0, "30": None}
    assert metrics.median_with_unserved([4.0, 2.0, None]) == 4.0
    assert metrics.median_with_unserved([4.0, None, None]) is None
    assert metrics.median_with_unserved([1.0, 3.0]) == 2.0
    assert metrics.median_with_unserved([]) is None


def test_medevac_summary_counts_and_minutes_from_the_call() -> None:
    log = RunLog(policy="baseline", fleet_size=2)
    log.missions = [
        MissionOutcome("27", "red", T0, T0 + timedelta(minutes=30), 1, 45.0, 120.0, None),
        MissionOutcome("27", "red", T0, None, None, None, 0.0, "daylight"),
        MissionOutcome("29", "yellow", T0, T0, 2, 12.0, 60.0, None),
    ]
    start = datetime(2026, 12, 7, 9, 0, tzinfo=JST)
    fig = metrics.medevac(log, start, start + timedelta(hours=3))
    assert (fig["filed"], fig["served"], fig["served_red"], fig["filed_red"]) == (3, 2, 1, 2)
    assert fig["refused_by_reason"] == {"daylight": 1}
    assert fig["median_red_minutes_call_to_scene"] == 45.0
    # 09:00-12:00 is all daylight: 2 aircraft × 180 min; 180 busy minutes → 0.5
    assert fig["helicopter_utilization"] == 0.5


def test_lines_left_with_nothing_count_only_items_others_received() -> None:
    log = RunLog(policy="baseline")
    log.line_fills = [("water", 1.0), ("water", 0.0), ("water", 0.5), ("tents", 0.0)]
    # tents reached nobody: those lines say nothing about sharing, so they are not counted
    assert metrics.lines_left_empty(log) == (1, 3)
