"""Medevac state changes: assignment (single and batch) and the flight lifecycle.

Lock order everywhere: mission rows by id, then helicopter rows by id. Assignment locks the
whole fleet (eight rows) and decides on the locked rows, so two EMS coordinators assigning at
once are serialized and an aircraft can never be given to two missions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import anyio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import dispatch_air
from ukg_aid.audit import service as audit
from ukg_aid.clock import JST, Clock, require_forward, settle
from ukg_aid.db.locking import for_change
from ukg_aid.dispatch_air import AircraftStatus, Assignment, Preference, Refusal
from ukg_aid.errors import Conflict, NotFound
from ukg_aid.helicopters import service as heli_service
from ukg_aid.helicopters.models import Helicopter
from ukg_aid.medevac import service as mission_service
from ukg_aid.medevac.enums import MissionStatus
from ukg_aid.medevac.models import MedevacMission
from ukg_aid.principal import Principal


def _require(mission: MedevacMission, *allowed: MissionStatus) -> None:
    if mission.status not in allowed:
        want = " or ".join(s.value for s in allowed)
        raise Conflict(
            f"medevac mission {mission.id} is {mission.status.value}; this needs it {want}",
            code="mission-state",
            mission_status=mission.status.value,
        )


def _forward(mission: MedevacMission, when: datetime, what: str) -> datetime:
    """A mission's timeline only moves forward: not before its report or its last change."""
    reported = mission.updated_at == mission.reported_at
    return require_forward(
        when,
        mission.updated_at,
        subject=f"medevac mission {mission.id}: {what}",
        previous_what="its report" if reported else "its last change",
    )


def _fleet_at(fleet: list[Helicopter], when: datetime) -> list[Helicopter]:
    """The aircraft whose status is known at ``when``: one whose last status change is later
    cannot be judged (or given away) at ``when``, so it is left out of the choice."""
    return [h for h in fleet if h.updated_at <= when]


def refusal_problem(mission: MedevacMission, refusal: Refusal) -> Conflict:
    """The 409 for a mission no aircraft can fly: names the reason and each aircraft's own."""
    return Conflict(
        f"medevac mission {mission.id} cannot be flown now: {refusal.detail}",
        code="medevac-refused",
        mission_id=mission.id,
        mission_status=mission.status.value,
        reason=refusal.reason.value,
        aircraft=_blocked(refusal),
    )


def _blocked(refusal: Refusal) -> list[dict[str, Any]]:
    return [
        {"helicopter_id": b.aircraft_id, "reason": b.reason.value, "detail": b.detail}
        for b in refusal.blocked
    ]


async def _refuse(
    session: AsyncSession,
    mission: MedevacMission,
    refusal: Refusal,
    *,
    principal: Principal,
    at: datetime,
) -> None:
    """The mission stays pending; its reason records why (committed, unlike a raised error)."""
    mission.reason, mission.reason_detail = refusal.reason.value, refusal.detail[:1000]
    mission.blocked, mission.updated_at = _blocked(refusal), at
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="medevac.refuse",
        entity="medevac_mission",
        entity_id=mission.id,
        after={"status": mission.status.value, "reason": mission.reason},
        at=at,
    )


def _store_sortie(mission: MedevacMission, heli_id: int, assignment: Assignment) -> None:
    sortie = assignment.sortie
    mission.status, mission.helicopter_id = MissionStatus.assigned, heli_id
    mission.eta_scene_minutes = round(sortie.time_to_scene_min, 1)
    mission.sortie_km = round(sortie.total_km, 1)
    mission.reason, mission.reason_detail, mission.blocked = assignment.reason[:300], None, None
    h = sortie.hospital
    mission.hospital = {"name": h.name, "lat": h.lat, "lon": h.lon}
    mission.planned_on_scene_at = sortie.on_scene_at
    mission.planned_at_hospital_at = sortie.at_hospital_at
    mission.planned_back_at_base_at = sortie.back_at_base_at


async def _apply(
    session: AsyncSession,
    mission: MedevacMission,
    heli: Helicopter,
    assignment: Assignment,
    *,
    principal: Principal,
    at: datetime,
    note: str | None = None,
) -> None:
    """Give ``heli`` (locked, re-checked available) to ``mission`` and store the sortie times."""
    if heli.status is not AircraftStatus.available:  # defensive: the core checked locked rows
        raise Conflict(f"helicopter {heli.id} is {heli.status.value}", code="helicopter-busy")
    _store_sortie(mission, heli.id, assignment)
    mission.assigned_by, mission.assigned_at, mission.updated_at = principal.name, at, at
    await session.flush()
    await heli_service.change_status(
        session,
        heli,
        AircraftStatus.on_mission,
        principal=principal,
        at=at,
        note=f"assigned to medevac mission {mission.id}",
        mission_id=mission.id,
    )
    await audit.record(
        session,
        principal=principal,
        action="medevac.assign",
        entity="medevac_mission",
        entity_id=mission.id,
        before={"status": "pending"},
        after=mission_service.snapshot(mission),
        at=at,
        note=note,
    )


