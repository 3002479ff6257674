from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ukg_aid.aid_requests.schemas import DeliveryRead
from ukg_aid.plans.enums import LossReason
from ukg_aid.plans.shipments.enums import ShipmentStatus
from ukg_aid.schemas import At, BodyId, InputModel, JsonInt, Note, OutputModel


class ShipmentRead(OutputModel):
    id: int
    plan_id: int
    depot_id: int
    supplier_code: str
    requester_code: str
    delivery: DeliveryRead
    allocation_ids: list[int]
    distance_km: float
    weight_kg: float = Field(description="Σ quantity × the items' unit weights")
    trucks: dict[str, int] = Field(
        description="trucks the load needs: {'4t': n, '10t': m} (payloads: logistics README)"
    )
    status: ShipmentStatus
    queue_position: int | None = Field(description="1 = next to leave (queued only)")
    departure_at: datetime | None = Field(
        description="queued: the earliest a truck is free for it (null: the member has none)"
    )
    queued_at: datetime | None
    dispatched_at: datetime | None
    expected_at: datetime | None
    delivered_at: datetime | None
    late: bool = Field(description="some allocation's ETA is past its request's needed_by")
    waves_total: int = Field(description="truck trips carrying it (0 until dispatched)")
    waves_delivered: int
    waves: list[WaveRead]


class WavePartRead(OutputModel):
    allocation_id: int
    quantity: int
    received: int | None
    loss_reason: LossReason | None


class WaveRead(OutputModel):
    wave: int = Field(description="1… in the order the trucks unload")
    truck_id: str
    class_code: str
    depart_at: datetime
    expected_at: datetime = Field(description="when this truck has unloaded")
    delivered_at: datetime | None = Field(description="when the receiving desk counted it")
    parts: list[WavePartRead]


class ShipmentAction(InputModel):
    at: At = None
    note: Note = None


class ReceivedCount(InputModel):
    allocation_id: BodyId
    received: JsonInt = Field(ge=0, le=2**31 - 1)
    reason: LossReason | None = None


class ShipmentDeliver(InputModel):
    wave: JsonInt | None = Field(
        default=None,
        ge=1,
        le=10_000,
        description="the wave (truck trip) that unloaded; default: everything still on the road",
    )
    received: list[ReceivedCount] | None = Field(
        default=None,
        max_length=10_000,
        description="counts per allocation of what this confirmation covers (default: all of it)",
    )
    note: Note = None
    at: At = None


class TruckRead(OutputModel):
    id: str
    member_code: str
    class_code: str
    free_at: datetime | None
    shipment_id: int | None
    out: bool = Field(description="on the road at the time asked (free_at later)")


class QueueAdvance(InputModel):
    member: str | None = Field(
        default=None,
        min_length=2,
        max_length=8,
        description="whose queue (a desk: its own; default for others: every member's)",
    )
    at: At = None


class QueueAdvanced(OutputModel):
    until: datetime
    dispatched: list[ShipmentRead] = Field(description="shipments that left, in queue order")
