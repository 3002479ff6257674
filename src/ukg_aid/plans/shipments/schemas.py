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


class ShipmentAction(InputModel):
    at: At = None
    note: Note = None


class ReceivedCount(InputModel):
    allocation_id: BodyId
    received: JsonInt = Field(ge=0, le=2**31 - 1)
    reason: LossReason | None = None


class ShipmentDeliver(InputModel):
    received: list[ReceivedCount] | None = Field(
        default=None, max_length=10_000, description="counts per allocation (default: all of it)"
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