@dataclass(frozen=True, slots=True)
class AssignOutcome:
    mission: MedevacMission
    refusal: Refusal | None


async def _fleet_for(
    session: AsyncSession, mission: MedevacMission, helicopter_id: int | None, when: datetime
) -> tuple[list[Helicopter], list[Helicopter], datetime]:
    """The locked fleet, the part of it that may be judged at ``when``, and ``when`` (a server
    time read again under the locks). A named aircraft whose last status change is after
    ``when`` is a 422 (404 if it does not exist)."""
    locked = await heli_service.lock_fleet(session)
    when = settle(when)
    named = next((h for h in locked if h.id == helicopter_id), None)
    if helicopter_id is not None and named is None:
        raise NotFound(f"helicopter {helicopter_id} does not exist", code="unknown-helicopter")
    if named is not None:
        when = require_forward(
            when,
            named.updated_at,
            subject=f"medevac mission {mission.id}: assignment of helicopter {named.id}",
            previous_what="the aircraft's last status change",
        )
    return locked, _fleet_at(locked, when), when


async def assign(
    session: AsyncSession,
    *,
    principal: Principal,
    mission_id: int,
    helicopter_id: int | None,
    at: datetime | None,
    clock: Clock,
    preference: Preference | None = None,
    note: str | None = None,
) -> AssignOutcome:
    """SPEC §4 single assignment (own-first per the member's policy), or a recorded refusal.

    Judged at ``at``: not before the mission was reported, and only with aircraft whose status
    is known at ``at``.
    """
    when = clock.resolve(at)
    mission = await mission_service.get_mission(session, mission_id, lock=True)
    _require(mission, MissionStatus.pending)
    when = _forward(mission, when, "assignment")
    locked, fleet, when = await _fleet_for(session, mission, helicopter_id, when)
    ctx = await heli_service.member_context(session)
    outcome = dispatch_air.assign_one(
        [heli_service.to_aircraft(h) for h in fleet],
        mission_service.to_core(mission),
        when,
        heli_service.base_hospitals(locked),
        preference or ctx.preferences.get(mission.member_code, Preference.geography_first),
        member_parent=ctx.parents,
        named_aircraft_id=helicopter_id,
    )
    if isinstance(outcome, Refusal):
        await _refuse(session, mission, outcome, principal=principal, at=when)
        return AssignOutcome(mission, outcome)
    heli = next(h for h in fleet if h.id == outcome.aircraft_id)
    await _apply(session, mission, heli, outcome, principal=principal, at=when, note=note)
    return AssignOutcome(mission, None)


async def _lock_pending(session: AsyncSession) -> list[MedevacMission]:
    query = (
        select(MedevacMission)
        .where(MedevacMission.status == MissionStatus.pending)
        .order_by(MedevacMission.id)
    )
    return list(await session.scalars(for_change(query)))


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    status: str
    solve_seconds: float
    assigned: list[MedevacMission]
    refused: list[MedevacMission]
    deferred: list[MedevacMission]


async def assign_pending(
    session: AsyncSession,
    *,
    principal: Principal,
    at: datetime | None,
    clock: Clock,
    time_limit_s: float = 10.0,
    note: str | None = None,
) -> BatchOutcome:
    """Every pending mission in one optimization (core ``assign_batch``, off the event loop).

    Judged at ``at``: a mission reported (or last changed) after ``at`` did not exist yet at that
    time, so it is left out (``deferred``, untouched) rather than flown on an earlier clock; the
    same holds for aircraft whose last status change is after ``at``.
    """
    when = clock.resolve(at)
    locked = await _lock_pending(session)
    whole_fleet = await heli_service.lock_fleet(session)
    when = settle(when)
    pending = [m for m in locked if m.updated_at <= when]
    deferred = [m for m in locked if m.updated_at > when]
    fleet = _fleet_at(whole_fleet, when)
    result = await _solve_batch(session, pending, whole_fleet, fleet, when, time_limit_s)
    missions = {m.id: m for m in pending}
    helis = {h.id: h for h in fleet}
    for a in result.assignments:
        mission, heli = missions[a.mission_id], helis[a.aircraft_id]
        await _apply(session, mission, heli, a, principal=principal, at=when, note=note)
    for r in result.refusals:
        await _refuse(session, missions[r.mission_id], r, principal=principal, at=when)
    await audit.record(
        session,
        principal=principal,
        action="medevac.batch_assign",
        entity="medevac_mission",
        entity_id="batch",
        after=_batch_summary(result, deferred),
        at=when,
        note=note,
    )
    return BatchOutcome(
        status=result.status.value,
        solve_seconds=round(result.solve_seconds, 4),
        assigned=[missions[a.mission_id] for a in result.assignments],
        refused=[missions[r.mission_id] for r in result.refusals],
        deferred=deferred,
    )


