"""Road logistics core (SPEC §11, issues 12–13): shipments, trucks, driver rules, truck pools.

Pure: plain frozen dataclasses in, plain results out; no database, no web framework; imports only
the standard library. Weights kg (exact grams inside), distances km, durations minutes, times
timezone-aware datetimes. Assumptions and their sources: ``README.md`` beside this file and
``data/*.csv``.

* ``build_shipments`` (``group_allocations``, ``shipment_key``, ``shipment_weight_g``): an approved
  plan's allocations per depot → delivery point, with weight and trucks.
* ``trucks_needed`` / ``cover``: fewest 4 t / 10 t trucks for a load.
* ``haul_eta_minutes`` / ``drive_elapsed_minutes``: haul times with 改善基準告示 breaks and rests.
* ``simulate_pool`` / ``earliest_departure``: a member's trucks serving shipments over time;
  ``busy_series``, ``utilisation``, ``queue_series``, ``waiting_at`` read a run.
* ``split_waves``: which units of a shipment ride on which truck trip (one wave per trip).
* ``default_pools``, ``pool_trucks``: the per-member pool assumptions and trucks built from counts.
"""

from ukg_aid.logistics.driving import (
    FRESH,
    DriverRules,
    DutyState,
    Leg,
    default_driver_rules,
    drive,
    drive_elapsed_minutes,
    drive_minutes,
    haul_eta_minutes,
    idle,
    work,
)
from ukg_aid.logistics.pool import earliest_departure, simulate_pool
from ukg_aid.logistics.pool_model import (
    HaulAssumptions,
    Job,
    JobOutcome,
    PoolRun,
    Trip,
    Truck,
    default_haul_assumptions,
)
from ukg_aid.logistics.pools import PoolAssumption, default_pools, pool_trucks
from ukg_aid.logistics.shipments import (
    AllocationLine,
    DeliveryPoint,
    Shipment,
    ShipmentKey,
    build_shipments,
    group_allocations,
    shipment_key,
    shipment_pallets,
    shipment_weight_g,
)
from ukg_aid.logistics.trucks import (
    Load,
    TruckClass,
    TruckCount,
    cover,
    default_truck_classes,
    share,
    trucks_needed,
)
from ukg_aid.logistics.utilisation import (
    BusyStep,
    busy_series,
    queue_series,
    utilisation,
    waiting_at,
)
from ukg_aid.logistics.waves import WaveItem, split_waves

__all__ = [
    "FRESH",
    "AllocationLine",
    "BusyStep",
    "DeliveryPoint",
    "DriverRules",
    "DutyState",
    "HaulAssumptions",
    "Job",
    "JobOutcome",
    "Leg",
    "Load",
    "PoolAssumption",
    "PoolRun",
    "Shipment",
    "ShipmentKey",
    "Trip",
    "Truck",
    "TruckClass",
    "TruckCount",
    "WaveItem",
    "build_shipments",
    "busy_series",
    "cover",
    "default_driver_rules",
    "default_haul_assumptions",
    "default_pools",
    "default_truck_classes",
    "drive",
    "drive_elapsed_minutes",
    "drive_minutes",
    "earliest_departure",
    "group_allocations",
    "haul_eta_minutes",
    "idle",
    "pool_trucks",
    "queue_series",
    "share",
    "shipment_key",
    "shipment_pallets",
    "shipment_weight_g",
    "simulate_pool",
    "split_waves",
    "trucks_needed",
    "utilisation",
    "waiting_at",
    "work",
]
