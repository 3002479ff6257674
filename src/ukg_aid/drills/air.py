"""The EMS side of a drill: file medevac missions, assign aircraft, fly them to completion.

``optimized`` assigns every pending mission in one batch each hour (red first, then the shortest
severity-weighted time to scene). ``baseline`` is today's practice: one mission at a time in the
order the calls came in, each member's own aircraft first. Missions no aircraft can take stay
pending (with the reason) and are tried again the next hour; a call still not flown after
``GROUND_AFTER`` is handed to ground ambulances (cancelled) and counts as not flown, with the
last reason the fleet gave.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from ukg_aid.client import ConflictError, UkgClient
from ukg_aid.drills.observations import MissionOutcome, RunLog
from ukg_aid.drills.script import MissionCall
from ukg_aid.medevac.schemas import MissionRead

ON_SCENE = timedelta(minutes=15)
GROUND_AFTER = timedelta(hours=3)
# Refusals that hold for every pending mission at this moment: no point asking for the next one.
FLEET_WIDE = frozenset({"no_helicopter", "outside_window", "not_available"})


class AirOps:
    def __init__(self, ems: UkgClient, *, policy: str, log: RunLog) -> None:
        self.ems = ems
        self.policy = policy
        self.log = log
        self.calls: dict[int, MissionCall] = {}
        self.pending: set[int] = set()
        self.flying: dict[int, MissionRead] = {}
        self.fleet_reason: dict[int, str] = {}  # why a mission was not even asked about

    async def start(self) -> None:
        fleet = await self.ems.helicopters()
        self.log.fleet_size = sum(1 for h in fleet if h.status == "available")

    async def step(self, now: datetime, calls: list[MissionCall]) -> None:
        await self._land(now)
        await self._hand_to_ground(now)
        for call in calls:
            scene = {"lat": call.point.lat, "lon": call.point.lon, "name": call.point.name}
            mission = await self.ems.file_mission(
                call.member_code, scene, call.severity, at=call.at
            )
            self.calls[mission.id] = call
            self.pending.add(mission.id)
        if self.pending:
            await (
                self._assign_batch(now)
                if self.policy == "optimized"
                else self._assign_one_by_one(now)
            )

    async def _assign_batch(self, now: datetime) -> None:
        result = await self.ems.assign_pending(at=now)
        for mission in result.assigned:
            self._took_off(mission)

    async def _assign_one_by_one(self, now: datetime) -> None:
        for mission_id in sorted(self.pending, key=lambda i: (self.calls[i].at, i)):
            try:
                mission = await self.ems.assign_mission(mission_id, at=now, preference="own_first")
            except ConflictError as exc:
                reason = exc.problem.get("reason")
                if reason in FLEET_WIDE:
                    for later in self.pending:
                        self.fleet_reason[later] = str(reason)
                    return
                continue
            self._took_off(mission)

    def _took_off(self, mission: MissionRead) -> None:
        self.pending.discard(mission.id)
        self.flying[mission.id] = mission

    async def _land(self, now: datetime) -> None:
        """Fly each sortie through its lifecycle once its planned return time has passed."""
        for mission_id, m in sorted(self.flying.items()):
            t = m.timeline
            back = t.planned_back_at_base_at
            if back is None or back > now or t.assigned_at is None or t.planned_on_scene_at is None:
                continue
            steps = (
                ("en_route", t.assigned_at),
                ("on_scene", t.planned_on_scene_at),
                ("transporting", t.planned_on_scene_at + ON_SCENE),
                ("completed", back),
            )
            for action, at in steps:
                await self.ems.mission_action(mission_id, action, at=at)
            self._record(m, refusal=None)
            del self.flying[mission_id]

    async def _hand_to_ground(self, now: datetime) -> None:
        for mission_id in sorted(self.pending):
            if now - self.calls[mission_id].at < GROUND_AFTER:
                continue
            m = await self.ems.mission(mission_id)
            await self.ems.mission_action(mission_id, "cancel", at=now)
            self.pending.discard(mission_id)
            self._record(m, refusal=self._why(m))

    def _why(self, m: MissionRead) -> str:
        """The fleet's last answer for this mission: its own refusal, or the fleet-wide one."""
        return m.reason or self.fleet_reason.get(m.id) or "pending"

    def _record(self, m: MissionRead, refusal: str | None) -> None:
        call = self.calls[m.id]
        outcome = MissionOutcome(
            member_code=call.member_code,
            severity=call.severity,
            filed_at=call.at,
            assigned_at=None,
            helicopter_id=None,
            minutes_to_scene=None,
            busy_minutes=0.0,
            refusal=refusal,
        )
        t = m.timeline
        if refusal is None and t.assigned_at and t.planned_back_at_base_at:
            outcome = replace(
                outcome,
                assigned_at=t.assigned_at,
                helicopter_id=m.helicopter_id,
                minutes_to_scene=_minutes(call.at, t.planned_on_scene_at),
                busy_minutes=(t.planned_back_at_base_at - t.assigned_at).total_seconds() / 60,
            )
        self.log.missions.append(outcome)

    async def finish(self, end: datetime) -> None:
        await self._land(end)
        for m in self.flying.values():
            self._record(m, refusal=None)
        for mission_id in sorted(self.pending):
            m = await self.ems.mission(mission_id)
            self._record(m, refusal=self._why(m))


def _minutes(start: datetime, end: datetime | None) -> float | None:
    """Minutes from the call to the aircraft on scene, waiting for a free aircraft included."""
    return None if end is None else round((end - start).total_seconds() / 60, 1)
