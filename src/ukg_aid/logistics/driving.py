"""Honest haul times: driving plus the breaks and rests the driver rules require.

The rules are 改善基準告示 for truck drivers as in force from 2024-04-01 (data/reference/trucks.csv,
high confidence; the figures live in ``data/driver_rules.csv``):

* after at most 4 h of continuous driving (連続運転), a 30 min break (taken in one piece here);
* at most 9 h of driving per day (a 2-day average in the rule; here a hard daily cap);
* at most 13 h of 拘束 (all duty: driving, breaks, loading, unloading, waiting) per day;
* then a rest (休息期間) of at least 9 h (the hard minimum; 11 h is the target the rule asks
  employers to aim for), after which the day's counters start again.

One driver per truck: two-driver crews (which may extend 拘束) are not modelled because their
figures are not in the stored sources. The weekly 44 h cap and the long-haul exception (16 h 拘束,
8 h rest, twice a week) are not applied by default; ``DriverRules`` takes other values. A break or a
rest is assumed possible wherever it falls due (a parking area is free). Times are minutes.

The ETA of a haul by a fresh driver: ``haul_eta_minutes(km, kmh, loading_minutes)``; it equals the
plain ``loading + km / kmh × 60`` until the drive exceeds 4 h.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

from ukg_aid.logistics._data import read_rows

EPS_MIN = 1e-6
"""Minutes within which a counter counts as at its limit (float noise, not a reason to stop)."""


@dataclass(frozen=True, slots=True)
class DriverRules:
    max_continuous_drive_min: float
    break_min: float
    max_daily_drive_min: float
    max_daily_duty_min: float
    rest_min: float

    def __post_init__(self) -> None:
        values = (
            self.max_continuous_drive_min,
            self.break_min,
            self.max_daily_drive_min,
            self.max_daily_duty_min,
            self.rest_min,
        )
        if not all(math.isfinite(v) and v > 0 for v in values):
            raise ValueError("driver rule figures must be finite and > 0")
        if self.max_continuous_drive_min > self.max_daily_drive_min:
            raise ValueError("continuous driving cannot exceed the daily driving limit")
        if self.max_daily_drive_min > self.max_daily_duty_min:
            raise ValueError("daily driving cannot exceed the daily duty (拘束) limit")


@dataclass(frozen=True, slots=True)
class DutyState:
    """A driver's counters since the last break (``continuous_min``) and the last rest."""

    continuous_min: float = 0.0
    drive_min: float = 0.0
    duty_min: float = 0.0


FRESH = DutyState()


@dataclass(frozen=True, slots=True)
class Leg:
    """Result of one stretch of duty: elapsed minutes, the driver's state after it, and how many
    breaks and rests it contained."""

    elapsed_min: float
    state: DutyState
    breaks: int = 0
    rests: int = 0


def drive(state: DutyState, minutes: float, rules: DriverRules) -> Leg:
    """Drive ``minutes`` of wheel time from ``state``, inserting breaks and rests as they fall due.

    A break or rest is taken only before more driving, never at arrival: exactly 4 h of driving
    from a fresh state takes 4 h."""
    _check_minutes(minutes)
    left, elapsed, breaks, rests = minutes, 0.0, 0, 0
    while left > 0:
        if _must_rest(state, rules):
            state, elapsed, rests = FRESH, elapsed + rules.rest_min, rests + 1
            continue
        if state.continuous_min >= rules.max_continuous_drive_min - EPS_MIN:
            duty = state.duty_min + rules.break_min
            state = replace(state, continuous_min=0.0, duty_min=duty)
            elapsed, breaks = elapsed + rules.break_min, breaks + 1
            continue
        room = min(
            rules.max_continuous_drive_min - state.continuous_min,
            rules.max_daily_drive_min - state.drive_min,
            rules.max_daily_duty_min - state.duty_min,
        )
        chunk = left if left <= room + EPS_MIN else room  # float noise is no reason to stop
        state = DutyState(
            state.continuous_min + chunk, state.drive_min + chunk, state.duty_min + chunk
        )
        left, elapsed = left - chunk, elapsed + chunk
    return Leg(elapsed, state, breaks, rests)


