"""Feasibility of one aircraft for one mission, and single assignment (SPEC §4, §12).

First the mission needs a receiving hospital (``hospitals.receiving_hospital``: else
``no_hospital``, or for a named one ``hospital_damaged``, ``hospital_full``, ``no_heliport``); that
is the mission's refusal whatever the aircraft. Then an aircraft, flying from its operating base
(``staging.staged``: the forward base while staged), can take the mission only if, in this order:

1. it is ``available`` (else ``not_available``) and flies for the mission's incident
   (``flies_for``: a visiting aircraft joined one incident's fleet; else ``other_incident``);
2. the mission time ``at`` is inside its daylight window (else ``outside_window``);
3. no weather hold covers its base during the sortie, nor an area a leg crosses while that leg is
   flown (``weather.sortie_hold``; else ``weather``);
4. the whole sortie (base → scene → hospital → base) is within its range (else ``range``);
5. the sortie is back at base no later than the window closes (else ``daylight``).

A refusal always says why: one reason plus, for a mission, every aircraft's own refusal.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ukg_aid.air_kinds import AircraftStatus, Preference
from ukg_aid.dispatch_air.daylight import window_at
from ukg_aid.dispatch_air.hospitals import HospitalRefusal, receiving_hospital
from ukg_aid.dispatch_air.model import Aircraft, Hospital, Mission, RefusalReason
from ukg_aid.dispatch_air.sortie import Sortie, plan_sortie, time_to_point_min
from ukg_aid.dispatch_air.staging import staged, staged_fleet
from ukg_aid.dispatch_air.weather import WeatherHold, sortie_hold


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


def flies_for(aircraft: Aircraft, mission: Mission) -> bool:
    """SPEC §12: a visiting aircraft joins one incident's fleet and flies only that incident's
    missions; the union's own aircraft (``incident_id`` ``None``) fly for every incident."""
    return aircraft.incident_id is None or aircraft.incident_id == mission.incident_id


def check_sortie(
    aircraft: Aircraft,
    mission: Mission,
    at: dt.datetime,
    hospital: Hospital,
    holds: Sequence[WeatherHold] = (),
) -> Feasible | Refusal:
    """``check`` with the receiving hospital already chosen (rules 1-5 of the module doc)."""
    plane = staged(aircraft, at)

    def refuse(reason: RefusalReason, detail: str) -> Refusal:
        return Refusal(mission.id, reason, f"{plane.callsign}: {detail}", plane.id)

    if plane.status is not AircraftStatus.available:
        return refuse(RefusalReason.not_available, f"status {plane.status.value}")
    if not flies_for(plane, mission):
        joined = f"visiting for incident {plane.incident_id}, not {mission.incident_id}"
        return refuse(RefusalReason.other_incident, joined)
    start, end = window_at(plane, at)
    if not start <= at < end:
        window = f"{_hhmm(start)}-{_hhmm(end)}"
        return refuse(RefusalReason.outside_window, f"{_hhmm(at)} is outside window {window}")
    sortie = plan_sortie(plane, mission, hospital, at)
    held = sortie_hold(sortie, holds)
    if held is not None:
        return refuse(RefusalReason.weather, held.describe())
    if sortie.total_km > plane.range_km:
        km = f"{sortie.total_km:.0f} km > range {plane.range_km:.0f} km"
        return refuse(RefusalReason.range, f"sortie via {hospital.name} {km}")
    if sortie.back_at_base_at > end:
        back = _hhmm(sortie.back_at_base_at)
        return refuse(RefusalReason.daylight, f"back at base {back}, after window end {_hhmm(end)}")
    return Feasible(sortie)


def hospital_refusal(mission: Mission, refusal: HospitalRefusal) -> Refusal:
    """The mission-level refusal for a mission with no receiving hospital."""
    return Refusal(mission.id, refusal.reason, refusal.detail)


