"""Builders shared by the logistics core tests."""

from __future__ import annotations

import datetime as dt

from ukg_aid.logistics import AllocationLine, DeliveryPoint, Job, Load, Truck

T0 = dt.datetime(2025, 1, 17, 5, 46, tzinfo=dt.timezone(dt.timedelta(hours=9)))
HALL = DeliveryPoint("神戸市役所", 34.690083, 135.195511)
WEIGHTS = {"water": 1.0, "meals": 0.25, "blankets": 1.5, "toilet_paper": 0.15, "tents": 15.0}


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def line(
    allocation_id: int,
    *,
    plan_id: int = 1,
    depot_id: int = 10,
    supplier: str = "27",
    requester: str = "28100",
    request_id: int = 100,
    item: str = "water",
    quantity: int = 1000,
    delivery: DeliveryPoint = HALL,
) -> AllocationLine:
    return AllocationLine(
        allocation_id=allocation_id,
        plan_id=plan_id,
        depot_id=depot_id,
        supplier_code=supplier,
        requester_code=requester,
        request_id=request_id,
        item_code=item,
        quantity=quantity,
        delivery=delivery,
    )


def job(
    shipment_id: int,
    *,
    ready: float = 0.0,
    kg: float = 1000.0,
    km: float = 40.0,
    rank: int = 2,
    pallets: int = 0,
) -> Job:
    return Job(shipment_id, at(ready), Load(round(kg * 1000), pallets), km, rank)


def truck(truck_id: str, code: str = "4t", free: float | None = None) -> Truck:
    return Truck(truck_id, code, None if free is None else at(free))
