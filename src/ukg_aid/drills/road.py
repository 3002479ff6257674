"""A drill's road logistics through the API: shipments on the members' truck pools.

After each approval the supplying desks dispatch every shipment of the plan (one action per
shipment, not per allocation); a shipment with no truck free joins its member's queue and is
dispatched again when its forecast departure comes (in departure order; at the step's time if
that moment is no longer possible). A receiving desk confirms each wave (one truck trip) of a
shipment when that truck has unloaded (all of it: drills do not invent losses).
"""

from __future__ import annotations

from datetime import datetime

from ukg_aid.client import ApiError, UkgClient
from ukg_aid.drills.observations import Delivery, RunLog
from ukg_aid.plans.shipments.schemas import ShipmentRead


class RoadOps:
    def __init__(
        self, desks: dict[str, UkgClient], admin: UkgClient, coordinator: UkgClient, log: RunLog
    ) -> None:
        self.desks, self.admin, self.log = desks, admin, log
        self.coordinator = coordinator
        self.road = log.road
        self.asked: dict[int, datetime] = {}

    async def close(self, crossings: tuple[str, ...]) -> None:
        """The coordinator records the crossings the shaking closed (SPEC §11)."""
        if not crossings:
            return
        page = await self.coordinator.call("GET", "/incidents", params={"status": "active"})
        incident = page["items"][0]["id"]  # the drill's one active incident (SPEC §10)
        for crossing in crossings:
            body = {"kind": "crossing", "crossing": crossing, "note": "drill: 震度5弱以上, 点検"}
            await self.coordinator.call("POST", f"/incidents/{incident}/closures", json=body)

    async def dispatch_plan(self, plan_id: int, now: datetime, late_units: int) -> None:
        self.road.plans += 1
        self.road.late_units += late_units
        for s in await self.admin.shipments(plan_id=plan_id):
            self.road.allocations_shipped += len(s.allocation_ids)
            await self._dispatch(s, now)

    async def _dispatch(self, s: ShipmentRead, at: datetime) -> ShipmentRead:
        self.road.dispatch_actions += 1
        self.asked.setdefault(s.id, at)
        try:
            out = await self.desks[s.supplier_code].shipment_action(s.id, "dispatch", at=at)
        except ApiError as exc:
            if exc.status != 422:
                raise
            return s  # the forecast moment is behind another change: tried again next step
        if out.status == "dispatched" and out.dispatched_at is not None:
            wait = (out.dispatched_at - self.asked[s.id]).total_seconds() / 60
            self.road.waits_min.append(wait)
            self.road.jobs.append(
                {
                    "supplier": s.supplier_code,
                    "ready_at": self.asked[s.id],
                    "weight_kg": s.weight_kg,
                    "distance_km": s.distance_km,
                    "shipment_id": s.id,
                }
            )
        return out

    async def release_queue(self, now: datetime) -> None:
        """Queued shipments whose forecast departure has come leave, in departure order."""
        queued = [
            s for s in await self.admin.shipments(status="queued") if s.departure_at is not None
        ]
        for s in sorted(queued, key=lambda x: (x.departure_at, x.id)):
            assert s.departure_at is not None
            if s.departure_at <= now:
                out = await self._dispatch(s, max(s.departure_at, s.queued_at or now))
                if out.status == "queued":
                    await self._dispatch(out, now)

    async def deliver_due(self, now: datetime) -> None:
        """Each wave (truck trip) whose truck has unloaded by ``now`` is confirmed at its
        unloading time, all waves in time order (a request's deliveries go forward in time)."""
        due = [
            (w, s)
            for s in await self.admin.shipments(status="dispatched")
            for w in s.waves
            if w.delivered_at is None and w.expected_at <= now
        ]
        if not due:
            return
        rows = {a.id: a for a in await self.admin.allocations(status="dispatched")}
        filed = {r.id: r.filed_at for r in await self.admin.requests()}
        for w, s in sorted(due, key=lambda x: (x[0].expected_at, x[1].id, x[0].wave)):
            desk = self.desks[s.requester_code]
            await desk.shipment_action(s.id, "deliver", at=w.expected_at, wave=w.wave)
            for part in w.parts:
                a = rows[part.allocation_id]
                self.log.deliveries.append(
                    Delivery(
                        member_code=a.requester_code,
                        item_code=a.item_code,
                        quantity=part.quantity,
                        filed_at=filed[a.request_id],
                        delivered_at=w.expected_at,
                        distance_km=a.distance_km,
                    )
                )
                by_item = self.log.delivered_by_item
                by_item[a.item_code] = by_item.get(a.item_code, 0) + part.quantity
