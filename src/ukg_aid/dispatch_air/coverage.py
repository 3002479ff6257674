"""Coverage report: for each member office, the fastest aircraft that can reach it now (SPEC §4).

Each aircraft, from where it flies at ``at`` (its staging point while staged), is put through
these checks in order (``office_reach``); the first one it fails is its reason:

1. ``night``: ``at`` is outside its daylight window;
2. ``weather``: a hold covers its base, or an area on the straight line to the office, between
   ``at`` and its arrival there;
3. ``all_busy``: its status is not ``available`` (on a mission, in maintenance, off duty);
4. ``none_in_range``: flying to the office and back is longer than its range.

Aircraft passing all four can reach the office; flight time is lift-off (5 min) plus great-circle
distance at cruise speed, and the row names the fastest (it does not check that a full sortie
would fit before sunset: that is the job of ``rules.check``). When none can, the row's ``reason``
is the check at which the *last* aircraft dropped out: the furthest any aircraft got. So
``night`` means every aircraft is outside its window; ``weather`` that some are in daylight and
every one of those is held; ``all_busy`` that some are in daylight and clear of holds but none of
those is available; ``none_in_range`` that some could fly but none reaches the office. An empty
fleet gives ``no_aircraft``. ``detail`` counts every aircraft's reason.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ukg_aid.air_kinds import AircraftStatus
from ukg_aid.dispatch_air.daylight import in_window
from ukg_aid.dispatch_air.model import Aircraft
from ukg_aid.dispatch_air.sortie import LIFT_OFF_MIN, flight_minutes
from ukg_aid.dispatch_air.staging import staged_fleet
from ukg_aid.dispatch_air.weather import Leg, WeatherHold, base_hold, leg_hold
from ukg_aid.geo import Point, haversine_km

COVERED_WITHIN_MIN = 30.0
"""An office is covered when some available aircraft can reach it within this many minutes."""


class CoverageReason(StrEnum):
    """Why no aircraft can reach an office (checks in the module doc, in their order)."""

    no_aircraft = "no_aircraft"
    night = "night"
    weather = "weather"
    all_busy = "all_busy"
    none_in_range = "none_in_range"


CHECK_ORDER = (
    CoverageReason.night,
    CoverageReason.weather,
    CoverageReason.all_busy,
    CoverageReason.none_in_range,
)


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """The fastest aircraft that can reach one member office, or why none can.

    ``helicopter_id`` and ``flight_minutes`` are ``None`` exactly when ``reason`` is set.
    """

    member_code: str
    helicopter_id: int | None
    flight_minutes: float | None
    within_30: bool
    reason: CoverageReason | None = None
    detail: str = ""


def office_reach(
    aircraft: Aircraft,
    office: Point,
    at: dt.datetime,
    holds: Sequence[WeatherHold] = (),
    *,
    in_daylight: bool | None = None,
) -> float | CoverageReason:
    """Minutes for ``aircraft`` (already staged) to reach ``office`` from ``at``, or why not.

    ``in_daylight`` is ``in_window(aircraft, at)`` when the caller already knows it.
    """
    if not (in_window(aircraft, at) if in_daylight is None else in_daylight):
        return CoverageReason.night
    km = haversine_km(aircraft.base_lat, aircraft.base_lon, office.lat, office.lon)
    minutes = LIFT_OFF_MIN + flight_minutes(km, aircraft.cruise_kmh)
    if holds:
        arrive = at + dt.timedelta(minutes=minutes)
        lift_off = at + dt.timedelta(minutes=LIFT_OFF_MIN)
        leg = Leg("base → office", aircraft.base, office, lift_off, arrive)
        if base_hold(aircraft.id, at, arrive, holds) or leg_hold(leg, holds):
            return CoverageReason.weather
    if aircraft.status is not AircraftStatus.available:
        return CoverageReason.all_busy
    if 2 * km > aircraft.range_km:
        return CoverageReason.none_in_range
    return minutes


def daylight_flags(fleet: Iterable[Aircraft], at: dt.datetime) -> dict[int, bool]:
    """``in_window`` for each aircraft (by id), computed once for every office."""
    return {a.id: in_window(a, at) for a in fleet}


def no_coverage_reason(reasons: Sequence[CoverageReason]) -> CoverageReason:
    """The row's reason from every aircraft's: the latest check any aircraft reached."""
    if not reasons:
        return CoverageReason.no_aircraft
    return max(reasons, key=CHECK_ORDER.index)


def coverage_row(
    member_code: str,
    office: tuple[float, float],
    fleet: Sequence[Aircraft],
    at: dt.datetime,
    holds: Sequence[WeatherHold] = (),
    daylight: Mapping[int, bool] | None = None,
) -> CoverageRow:
    """The coverage row of one office; ``fleet`` already staged at ``at`` (``daylight``: its
    ``daylight_flags`` when the caller has them)."""
    point = Point(*office)
    daylight = daylight_flags(fleet, at) if daylight is None else daylight
    reached: list[tuple[float, int]] = []
    blocked: list[CoverageReason] = []
    for plane in fleet:
        outcome = office_reach(plane, point, at, holds, in_daylight=daylight[plane.id])
        if isinstance(outcome, CoverageReason):
            blocked.append(outcome)
        else:
            reached.append((outcome, plane.id))
    if reached:
        minutes, aircraft_id = min(reached)
        return CoverageRow(member_code, aircraft_id, minutes, minutes <= COVERED_WITHIN_MIN)
    counts = Counter(r.value for r in blocked)
    detail = ", ".join(f"{reason} {n}" for reason, n in sorted(counts.items()))
    reason = no_coverage_reason(blocked)
    return CoverageRow(member_code, None, None, False, reason, detail or "no aircraft in the fleet")


def coverage(
    aircraft: Iterable[Aircraft],
    offices: Mapping[str, tuple[float, float]],
    at: dt.datetime,
    holds: Sequence[WeatherHold] = (),
) -> list[CoverageRow]:
    """One row per office (in ``offices`` order): ``{member_code: (lat, lon)}``."""
    fleet = staged_fleet(aircraft, at)
    daylight = daylight_flags(fleet, at)
    return [
        coverage_row(code, office, fleet, at, holds, daylight) for code, office in offices.items()
    ]
