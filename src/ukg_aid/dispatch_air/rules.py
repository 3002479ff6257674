"""Feasibility of one aircraft for one mission, and single assignment (SPEC §4).

An aircraft can take a mission only if, checked in this order:

1. it is ``available`` (else ``not_available``);
2. the mission time ``at`` is inside its daylight window (else ``outside_window``);
3. there is a receiving hospital (else ``no_hospital``);
4. the whole sortie (base → scene → hospital → base) is within its range (else ``range``);
5. the sortie is back at base no later than the window closes (else ``daylight``).

A refusal always says why: one reason plus, for a mission, every aircraft's own refusal.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ukg_aid.dispatch_air.daylight import window_at
from ukg_aid.dispatch_air.model import (
    Aircraft,
    AircraftStatus,
    Hospital,
    Mission,
    Preference,
    RefusalReason,
)
from ukg_aid.dispatch_air.sortie import Sortie, mission_hospital, plan_sortie, time_to_point_min


@dataclass(frozen=True, slots=True)
class Feasible:
    """The aircraft can fly the mission; ``sortie`` is its timeline."""

    sortie: Sortie


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a mission cannot be flown (by one aircraft when ``aircraft_id`` is set).

    For a mission-level refusal, ``blocked`` holds each aircraft's own refusal.
    """

    mission_id: int
    reason: RefusalReason
    detail: str
    aircraft_id: int | None = None
    blocked: tuple[Refusal, ...] = ()


@dataclass(frozen=True, slots=True)
class Assignment:
    """An aircraft given to a mission, with its sortie and a one-line reason."""

    mission_id: int
    aircraft_id: int
    sortie: Sortie
    reason: str


def _hhmm(t: dt.datetime) -> str:
    return t.strftime("%H:%M")


def check_sortie(
    aircraft: Aircraft, mission: Mission, at: dt.datetime, hospital: Hospital | None
) -> Feasible | Refusal:
    """``check`` with the receiving hospital already chosen (``None``: there is none)."""

    def refuse(reason: RefusalReason, detail: str) -> Refusal:
        return Refusal(mission.id, reason, f"{aircraft.callsign}: {detail}", aircraft.id)

    if aircraft.status is not AircraftStatus.available:
        return refuse(RefusalReason.not_available, f"status {aircraft.status.value}")
    start, end = window_at(aircraft, at)
    if not start <= at < end:
        window = f"{_hhmm(start)}-{_hhmm(end)}"
        return refuse(RefusalReason.outside_window, f"{_hhmm(at)} is outside window {window}")
    if hospital is None:
        return refuse(RefusalReason.no_hospital, "every base hospital is in a damaged area")
    sortie = plan_sortie(aircraft, mission, hospital, at)
    if sortie.total_km > aircraft.range_km:
        km = f"{sortie.total_km:.0f} km > range {aircraft.range_km:.0f} km"
        return refuse(RefusalReason.range, f"sortie {km}")
    if sortie.back_at_base_at > end:
        back = _hhmm(sortie.back_at_base_at)
        return refuse(RefusalReason.daylight, f"back at base {back}, after window end {_hhmm(end)}")
    return Feasible(sortie)


def check(
    aircraft: Aircraft, mission: Mission, at: dt.datetime, hospitals: Sequence[Hospital]
) -> Feasible | Refusal:
    """Whether ``aircraft`` can fly ``mission`` if assigned at ``at`` (rules in the module doc)."""
    return check_sortie(aircraft, mission, at, mission_hospital(mission, hospitals))


def home_member(code: str, member_parent: Mapping[str, str]) -> str:
    """The member whose aircraft count as "own": a designated city belongs to its prefecture."""
    return member_parent.get(code, code)


def mission_refusal(
    mission: Mission, aircraft: Sequence[Aircraft], blocked: Sequence[Refusal]
) -> Refusal:
    """One refusal for a mission no aircraft can fly, from every aircraft's own refusal.

    The reason is ``no_helicopter`` when no aircraft is available at all; otherwise it is the
    reason that blocked the best candidate, the available aircraft closest in time to the scene.
    """
    by_id = {a.id: a for a in aircraft}
    candidates = [r for r in blocked if r.reason is not RefusalReason.not_available]
    if not candidates:
        detail = f"no aircraft available ({len(blocked)} known, none with status available)"
        return Refusal(mission.id, RefusalReason.no_helicopter, detail, blocked=tuple(blocked))

    def eta(r: Refusal) -> tuple[float, int]:
        assert r.aircraft_id is not None
        plane = by_id[r.aircraft_id]
        return time_to_point_min(plane, mission.scene_lat, mission.scene_lon), plane.id

    best = min(candidates, key=eta)
    counts = Counter(r.reason.value for r in blocked)
    summary = ", ".join(f"{reason} {n}" for reason, n in sorted(counts.items()))
    detail = f"best candidate {best.detail} (all: {summary})"
    return Refusal(mission.id, best.reason, detail, blocked=tuple(blocked))


def _assign_named(
    aircraft: Sequence[Aircraft],
    mission: Mission,
    at: dt.datetime,
    hospital: Hospital | None,
    named_id: int,
) -> Assignment | Refusal:
    plane = next((a for a in aircraft if a.id == named_id), None)
    if plane is None:
        return Refusal(mission.id, RefusalReason.no_helicopter, f"no aircraft with id {named_id}")
    outcome = check_sortie(plane, mission, at, hospital)
    if isinstance(outcome, Refusal):
        return Refusal(mission.id, outcome.reason, outcome.detail, plane.id, (outcome,))
    minutes = outcome.sortie.time_to_scene_min
    return Assignment(
        mission.id, plane.id, outcome.sortie, f"named aircraft: {minutes:.1f} min to scene"
    )


def assign_one(
    aircraft: Sequence[Aircraft],
    mission: Mission,
    at: dt.datetime,
    hospitals: Sequence[Hospital],
    preference: Preference = Preference.geography_first,
    *,
    member_parent: Mapping[str, str] | None = None,
    named_aircraft_id: int | None = None,
) -> Assignment | Refusal:
    """The capable aircraft with the shortest time to scene, or a refusal saying why.

    Under ``own_first`` the requesting member's own capable aircraft (operated by the member or,
    for a designated city, by its parent prefecture per ``member_parent``) are tried first.
    With ``named_aircraft_id`` only that aircraft is considered. Ties go to the lower aircraft id.
    """
    hospital = mission_hospital(mission, hospitals)
    if named_aircraft_id is not None:
        return _assign_named(aircraft, mission, at, hospital, named_aircraft_id)
    outcomes = [(a, check_sortie(a, mission, at, hospital)) for a in aircraft]
    feasible = [(a, o.sortie) for a, o in outcomes if isinstance(o, Feasible)]
    if not feasible:
        blocked = [o for _, o in outcomes if isinstance(o, Refusal)]
        return mission_refusal(mission, aircraft, blocked)
    pool, note = feasible, "fastest capable aircraft"
    if preference is Preference.own_first:
        parents = member_parent or {}
        home = home_member(mission.member_code, parents)
        own = [(a, s) for a, s in feasible if home_member(a.member_code, parents) == home]
        if own:
            pool, note = own, "own aircraft first"
    plane, sortie = min(pool, key=lambda p: (p[1].time_to_scene_min, p[0].id))
    reason = f"{note}: {plane.callsign} {sortie.time_to_scene_min:.1f} min to scene"
    return Assignment(mission.id, plane.id, sortie, reason)
