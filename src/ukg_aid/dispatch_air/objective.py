"""The batch objective and a solver-independent check of any batch plan.

A batch plan is ranked lexicographically by ``BatchKey`` (smaller is better):

1. most ``red`` missions served;
2. then most ``yellow`` missions served;
3. then most own-first missions flown by the member's own aircraft;
4. then least severity-weighted minutes to scene, each assignment rounded *down* to its
   5-minute band (``weight × floor(minutes / 5)``), so options within one band tie here;
5. then fewest member offices left uncovered (no remaining ready aircraft within 30 min), which
   can therefore only break ties among options within 5 minutes of each other;
6. then least exact severity-weighted time to scene, in tenths of a minute.

Severity weights are ``Severity.weight`` (red 3, yellow 1).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ukg_aid.air_kinds import Preference, Severity
from ukg_aid.dispatch_air.coverage import (
    COVERED_WITHIN_MIN,
    CoverageReason,
    daylight_flags,
    office_reach,
)
from ukg_aid.dispatch_air.hospitals import HospitalRefusal, receiving_hospital
from ukg_aid.dispatch_air.model import Aircraft, Hospital, Mission
from ukg_aid.dispatch_air.rules import Assignment, Feasible, check_sortie, home_member
from ukg_aid.dispatch_air.staging import staged_fleet
from ukg_aid.dispatch_air.weather import WeatherHold
from ukg_aid.geo import Point

BAND_MIN = 5.0
"""Width of the time-to-scene bands within which coverage may break ties (SPEC §4)."""


@dataclass(frozen=True, slots=True)
class BatchKey:
    """The six objective levels of a batch plan; ``rank()`` orders plans (smaller is better)."""

    reds_served: int
    yellows_served: int
    own_first_honoured: int
    banded_weighted: int
    uncovered_offices: int
    weighted_tenths: int

    def rank(self) -> tuple[int, int, int, int, int, int]:
        """Lexicographic rank: maximized levels negated, so the best plan has the least rank."""
        return (
            -self.reds_served,
            -self.yellows_served,
            -self.own_first_honoured,
            self.banded_weighted,
            self.uncovered_offices,
            self.weighted_tenths,
        )


def band_cost(severity: Severity, minutes: float) -> int:
    """Level 4 cost of one assignment: weight × whole 5-minute bands to scene."""
    return severity.weight * math.floor(minutes / BAND_MIN)


def exact_cost(severity: Severity, minutes: float) -> int:
    """Level 6 cost of one assignment: weighted minutes to scene in tenths of a minute."""
    return round(severity.weight * minutes * 10)


def is_own(
    aircraft: Aircraft,
    mission: Mission,
    preferences: Mapping[str, Preference],
    member_parent: Mapping[str, str],
) -> bool:
    """Whether flying ``mission`` with ``aircraft`` honours an own-first member's preference.

    A visiting aircraft (no member) never does.
    """
    if preferences.get(mission.member_code) is not Preference.own_first or aircraft.visiting:
        return False
    return home_member(aircraft.member_code, member_parent) == home_member(
        mission.member_code, member_parent
    )


def _within_cover(outcome: float | CoverageReason) -> bool:
    return not isinstance(outcome, CoverageReason) and outcome <= COVERED_WITHIN_MIN


def covering(
    aircraft: Iterable[Aircraft],
    offices: Mapping[str, tuple[float, float]],
    at: dt.datetime,
    holds: Sequence[WeatherHold] = (),
) -> dict[str, frozenset[int]]:
    """For each office, ids of the aircraft that reach it within 30 minutes from ``at``.

    Reaching is ``coverage.office_reach`` (daylight, weather, status, range), from where each
    aircraft flies at ``at`` (its staging point while staged).
    """
    fleet = staged_fleet(aircraft, at)
    daylight = daylight_flags(fleet, at)

    def reaches(a: Aircraft, office: Point) -> bool:
        return _within_cover(office_reach(a, office, at, holds, in_daylight=daylight[a.id]))

    points = {code: Point(lat, lon) for code, (lat, lon) in offices.items()}
    return {code: frozenset(a.id for a in fleet if reaches(a, p)) for code, p in points.items()}


def batch_key(
    assignments: Iterable[Assignment],
    aircraft: Sequence[Aircraft],
    missions: Sequence[Mission],
    at: dt.datetime,
    *,
    preferences: Mapping[str, Preference],
    member_parent: Mapping[str, str],
    offices: Mapping[str, tuple[float, float]],
    holds: Sequence[WeatherHold] = (),
) -> BatchKey:
    """The ``BatchKey`` of a plan, computed from its assignments alone."""
    planes = {a.id: a for a in aircraft}
    by_id = {m.id: m for m in missions}
    chosen = list(assignments)
    served = [by_id[x.mission_id] for x in chosen]
    used = {x.aircraft_id for x in chosen}
    cover = covering(aircraft, offices, at, holds)
    return BatchKey(
        reds_served=sum(m.severity is Severity.red for m in served),
        yellows_served=sum(m.severity is Severity.yellow for m in served),
        own_first_honoured=sum(
            is_own(planes[x.aircraft_id], by_id[x.mission_id], preferences, member_parent)
            for x in chosen
        ),
        banded_weighted=sum(
            band_cost(by_id[x.mission_id].severity, x.sortie.time_to_scene_min) for x in chosen
        ),
        uncovered_offices=sum(not (ids - used) for ids in cover.values()),
        weighted_tenths=sum(
            exact_cost(by_id[x.mission_id].severity, x.sortie.time_to_scene_min) for x in chosen
        ),
    )


def validate_batch(
    assignments: Sequence[Assignment],
    aircraft: Sequence[Aircraft],
    missions: Sequence[Mission],
    at: dt.datetime,
    hospitals: Sequence[Hospital],
    holds: Sequence[WeatherHold] = (),
) -> list[str]:
    """Problems with a batch plan (empty when valid), independent of how it was solved.

    Checks: every aircraft flies at most one mission and every mission gets at most one
    aircraft; every assignment passes ``rules.check`` (hospital, staging and weather holds
    included) and flies the sortie that check plans; no red mission is left unserved while a
    yellow mission holds an aircraft that could fly that red.
    """
    problems: list[str] = []
    planes = {a.id: a for a in aircraft}
    by_id = {m.id: m for m in missions}
    receiving = {m.id: receiving_hospital(m, hospitals, at, holds) for m in missions}

    def feasible(aircraft_id: int, mission_id: int) -> Feasible | None:
        hospital = receiving[mission_id]
        if isinstance(hospital, HospitalRefusal):
            return None
        outcome = check_sortie(planes[aircraft_id], by_id[mission_id], at, hospital, holds)
        return outcome if isinstance(outcome, Feasible) else None

    if len({x.aircraft_id for x in assignments}) != len(assignments):
        problems.append("an aircraft flies more than one mission")
    if len({x.mission_id for x in assignments}) != len(assignments):
        problems.append("a mission has more than one aircraft")
    for x in assignments:
        outcome = feasible(x.aircraft_id, x.mission_id)
        if outcome is None:
            problems.append(f"aircraft {x.aircraft_id} cannot fly mission {x.mission_id}")
        elif outcome.sortie != x.sortie:
            problems.append(f"mission {x.mission_id}: the sortie is not the one check plans")
    served = {x.mission_id for x in assignments}
    pending_reds = [m for m in missions if m.severity is Severity.red and m.id not in served]
    for x in assignments:
        if by_id[x.mission_id].severity is not Severity.yellow:
            continue
        for red in pending_reds:
            if feasible(x.aircraft_id, red.id) is not None:
                problems.append(
                    f"red {red.id} pending while yellow {x.mission_id} holds a capable aircraft"
                )
    return problems
