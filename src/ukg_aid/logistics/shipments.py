"""Shipments: an approved plan's allocations grouped per depot → delivery point (SPEC §11).

**What "one delivery point" means (decided here).** A delivery point is a *place*, not a request:
allocations of one plan from one depot go in one shipment when they are for the same requesting
member and their requests' delivery coordinates agree to 1e-6° (about 0.1 m). Two requests from
the same desk to the same hall therefore travel on the same trucks with one dispatch and one
delivery, while allocation-level actions stay for partial work and each allocation keeps its
request. Different requesters never share a shipment (a shipment has one receiving desk, SPEC §14),
and nearby but different pins stay apart (a truck would drive to both). When requests sharing a
point name it differently, the shipment carries the name of the lowest request id.

Weight (kg) = Σ quantity × the item's unit weight, computed exactly in decimal (the catalog's unit
weights as written) and rounded *up* to whole grams, so a shipment is never lighter than its items.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ukg_aid.logistics.trucks import Load, TruckClass, TruckCount, trucks_needed

POINT_DECIMALS = 6
"""Delivery coordinates agreeing to this many decimal degrees are one point."""


@dataclass(frozen=True, slots=True)
class DeliveryPoint:
    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class AllocationLine:
    """One approved allocation as the grouping needs it (the service passes only allocations
    still to ship: not declined, cancelled or already dispatched)."""

    allocation_id: int
    plan_id: int
    depot_id: int
    supplier_code: str
    requester_code: str
    request_id: int
    item_code: str
    quantity: int
    delivery: DeliveryPoint


@dataclass(frozen=True, slots=True, order=True)
class ShipmentKey:
    """The grouping rule as a value: plan, depot, requester, delivery point (micro-degrees)."""

    plan_id: int
    depot_id: int
    requester_code: str
    lat_e6: int
    lon_e6: int


@dataclass(frozen=True, slots=True)
class Shipment:
    key: ShipmentKey
    supplier_code: str
    delivery: DeliveryPoint
    allocation_ids: tuple[int, ...]
    request_ids: tuple[int, ...]
    items: tuple[tuple[str, int], ...]
    """(item code, total quantity), by item code."""
    load: Load
    trucks: TruckCount

    @property
    def plan_id(self) -> int:
        return self.key.plan_id

    @property
    def depot_id(self) -> int:
        return self.key.depot_id

    @property
    def requester_code(self) -> str:
        return self.key.requester_code

    @property
    def weight_kg(self) -> float:
        return self.load.weight_kg


def shipment_key(line: AllocationLine) -> ShipmentKey:
    """The shipment an allocation belongs to (see the module docstring for the rule)."""
    scale = 10**POINT_DECIMALS
    return ShipmentKey(
        plan_id=line.plan_id,
        depot_id=line.depot_id,
        requester_code=line.requester_code,
        lat_e6=round(line.delivery.lat * scale),
        lon_e6=round(line.delivery.lon * scale),
    )


def group_allocations(
    lines: Iterable[AllocationLine],
) -> dict[ShipmentKey, tuple[AllocationLine, ...]]:
    """Allocations per shipment, keys in sorted order, each group by allocation id."""
    groups: dict[ShipmentKey, list[AllocationLine]] = {}
    seen: set[int] = set()
    for line in lines:
        if line.allocation_id in seen:
            raise ValueError(f"allocation {line.allocation_id} given twice")
        if line.quantity <= 0:
            raise ValueError(f"allocation {line.allocation_id}: quantity must be > 0")
        seen.add(line.allocation_id)
        groups.setdefault(shipment_key(line), []).append(line)
    return {
        key: tuple(sorted(groups[key], key=lambda ln: ln.allocation_id)) for key in sorted(groups)
    }


def shipment_weight_g(lines: Iterable[AllocationLine], unit_weight_kg: Mapping[str, float]) -> int:
    """Σ quantity × unit weight, in grams rounded up (exact decimal arithmetic)."""
    total = Decimal(0)
    for line in lines:
        weight = unit_weight_kg.get(line.item_code)
        if weight is None or not math.isfinite(weight) or weight < 0:
            raise ValueError(f"item {line.item_code!r} has no usable unit weight")
        total += Decimal(repr(float(weight))) * line.quantity
    return math.ceil(total * 1000)


def shipment_pallets(lines: Iterable[AllocationLine], units_per_pallet: Mapping[str, int]) -> int:
    """Pallet places: per item, ceil(quantity / units per pallet); items without a figure take
    no places (their volume is not counted — no per-item pallet load is sourced)."""
    per_item: dict[str, int] = {}
    for line in lines:
        per_item[line.item_code] = per_item.get(line.item_code, 0) + line.quantity
    places = 0
    for item, quantity in per_item.items():
        per = units_per_pallet.get(item)
        if per is None:
            continue
        if per <= 0:
            raise ValueError(f"item {item!r}: units per pallet must be > 0")
        places += math.ceil(quantity / per)
    return places


def build_shipments(
    lines: Iterable[AllocationLine],
    *,
    unit_weight_kg: Mapping[str, float],
    classes: Sequence[TruckClass],
    units_per_pallet: Mapping[str, int] | None = None,
) -> tuple[Shipment, ...]:
    """Group allocations into shipments with their weight, load and trucks, in key order."""
    return tuple(
        _shipment(key, group, unit_weight_kg, classes, units_per_pallet or {})
        for key, group in group_allocations(lines).items()
    )


def _shipment(
    key: ShipmentKey,
    group: Sequence[AllocationLine],
    unit_weight_kg: Mapping[str, float],
    classes: Sequence[TruckClass],
    units_per_pallet: Mapping[str, int],
) -> Shipment:
    suppliers = {line.supplier_code for line in group}
    if len(suppliers) != 1:
        raise ValueError(f"depot {key.depot_id} belongs to several suppliers: {sorted(suppliers)}")
    first = min(group, key=lambda ln: (ln.request_id, ln.allocation_id))
    items: dict[str, int] = {}
    for line in group:
        items[line.item_code] = items.get(line.item_code, 0) + line.quantity
    load = Load(shipment_weight_g(group, unit_weight_kg), shipment_pallets(group, units_per_pallet))
    return Shipment(
        key=key,
        supplier_code=first.supplier_code,
        delivery=first.delivery,
        allocation_ids=tuple(line.allocation_id for line in group),
        request_ids=tuple(sorted({line.request_id for line in group})),
        items=tuple(sorted(items.items())),
        load=load,
        trucks=trucks_needed(load, classes),
    )
