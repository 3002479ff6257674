"""Play a drill script against the REST API on a simulated clock, as every role would.

Each simulated hour: depots fail, desks cover what they can from their own stock and file the
rest, the coordinator plans and approves every ``plan_every`` hours, suppliers dispatch each
shipment at once on their truck pools (or queue it, ``drills.road``), shipments are confirmed
when their trucks have unloaded, EMS files and assigns medevac missions.
Policies: ``optimized`` (the solver, batch helicopter assignment) and ``baseline`` (nearest
supplier first; own-prefecture helicopter first, one mission at a time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ukg_aid.client import ConflictError, UkgClient
from ukg_aid.drills import air
from ukg_aid.drills.observations import RunLog, Snapshot
from ukg_aid.drills.road import RoadOps
from ukg_aid.drills.script import (
    NEEDED_WITHIN,
    PRIORITY,
    DeliveryPoint,
    DrillScript,
    RequestWave,
)
from ukg_aid.geo import Point
from ukg_aid.routing.land import land_model

STRICKEN_LIFT_SHARE = 0.5
"""When at least this share of the union has filed, the coordinator lets stricken members supply
(what they hold above their own reserve floor): otherwise nobody could."""

Progress = Callable[[int], None]


@dataclass
class Actors:
    admin: UkgClient
    coordinator: UkgClient
    ems: UkgClient
    desks: dict[str, UkgClient]


async def make_actors(admin: UkgClient, members: list[str], tag: str) -> Actors:
    """One token per role (and per member desk) for this run, issued by the admin."""

    async def token(role: str, member: str | None = None) -> UkgClient:
        issued = await admin.create_token(f"drill-{tag}-{role}-{member or 'union'}", role, member)
        return admin.as_token(issued.token)

    desks = {code: await token("desk", code) for code in members}
    return Actors(
        admin=admin, coordinator=await token("coordinator"), ems=await token("ems"), desks=desks
    )


class DrillRunner:
    def __init__(
        self,
        actors: Actors,
        script: DrillScript,
        *,
        policy: str,
        plan_every: int = 3,
        member_count: int = 12,
        push_hours: int = 0,
        closures: tuple[str, ...] = (),
    ) -> None:
        self.a = actors
        self.script = script
        self.policy = policy
        self.plan_every = plan_every
        self.push_until = script.start + timedelta(hours=push_hours)
        self.pushed: set[str] = set()
        self.lift_stricken = len(script.filing_members) >= STRICKEN_LIFT_SHARE * member_count
        self.log = RunLog(policy=policy)
        self.air = air.AirOps(actors.ems, policy=policy, log=self.log)
        self.road = RoadOps(actors.desks, actors.admin, actors.coordinator, self.log)
        self.closures = closures

    async def run(self, progress: Progress | None = None) -> RunLog:
        await self.air.start()
        for hour in range(self.script.hours + 1):
            now = self.script.start + timedelta(hours=hour)
            await self._step(hour, now)
            if progress:
                progress(hour)
        await self._finish()
        return self.log

    async def _step(self, hour: int, now: datetime) -> None:
        if hour == 0:
            await self.road.close(self.closures)
            for f in self.script.failures:
                await self.a.desks[f.member_code].set_depot_status(f.depot_id, f.status, at=now)
            for h in self.script.hospitals:
                await self.a.ems.set_hospital_status(h.hospital_id, h.status, at=now, note=h.why)
            for hold in self.script.holds:
                await self.a.ems.create_weather_hold(hold.body)
        prev = now - timedelta(hours=1)
        if self.pushed and prev < self.push_until <= now:
            await self._close_push(now)
        for wave in self.script.waves:
            if prev < wave.at <= now or (hour == 0 and wave.at <= now):
                await self._file_wave(wave)
        await self.air.step(now, [m for m in self.script.missions if prev < m.at <= now])
        await self.road.advance(now)
        if hour > 0 and hour % self.plan_every == 0:
            await self._plan(now)
        await self.road.deliver_due(now)
        await self._snapshot(hour)

    async def _close_push(self, now: datetime) -> None:
        """The desks start filing: the coordinator closes each member's push remainder."""
        for code in sorted(self.pushed):
            closed = await self.a.coordinator.close_push(code, at=now)
            self.log.push_closed_units += int(closed["closed_units"])

    async def _push_wave(self, wave: RequestWave) -> None:
        """Push-type support: before the desk can file, the coordinator files the drill model's
        estimate for the day on its behalf (no own stock is counted: the desk is not yet up)."""
        for i, point in enumerate(wave.points):
            share = [(item, part) for item, qty in wave.lines if (part := wave.shares(qty)[i]) > 0]
            for priority in ("critical", "high", "normal"):
                chunk = [(c, q) for c, q in share if _priority(c) == priority]
                if not chunk:
                    continue
                where = {"name": point.name, "lat": point.lat, "lon": point.lon}
                await self.a.coordinator.file_push(
                    wave.member_code, where, chunk, priority=priority, at=wave.at
                )
                self.log.push_units += sum(q for _, q in chunk)
                for item, q in chunk:
                    self.log.requested_by_item[item] = self.log.requested_by_item.get(item, 0) + q
        self.pushed.add(wave.member_code)
        self.log.first_filed.setdefault(wave.member_code, wave.at)

    async def _file_wave(self, wave: RequestWave) -> None:
        """The desk covers the day from its own shelves first and asks the union for the rest
        (during a push phase the coordinator files instead, :meth:`_push_wave`)."""
        if wave.at < self.push_until:
            await self._push_wave(wave)
            return
        desk = self.a.desks[wave.member_code]
        remaining = await self._use_own_stock(desk, wave)
        for i, point in enumerate(wave.points):
            share = [(item, qty) for item, qty in sorted(remaining[i].items()) if qty > 0]
            for priority in ("critical", "high", "normal"):
                chunk = [(c, q) for c, q in share if _priority(c) == priority]
                if not chunk:
                    continue
                await desk.file_request(
                    wave.member_code,
                    {"name": point.name, "lat": point.lat, "lon": point.lon},
                    chunk,
                    priority=priority,
                    at=wave.at,
                    key=f"{wave.member_code}-w{wave.wave}-p{i}-{priority}",
                    needed_by=needed_by(wave, priority),
                )
                for item, q in chunk:
                    self.log.requested_by_item[item] = self.log.requested_by_item.get(item, 0) + q
                self.log.pull_units += sum(q for _, q in chunk)
                self.log.first_filed.setdefault(wave.member_code, wave.at)

    async def _use_own_stock(self, desk: UkgClient, wave: RequestWave) -> list[dict[str, int]]:
        """Each point's share, less what the desk sends from its own operational depots that
        have a way to the point (``reachable``: not across a closed crossing). Returns what is
        left to ask the union for, per point."""
        depots = {
            d.id: d for d in await desk.depots(member=wave.member_code) if d.status == "operational"
        }
        rows = [r for r in await desk.stock(member=wave.member_code) if r.depot_id in depots]
        free = {(r.depot_id, r.item_code): r.on_hand - r.reserved for r in rows}
        left: list[dict[str, int]] = []
        for point in wave.points:
            i = len(left)
            need = {item: wave.shares(qty)[i] for item, qty in wave.lines}
            near = {d for d, depot in depots.items() if self._reachable(depot, point)}
            for row in rows:
                key = (row.depot_id, row.item_code)
                take = min(free[key], need.get(row.item_code, 0))
                if row.depot_id not in near or take <= 0:
                    continue
                await self._take(desk, key, take, wave)
                free[key] -= take
                need[row.item_code] -= take
            left.append(need)
        return left

    def _reachable(self, depot: Any, point: DeliveryPoint) -> bool:
        land = land_model()
        way = land.way(
            land.side_of(Point(depot.lat, depot.lon)), land.side_of(Point(point.lat, point.lon))
        )
        return not ({c.id for c in way.crossings} & set(self.closures))

    async def _take(
        self, desk: UkgClient, key: tuple[int, str], take: int, wave: RequestWave
    ) -> None:
        depot_id, item_code = key
        await desk.call(
            "POST",
            f"/depots/{depot_id}/stock/{item_code}/adjustments",
            json={
                "delta": -take,
                "reason": "distributed to local shelters",
                "at": wave.at.isoformat(),
            },
        )
        used = self.log.local_use.setdefault(wave.member_code, {})
        used[item_code] = used.get(item_code, 0) + take

    async def _plan(self, now: datetime) -> None:
        for _attempt in range(2):
            plan = await self.a.coordinator.create_plan(
                policy=self.policy, include_stricken_suppliers=self.lift_stricken, at=now
            )
            if not plan.allocations:
                await self.a.coordinator.plan_action(plan.id, "discard", at=now)
                return
            try:
                await self.a.coordinator.plan_action(plan.id, "approve", at=now)
            except ConflictError:
                self.log.stale_approvals += 1
                continue
            self.log.plans.append(
                {"hour": (now - self.script.start).total_seconds() / 3600, **plan.solver.objective}
            )
            late = round(plan.solver.objective.get("late_units", 0))
            await self.road.dispatch_plan(plan.id, now, late)
            return

    async def _snapshot(self, hour: int) -> None:
        requested: dict[str, int] = defaultdict(int)
        delivered: dict[str, int] = defaultdict(int)
        for req in await self.a.admin.requests():
            for line in req.lines:
                requested[req.member_code] += line.quantity
                delivered[req.member_code] += line.delivered
        self.log.snapshots.append(
            Snapshot(hour=hour, requested=dict(requested), delivered=dict(delivered))
        )

    async def _finish(self) -> None:
        await self.air.finish(self.script.start + timedelta(hours=self.script.hours))
        await self.road.collect()
        for req in await self.a.admin.requests():
            for line in req.lines:
                self.log.line_fills.append((line.item_code, line.delivered / line.quantity))


def needed_by(wave: RequestWave, priority: str) -> datetime | None:
    return wave.at + NEEDED_WITHIN if priority in ("critical", "high") else None


def _priority(item_code: str) -> str:
    return PRIORITY.get(item_code, "normal")
