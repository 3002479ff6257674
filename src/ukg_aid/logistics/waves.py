"""Which units of a shipment ride on which truck trip (one *wave* per trip, issue 13).

The pool core treats a shipment's load as a uniform mix and gives each trip a ``share`` of its
weight; a receiving desk counts whole units. ``split_waves`` turns the shares into units, exactly:

* the shipment's items are laid end to end by weight in the order given (the service gives them
  by allocation id); trip *k* covers the weight interval ``(B[k-1], B[k]]`` with
  ``B[k] = W × (share[1] + … + share[k])`` and ``W`` the exact total weight;
* a unit rides on the trip whose interval holds the unit's **midpoint** (exact fractions, so the
  same inputs always give the same split);
* so every unit rides on exactly one trip, every trip's load differs from its share of the weight
  by less than one unit's weight (at most half a unit at either end of its interval), and the
  first trips carry the first allocations. Weightless units ride with the trip holding their
  offset (the first trip when everything is weightless).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class WaveItem:
    """An allocation's units on the shipment: ``unit_weight_kg`` as the catalog writes it."""

    allocation_id: int
    quantity: int
    unit_weight_kg: float

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise ValueError(f"allocation {self.allocation_id}: quantity must be > 0")
        if not (math.isfinite(self.unit_weight_kg) and self.unit_weight_kg >= 0):
            raise ValueError(f"allocation {self.allocation_id}: unit weight must be ≥ 0")


def _exact(kg: float) -> Fraction:
    return Fraction(Decimal(repr(float(kg))))


def _units_up_to(bound: Fraction, start: Fraction, weight: Fraction, quantity: int) -> int:
    """How many of an item's units (laid from ``start``) have their midpoint at or below
    ``bound``."""
    if weight == 0:
        return quantity if start <= bound and bound > 0 else 0
    n = math.floor((bound - start) / weight + Fraction(1, 2))
    return max(0, min(quantity, n))


def split_waves(
    items: Sequence[WaveItem], shares: Sequence[Fraction]
) -> tuple[dict[int, int], ...]:
    """Units per allocation for each trip, in the trips' order (a trip may carry nothing when
    its share is smaller than half a unit). ``shares`` must be positive and add up to 1."""
    if not shares or any(s <= 0 for s in shares) or sum(shares) != 1:
        raise ValueError("trip shares must be positive and add up to 1")
    ids = [i.allocation_id for i in items]
    if len(set(ids)) != len(ids):
        raise ValueError("an allocation is listed twice")
    weights = [_exact(i.unit_weight_kg) for i in items]
    total = sum((w * i.quantity for w, i in zip(weights, items, strict=True)), Fraction(0))
    if total == 0:
        return ({i.allocation_id: i.quantity for i in items}, *({} for _ in shares[1:]))
    starts, offset = [], Fraction(0)
    for w, item in zip(weights, items, strict=True):
        starts.append(offset)
        offset += w * item.quantity
    bounds, cumulative = [], Fraction(0)
    for s in shares:
        cumulative += s
        bounds.append(total * cumulative)
    waves: list[dict[int, int]] = []
    before = [0] * len(items)
    for k, bound in enumerate(bounds):
        last = k == len(bounds) - 1
        wave = {}
        for j, item in enumerate(items):
            upto = (
                item.quantity if last else _units_up_to(bound, starts[j], weights[j], item.quantity)
            )
            if upto > before[j]:
                wave[item.allocation_id] = upto - before[j]
            before[j] = upto
        waves.append(wave)
    return tuple(waves)
