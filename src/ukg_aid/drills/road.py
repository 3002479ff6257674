"""A drill's road logistics through the API: shipments on the members' truck pools.

After each approval the supplying desks dispatch every shipment of the plan (one action per
shipment, not per allocation); a shipment with no truck free joins its member's queue and leaves
by itself when trucks are back (the service's queue, advanced on the drill's clock each step).
A receiving desk confirms each wave (one truck trip) of a shipment when that truck has
unloaded (all of it: drills do not invent losses).
"""

from __future__ import annotations

from datetime import datetime

from ukg_aid.client import UkgClient
from ukg_aid.drills.observations import Delivery, RunLog
from ukg_aid.plans.shipments.schemas import ShipmentRead


class RoadOps:
    def __init__(
        self, desks: dict[str, UkgClient], admin: UkgClient, coordinator: UkgClient, log: RunLog
    ) -> None:
        self.desks, self.admin, self.log = desks, admin, log
        self.coordinator = coordinator
        self.road = log.road

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

    async def _dispatch(self, s: ShipmentRead, at: datetime) -> None:
        """The supplier's desk dispatches once; a shipment with no truck free queues and
        leaves by itself when trucks are back (``advance``)."""
        self.road.dispatch_actions += 1
        await self.desks[s.supplier_code].shipment_action(s.id, "dispatch", at=at)

    async def advance(self, now: datetime) -> None:
        """The queues advance on the drill's clock: every queued shipment whose trucks are back
        by ``now`` leaves, at their return (the service's rule, ``plans.shipments.queue``)."""
        await self.coordinator.call("POST", "/trucks/queue/advance", json={"at": now.isoformat()})

    async def collect(self) -> None:
        """Queue waits and the loads on the road, from the shipments as the service has them."""
        for s in await self.admin.shipments():
            if s.dispatched_at is None:
                continue
            ready = s.queued_at or s.dispatched_at
            self.road.waits_min.append((s.dispatched_at - ready).total_seconds() / 60)
            self.road.jobs.append(
                {
                    "supplier": s.supplier_code,
                    "ready_at": ready,
                    "weight_kg": s.weight_kg,
                    "distance_km": s.distance_km,
                    "shipment_id": s.id,
                }
            )

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
