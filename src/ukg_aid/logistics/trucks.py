"""Truck classes, a shipment's load, and how many trucks of each class carry it (SPEC §11).

Capacity is the smaller of weight and floor space (data/reference/trucks.csv): a truck class takes
at most ``capacity_g`` grams and ``pallet_places`` pallets. A load is treated as a uniform mix, so
one truck of class *c* carries the fraction ``share(c) = min(capacity_g / weight_g, places /
pallets)`` of it (a dimension the load does not use is no limit), and a set of trucks carries the
load when their shares add up to at least 1. Shares are exact fractions, so boundaries are exact:
4,000 kg fits one nominal 4 t truck, 4,000.001 kg does not.

The trucks chosen are the fewest; among equally few, the least total capacity (smaller trucks leave
less empty space and reach narrower shelter roads); then the fewest of the largest class. The
choice is a small exhaustive enumeration, hence deterministic and provably minimal.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ukg_aid.logistics._data import read_rows


@dataclass(frozen=True, slots=True)
class TruckClass:
    """One class of truck. ``payload_kg`` is the nominal payload, of which the fraction
    ``usable_fraction`` is counted (an assumption, see the package data); ``pallet_places`` is the
    number of 1100 × 1100 mm pallets on the bed."""

    code: str
    name_ja: str
    payload_kg: float
    pallet_places: int
    usable_fraction: float = 1.0

    def __post_init__(self) -> None:
        if not self.code:
            raise ValueError("a truck class needs a code")
        if not (math.isfinite(self.payload_kg) and self.payload_kg > 0):
            raise ValueError(f"truck class {self.code}: payload_kg must be > 0")
        if not (math.isfinite(self.usable_fraction) and 0 < self.usable_fraction <= 1):
            raise ValueError(f"truck class {self.code}: usable_fraction must be in (0, 1]")
        if self.pallet_places < 1:
            raise ValueError(f"truck class {self.code}: pallet_places must be ≥ 1")

    @property
    def capacity_g(self) -> int:
        """Counted payload in whole grams (rounded down: never overstate what a truck takes)."""
        return math.floor(self.payload_kg * self.usable_fraction * 1000)


@dataclass(frozen=True, slots=True)
class Load:
    """What a shipment puts on trucks: weight in grams, pallets (0 when no item of the load has a
    units-per-pallet figure, i.e. volume is not counted)."""

    weight_g: int
    pallets: int = 0

    def __post_init__(self) -> None:
        if self.weight_g < 0 or self.pallets < 0:
            raise ValueError("a load's weight and pallets must be ≥ 0")

    @property
    def weight_kg(self) -> float:
        return self.weight_g / 1000


@dataclass(frozen=True, slots=True)
class TruckCount:
    """Trucks per class code, in the classes' order (e.g. ``{"4t": 1, "10t": 2}``)."""

    counts: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def get(self, code: str) -> int:
        return dict(self.counts).get(code, 0)

    def as_dict(self) -> dict[str, int]:
        """The SPEC §14 shape of a shipment's ``trucks``."""
        return dict(self.counts)


@functools.cache
def default_truck_classes() -> tuple[TruckClass, ...]:
    """The 4 t and 10 t classes of ``data/truck_classes.csv`` (sources and bases there)."""
    return tuple(
        TruckClass(
            code=row["code"],
            name_ja=row["name_ja"],
            payload_kg=float(row["payload_kg"]),
            pallet_places=int(row["pallet_places"]),
            usable_fraction=float(row["usable_fraction"]),
        )
        for row in read_rows("truck_classes.csv")
    )


def share(load: Load, truck: TruckClass) -> Fraction:
    """The fraction of ``load`` one truck of this class carries (capped at 1)."""
    limits = [Fraction(1)]
    if load.weight_g > 0:
        limits.append(Fraction(truck.capacity_g, load.weight_g))
    if load.pallets > 0:
        limits.append(Fraction(truck.pallet_places, load.pallets))
    return min(limits)


def trucks_needed(load: Load, classes: Sequence[TruckClass]) -> TruckCount:
    """Fewest trucks that carry the whole load (ties: least capacity, then fewest large ones).

    An empty load still takes one truck of the smallest class: something has to drive there."""
    counts = cover(load, Fraction(1), classes, available=None)
    if counts is None:  # only when a class list is empty; unbounded trucks always cover
        raise ValueError("no truck classes to carry the load")
    return counts


def cover(
    load: Load,
    need: Fraction,
    classes: Sequence[TruckClass],
    available: Mapping[str, int] | None,
) -> TruckCount | None:
    """Fewest trucks carrying the fraction ``need`` of ``load``, using at most ``available[code]``
    trucks of each class (``None``: unlimited). ``None`` when the available trucks fall short."""
    if not classes:
        return None
    shares = [share(load, c) for c in classes]
    need = max(Fraction(need), Fraction(0))
    # The same exact comparisons in whole numbers: every share and the need over one common
    # denominator (Fraction arithmetic in the enumeration cost an approval ~0.1 s, issue 11).
    scale = math.lcm(need.denominator, *(s.denominator for s in shares))
    units = [s.numerator * (scale // s.denominator) for s in shares]
    bounds = [None if available is None else max(0, available.get(c.code, 0)) for c in classes]
    best: tuple[tuple[int, int, tuple[int, ...]], tuple[int, ...]] | None = None
    for counts in _candidates(need.numerator * (scale // need.denominator), units, bounds):
        if sum(counts) == 0:
            continue
        capacity = sum(n * c.capacity_g for n, c in zip(counts, classes, strict=True))
        key = (sum(counts), capacity, _largest_first(counts, classes))
        if best is None or key < best[0]:
            best = (key, counts)
    if best is None:
        return None
    return TruckCount(tuple((c.code, n) for c, n in zip(classes, best[1], strict=True)))


def _largest_first(counts: tuple[int, ...], classes: Sequence[TruckClass]) -> tuple[int, ...]:
    order = sorted(range(len(classes)), key=lambda i: (-classes[i].capacity_g, classes[i].code))
    return tuple(counts[i] for i in order)


def _candidates(
    need: int, shares: Sequence[int], bounds: Sequence[int | None]
) -> Iterator[tuple[int, ...]]:
    """Count vectors whose shares add up to ``need`` (all over one denominator, so whole
    numbers): each class but the last ranges over 0..enough-on-its-own (more is never better),
    the last takes the fewest that close the gap."""
    first, bound = shares[0], bounds[0]
    enough = -(-need // first) if need > 0 else 0
    if len(shares) == 1:
        if bound is None or enough <= bound:
            yield (enough,)
        return
    top = enough if bound is None else min(enough, bound)
    for n in range(top + 1):
        for tail in _candidates(need - n * first, shares[1:], bounds[1:]):
            yield (n, *tail)