def check(
    aircraft: Aircraft,
    mission: Mission,
    at: dt.datetime,
    hospitals: Sequence[Hospital],
    holds: Sequence[WeatherHold] = (),
) -> Feasible | Refusal:
    """Whether ``aircraft`` can fly ``mission`` if assigned at ``at`` (rules in the module doc)."""
    hospital = receiving_hospital(mission, hospitals, at, holds)
    if isinstance(hospital, HospitalRefusal):
        return Refusal(mission.id, hospital.reason, hospital.detail, aircraft.id)
    return check_sortie(aircraft, mission, at, hospital, holds)


def home_member(code: str | None, member_parent: Mapping[str, str]) -> str | None:
    """The member whose aircraft count as "own": a designated city belongs to its prefecture.

    ``None`` for a visiting aircraft (no member): it is nobody's own.
    """
    return None if code is None else member_parent.get(code, code)


def mission_refusal(
    mission: Mission, aircraft: Sequence[Aircraft], blocked: Sequence[Refusal]
) -> Refusal:
    """One refusal for a mission no aircraft can fly, from every aircraft's own refusal.

    The reason is ``no_helicopter`` when no aircraft is available at all; otherwise it is the
    reason that blocked the best candidate, the available aircraft closest in time to the scene
    (from where it flies: pass ``aircraft`` through ``staging.staged_fleet`` first).
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
    hospital: Hospital,
    named_id: int,
    holds: Sequence[WeatherHold],
) -> Assignment | Refusal:
    plane = next((a for a in aircraft if a.id == named_id), None)
    if plane is None:
        return Refusal(mission.id, RefusalReason.no_helicopter, f"no aircraft with id {named_id}")
    outcome = check_sortie(plane, mission, at, hospital, holds)
    if isinstance(outcome, Refusal):
        return Refusal(mission.id, outcome.reason, outcome.detail, plane.id, (outcome,))
    minutes = outcome.sortie.time_to_scene_min
    return Assignment(
        mission.id, plane.id, outcome.sortie, f"named aircraft: {minutes:.1f} min to scene"
    )


def _own_first_pool(
    feasible: list[tuple[Aircraft, Sortie]], mission: Mission, parents: Mapping[str, str]
) -> list[tuple[Aircraft, Sortie]]:
    """The requesting member's own capable aircraft (empty when it has none capable)."""
    home = home_member(mission.member_code, parents)
    return [(a, s) for a, s in feasible if home_member(a.member_code, parents) == home]


def assign_one(
    aircraft: Sequence[Aircraft],
    mission: Mission,
    at: dt.datetime,
    hospitals: Sequence[Hospital],
    preference: Preference = Preference.geography_first,
    *,
    member_parent: Mapping[str, str] | None = None,
    named_aircraft_id: int | None = None,
    holds: Sequence[WeatherHold] = (),
) -> Assignment | Refusal:
    """The capable aircraft with the shortest time to scene, or a refusal saying why.

    Under ``own_first`` the requesting member's own capable aircraft (operated by the member or,
    for a designated city, by its parent prefecture per ``member_parent``; never a visiting
    aircraft) are tried first. With ``named_aircraft_id`` only that aircraft is considered.
    ``holds`` are the weather holds in force. Ties go to the lower aircraft id.
    """
    hospital = receiving_hospital(mission, hospitals, at, holds)
    if isinstance(hospital, HospitalRefusal):
        return hospital_refusal(mission, hospital)
    fleet = staged_fleet(aircraft, at)
    if named_aircraft_id is not None:
        return _assign_named(fleet, mission, at, hospital, named_aircraft_id, holds)
    outcomes = [(a, check_sortie(a, mission, at, hospital, holds)) for a in fleet]
    feasible = [(a, o.sortie) for a, o in outcomes if isinstance(o, Feasible)]
    if not feasible:
        blocked = [o for _, o in outcomes if isinstance(o, Refusal)]
        return mission_refusal(mission, fleet, blocked)
    pool, note = feasible, "fastest capable aircraft"
    if preference is Preference.own_first:
        own = _own_first_pool(feasible, mission, member_parent or {})
        if own:
            pool, note = own, "own aircraft first"
    plane, sortie = min(pool, key=lambda p: (p[1].time_to_scene_min, p[0].id))
    reason = f"{note}: {plane.callsign} {sortie.time_to_scene_min:.1f} min to scene"
    return Assignment(mission.id, plane.id, sortie, reason)