def _must_rest(state: DutyState, rules: DriverRules) -> bool:
    """The day is over: driving or duty used up, or no room left for the next due break."""
    if state.drive_min >= rules.max_daily_drive_min - EPS_MIN:
        return True
    if state.duty_min >= rules.max_daily_duty_min - EPS_MIN:
        return True
    break_due = state.continuous_min >= rules.max_continuous_drive_min - EPS_MIN
    return break_due and state.duty_min + rules.break_min >= rules.max_daily_duty_min - EPS_MIN


def work(state: DutyState, minutes: float, rules: DriverRules) -> Leg:
    """Non-driving duty (loading, unloading): counts towards 拘束, is not a break. When it would
    overrun the day's 拘束, the driver rests first (it is not split)."""
    _check_minutes(minutes)
    rests, elapsed = 0, 0.0
    if state != FRESH and state.duty_min + minutes > rules.max_daily_duty_min + EPS_MIN:
        state, elapsed, rests = FRESH, rules.rest_min, 1
    return Leg(elapsed + minutes, replace(state, duty_min=state.duty_min + minutes), 0, rests)


def idle(state: DutyState, minutes: float, rules: DriverRules) -> DutyState:
    """Waiting at the depot: a wait as long as a rest is one; as long as a break, a break
    (continuous driving starts again); any wait counts towards 拘束 (手待ち時間)."""
    _check_minutes(minutes)
    if minutes >= rules.rest_min - EPS_MIN:
        return FRESH
    continuous = 0.0 if minutes >= rules.break_min - EPS_MIN else state.continuous_min
    return DutyState(continuous, state.drive_min, state.duty_min + minutes)


def drive_minutes(distance_km: float, kmh: float) -> float:
    """Wheel time of a drive at an average speed, without any break."""
    if not (math.isfinite(distance_km) and distance_km >= 0):
        raise ValueError("distance_km must be finite and ≥ 0")
    if not (math.isfinite(kmh) and kmh > 0):
        raise ValueError("kmh must be finite and > 0")
    return distance_km / kmh * 60.0


def drive_elapsed_minutes(
    distance_km: float, kmh: float, rules: DriverRules | None = None
) -> float:
    """Elapsed minutes for a fresh driver to drive ``distance_km``, breaks and rests included
    (``rules``: the package's 改善基準告示 figures unless given)."""
    rules = rules or default_driver_rules()
    return drive(FRESH, drive_minutes(distance_km, kmh), rules).elapsed_min


def haul_eta_minutes(
    distance_km: float, kmh: float, loading_minutes: float, rules: DriverRules | None = None
) -> float:
    """Minutes from the start of loading to arrival, for a fresh driver: loading (拘束, not a
    break), then the drive with its breaks and rests."""
    rules = rules or default_driver_rules()
    loaded = work(FRESH, loading_minutes, rules)
    wheel = drive_minutes(distance_km, kmh)
    return loaded.elapsed_min + drive(loaded.state, wheel, rules).elapsed_min


@functools.cache
def default_driver_rules() -> DriverRules:
    """The figures in ``data/driver_rules.csv`` (sources and bases there)."""
    values = {row["key"]: float(row["value"]) for row in read_rows("driver_rules.csv")}
    return DriverRules(
        max_continuous_drive_min=values["max_continuous_drive_min"],
        break_min=values["break_min"],
        max_daily_drive_min=values["max_daily_drive_min"],
        max_daily_duty_min=values["max_daily_duty_min"],
        rest_min=values["rest_min"],
    )


def _check_minutes(minutes: float) -> None:
    if not (math.isfinite(minutes) and minutes >= 0):
        raise ValueError("minutes must be finite and ≥ 0")
