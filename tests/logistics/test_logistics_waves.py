"""Units per truck trip (``logistics.split_waves``): every unit on exactly one trip, each trip's
load within one unit's weight of its share, the first trips carrying the first allocations."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukg_aid.logistics import WaveItem, split_waves

ITEMS = st.lists(
    st.tuples(st.integers(1, 500), st.sampled_from([0.0, 0.15, 1.0, 2.5, 12.0, 1000.0])),
    min_size=1,
    max_size=8,
)
SHARES = st.lists(st.integers(1, 20), min_size=1, max_size=6)


def _weight(item: WaveItem) -> Fraction:
    return Fraction(Decimal(repr(item.unit_weight_kg)))


@settings(max_examples=300, deadline=None)
@given(ITEMS, SHARES)
def test_every_unit_rides_once_and_each_trip_is_within_one_unit_of_its_share(rows, parts) -> None:
    items = [WaveItem(i, q, kg) for i, (q, kg) in enumerate(rows, 1)]
    shares = [Fraction(p, sum(parts)) for p in parts]
    waves = split_waves(items, shares)
    assert len(waves) == len(shares)
    for item in items:
        assert sum(w.get(item.allocation_id, 0) for w in waves) == item.quantity
    total = sum(_weight(i) * i.quantity for i in items)
    heaviest = max(_weight(i) for i in items)
    by_id = {i.allocation_id: i for i in items}
    for wave, s in zip(waves, shares, strict=True):
        load = sum(_weight(by_id[a]) * q for a, q in wave.items())
        if total:
            assert abs(load - s * total) <= heaviest
    # Order: an allocation's units never ride on an earlier trip than the previous one's.
    first_trip = [min(k for k, w in enumerate(waves) if i.allocation_id in w) for i in items]
    assert first_trip == sorted(first_trip)


def test_a_12_t_shipment_on_a_10_t_and_a_4_t_truck() -> None:
    items = [WaveItem(7, 8, 1000.0), WaveItem(9, 4, 1000.0)]
    waves = split_waves(items, [Fraction(10, 12), Fraction(2, 12)])
    assert waves == ({7: 8, 9: 2}, {9: 2})


def test_midpoints_decide_a_unit_on_the_boundary() -> None:
    """Three 1 kg units on two halves: the middle unit's midpoint (1.5) is exactly the boundary,
    so it rides on the first trip (the interval is closed on the right)."""
    assert split_waves([WaveItem(1, 3, 1.0)], [Fraction(1, 2)] * 2) == ({1: 2}, {1: 1})


def test_a_tiny_share_may_carry_nothing_and_weightless_units_go_first() -> None:
    assert split_waves([WaveItem(1, 1, 10.0)], [Fraction(99, 100), Fraction(1, 100)]) == (
        {1: 1},
        {},
    )
    assert split_waves([WaveItem(1, 5, 0.0)], [Fraction(1, 2)] * 2) == ({1: 5}, {})


@pytest.mark.parametrize(
    "shares", [[], [Fraction(1, 2)], [Fraction(0), Fraction(1)], [Fraction(3, 2), Fraction(-1, 2)]]
)
def test_shares_must_be_positive_and_whole(shares) -> None:
    with pytest.raises(ValueError, match="shares"):
        split_waves([WaveItem(1, 1, 1.0)], shares)


def test_bad_items_are_refused() -> None:
    with pytest.raises(ValueError, match="quantity"):
        WaveItem(1, 0, 1.0)
    with pytest.raises(ValueError, match="weight"):
        WaveItem(1, 1, float("nan"))
    with pytest.raises(ValueError, match="twice"):
        split_waves([WaveItem(1, 1, 1.0), WaveItem(1, 2, 1.0)], [Fraction(1)])
