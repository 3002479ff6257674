"""Truck pools per supplying member: the package's assumption data, and trucks built from counts.

``data/truck_pools.csv`` records, per member, the trucking agreement evidence found (sources and
confidence from data/reference/trucks.csv) and a pool size. **No source gives truck numbers per
member**, so every count is an ASSUMPTION, equal and small for every member (4 × 4 t, 2 × 10 t,
own fleet and agreement trucks together), for an operator to replace with the member's real
figures. The real first convoy of 兵庫県トラック協会 for Kumamoto 2016 was 10 large trucks on day
one: real pools can be larger, so drills on these pools are a lower bound on transport.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from ukg_aid.logistics._data import read_rows
from ukg_aid.logistics.pool_model import Truck
from ukg_aid.logistics.trucks import TruckCount


@dataclass(frozen=True, slots=True)
class PoolAssumption:
    """One member's row: truck counts per class (``count_basis`` says whether they are sourced)
    and the agreement evidence behind the member's access to trucks."""

    member_code: str
    name_ja: str
    counts: TruckCount
    count_basis: str
    agreement: str
    agreement_source: str
    agreement_confidence: str


@functools.cache
def default_pools() -> dict[str, PoolAssumption]:
    """Every union member's pool assumption, by member code."""
    pools = {}
    for row in read_rows("truck_pools.csv"):
        counts = TruckCount((("4t", int(row["trucks_4t"])), ("10t", int(row["trucks_10t"]))))
        pools[row["member_code"]] = PoolAssumption(
            member_code=row["member_code"],
            name_ja=row["name_ja"],
            counts=counts,
            count_basis=row["count_basis"],
            agreement=row["agreement"],
            agreement_source=row["agreement_source"],
            agreement_confidence=row["agreement_confidence"],
        )
    return pools


def pool_trucks(member_code: str, counts: Mapping[str, int]) -> tuple[Truck, ...]:
    """Trucks for a pool of ``counts`` per class, all free from the start, with stable ids
    ``<member>-<class>-<n>`` (e.g. ``28-10t-2``)."""
    trucks = []
    for code in sorted(counts):
        if counts[code] < 0:
            raise ValueError(f"truck count for {code} must be ≥ 0")
        trucks += [Truck(f"{member_code}-{code}-{n}", code) for n in range(1, counts[code] + 1)]
    return tuple(trucks)