async def _solve_batch(
    session: AsyncSession,
    pending: list[MedevacMission],
    whole_fleet: list[Helicopter],
    fleet: list[Helicopter],
    when: datetime,
    time_limit_s: float,
) -> dispatch_air.BatchResult:
    """The core's batch assignment, off the event loop: ``fleet`` may fly, every base receives."""
    ctx = await heli_service.member_context(session)
    solve = partial(
        dispatch_air.assign_batch,
        [heli_service.to_aircraft(h) for h in fleet],
        [mission_service.to_core(m) for m in pending],
        when,
        heli_service.base_hospitals(whole_fleet),
        ctx.preferences,
        member_parent=ctx.parents,
        offices=ctx.offices,
        time_limit_s=time_limit_s,
    )
    return await anyio.to_thread.run_sync(solve)


def _batch_summary(
    result: dispatch_air.BatchResult, deferred: list[MedevacMission]
) -> dict[str, Any]:
    return {
        "status": result.status.value,
        "assigned": [a.mission_id for a in result.assignments],
        "refused": {str(r.mission_id): r.reason.value for r in result.refusals},
        "deferred": {str(m.id): m.updated_at.astimezone(JST).isoformat() for m in deferred},
    }


@dataclass(frozen=True, slots=True)
class Step:
    """One lifecycle transition: from which statuses, to which, which timestamp it sets."""

    allowed: tuple[MissionStatus, ...]
    to: MissionStatus
    stamp: str
    frees_aircraft: bool = False


STEPS: dict[str, Step] = {
    "en_route": Step((MissionStatus.assigned,), MissionStatus.en_route, "en_route_at"),
    "on_scene": Step((MissionStatus.en_route,), MissionStatus.on_scene, "on_scene_at"),
    "transporting": Step((MissionStatus.on_scene,), MissionStatus.transporting, "transporting_at"),
    "completed": Step(
        (MissionStatus.transporting,), MissionStatus.completed, "completed_at", frees_aircraft=True
    ),
    "cancel": Step(
        (
            MissionStatus.pending,
            MissionStatus.assigned,
            MissionStatus.en_route,
            MissionStatus.on_scene,
        ),
        MissionStatus.cancelled,
        "cancelled_at",
        frees_aircraft=True,
    ),
}
"""Order is enforced: a step from any other status is a 409. Once transporting, only complete."""


async def advance(
    session: AsyncSession,
    *,
    principal: Principal,
    mission_id: int,
    action: str,
    at: datetime | None,
    clock: Clock,
    note: str | None = None,
) -> MedevacMission:
    """Apply lifecycle ``action`` (a ``STEPS`` key); completing or cancelling frees the aircraft."""
    step = STEPS[action]
    when = clock.resolve(at)
    mission = await mission_service.get_mission(session, mission_id, lock=True)
    _require(mission, *step.allowed)
    when = _forward(mission, when, action)
    before = mission.status
    mission.status, mission.updated_at = step.to, when
    setattr(mission, step.stamp, when)
    await session.flush()
    if step.frees_aircraft and mission.helicopter_id is not None:
        heli = await heli_service.get_helicopter(session, mission.helicopter_id, lock=True)
        await heli_service.change_status(
            session,
            heli,
            AircraftStatus.available,
            principal=principal,
            at=when,
            note=note or f"medevac mission {mission.id} {step.to.value}",
            mission_id=mission.id,
        )
    await audit.record(
        session,
        principal=principal,
        action=f"medevac.{action}",
        entity="medevac_mission",
        entity_id=mission.id,
        before={"status": before.value},
        after={"status": mission.status.value, "note": note},
        at=when,
        note=note,
    )
    return mission
