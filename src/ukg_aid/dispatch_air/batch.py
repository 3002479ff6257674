"""Batch assignment of pending medevac missions as one optimization (SPEC §4, §12).

Each aircraft flies at most one mission and each mission gets at most one aircraft, only where
``rules.check`` allows: with the mission's receiving hospital, from where each aircraft flies at
``at`` (its staging point while staged), and clear of weather holds (an aircraft whose base is held
during a sortie cannot fly it, and no leg crosses a held area). Plans are ranked by
``objective.BatchKey`` (lexicographic: reds served, yellows served, own-first honoured, banded
weighted minutes, uncovered offices, exact weighted minutes) and solved exactly by
``batch_plan.plan``.

Serving the most reds first means a red is never left pending while a yellow holds an aircraft
that could fly it (giving that aircraft to the red would serve one more red). A mission with no
receiving hospital is refused at once with the hospital's reason.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ukg_aid.air_kinds import Preference
from ukg_aid.dispatch_air.batch_plan import Option, plan, prune
from ukg_aid.dispatch_air.hospitals import HospitalRefusal, receiving_hospital
from ukg_aid.dispatch_air.model import Aircraft, Hospital, Mission, RefusalReason
from ukg_aid.dispatch_air.objective import BatchKey, batch_key, covering, is_own
from ukg_aid.dispatch_air.rules import (
    Assignment,
    Refusal,
    check_sortie,
    hospital_refusal,
    mission_refusal,
)
from ukg_aid.dispatch_air.staging import staged_fleet
from ukg_aid.dispatch_air.weather import WeatherHold
from ukg_aid.solving import SolveStatus


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Assignments, a refusal for every mission left pending, and how good the plan is."""

    status: SolveStatus
    assignments: tuple[Assignment, ...]
    refusals: tuple[Refusal, ...]
    key: BatchKey
    solve_seconds: float


@dataclass(frozen=True, slots=True)
class _Context:
    at: dt.datetime
    preferences: Mapping[str, Preference]
    member_parent: Mapping[str, str]
    offices: Mapping[str, tuple[float, float]]
    holds: Sequence[WeatherHold]


def _options(
    aircraft: Sequence[Aircraft],
    missions: Sequence[Mission],
    hospitals: Sequence[Hospital],
    ctx: _Context,
) -> tuple[list[Option], dict[int, list[Refusal]], dict[int, Refusal]]:
    """Every feasible (aircraft, mission) pair, each mission's per-aircraft refusals, and the
    refusals of missions with no receiving hospital. ``aircraft`` are already staged."""
    options: list[Option] = []
    blocked: dict[int, list[Refusal]] = defaultdict(list)
    no_hospital: dict[int, Refusal] = {}
    for mission in missions:
        hospital = receiving_hospital(mission, hospitals, ctx.at, ctx.holds)
        if isinstance(hospital, HospitalRefusal):
            no_hospital[mission.id] = hospital_refusal(mission, hospital)
            continue
        for plane in aircraft:
            outcome = check_sortie(plane, mission, ctx.at, hospital, ctx.holds)
            if isinstance(outcome, Refusal):
                blocked[mission.id].append(outcome)
                continue
            own = is_own(plane, mission, ctx.preferences, ctx.member_parent)
            options.append(Option(plane, mission, outcome.sortie, own))
    return options, blocked, no_hospital


def _refusals(
    missions: Sequence[Mission],
    aircraft: Sequence[Aircraft],
    served: set[int],
    options: list[Option],
    blocked: Mapping[int, list[Refusal]],
    no_hospital: Mapping[int, Refusal],
) -> list[Refusal]:
    """A refusal for every mission left pending, saying why."""
    capable: dict[int, int] = defaultdict(int)
    for option in options:
        capable[option.mission.id] += 1
    refusals: list[Refusal] = []
    for mission in missions:
        if mission.id in served:
            continue
        if mission.id in no_hospital:
            refusals.append(no_hospital[mission.id])
        elif capable[mission.id]:
            detail = f"{capable[mission.id]} capable aircraft, all given to other missions"
            refusals.append(
                Refusal(
                    mission.id,
                    RefusalReason.all_committed,
                    detail,
                    None,
                    tuple(blocked[mission.id]),
                )
            )
        else:
            refusals.append(mission_refusal(mission, aircraft, blocked[mission.id]))
    return refusals


def _assignment(option: Option) -> Assignment:
    minutes = option.sortie.time_to_scene_min
    severity = option.mission.severity.value
    reason = f"batch ({severity}): {option.plane.callsign} {minutes:.1f} min to scene"
    return Assignment(option.mission.id, option.plane.id, option.sortie, reason)


def assign_batch(
    aircraft: Sequence[Aircraft],
    missions: Sequence[Mission],
    at: dt.datetime,
    hospitals: Sequence[Hospital],
    preferences: Mapping[str, Preference] | None = None,
    *,
    member_parent: Mapping[str, str] | None = None,
    offices: Mapping[str, tuple[float, float]] | None = None,
    holds: Sequence[WeatherHold] = (),
    time_limit_s: float = 10.0,
) -> BatchResult:
    """Assign pending ``missions`` to ``aircraft`` at ``at`` as one optimization.

    ``preferences`` maps member codes to their policy (default ``geography_first``);
    ``member_parent`` maps a designated city to its prefecture; ``offices`` maps member codes to
    office (lat, lon) for the coverage tie-break; ``holds`` are the weather holds in force.
    Ranking: see the module and ``BatchKey``.
    """
    started = time.perf_counter()
    ctx = _Context(at, preferences or {}, member_parent or {}, offices or {}, holds)
    fleet = staged_fleet(aircraft, at)
    options, blocked, no_hospital = _options(fleet, missions, hospitals, ctx)
    kept = prune(options, len(fleet))
    cover = covering(fleet, ctx.offices, at, holds)
    chosen, optimal = plan(kept, cover, time_limit_s)
    assignments = [_assignment(o) for o in sorted(chosen, key=lambda o: o.mission.id)]
    served = {o.mission.id for o in chosen}
    key = batch_key(
        assignments,
        aircraft,
        missions,
        at,
        preferences=ctx.preferences,
        member_parent=ctx.member_parent,
        offices=ctx.offices,
        holds=holds,
    )
    return BatchResult(
        SolveStatus.OPTIMAL if optimal else SolveStatus.FEASIBLE,
        tuple(assignments),
        tuple(_refusals(missions, fleet, served, options, blocked, no_hospital)),
        key,
        time.perf_counter() - started,
    )
