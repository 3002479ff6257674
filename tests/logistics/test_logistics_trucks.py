"""How many 4 t and 10 t trucks a load needs: exact boundaries, volume, minimality."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ukg_aid.logistics import Load, TruckClass, cover, default_truck_classes, share, trucks_needed

CLASSES = default_truck_classes()
SMALL, LARGE = CLASSES


def test_package_classes_are_the_nominal_payloads() -> None:
    assert [(c.code, c.payload_kg, c.pallet_places, c.usable_fraction) for c in CLASSES] == [
        ("4t", 4000.0, 5, 1.0),
        ("10t", 10000.0, 16, 1.0),
    ]
    assert (SMALL.capacity_g, LARGE.capacity_g) == (4_000_000, 10_000_000)


@pytest.mark.parametrize(
    ("grams", "expected"),
    [
        (0, {"4t": 1, "10t": 0}),  # something still has to drive there
        (1, {"4t": 1, "10t": 0}),
        (4_000_000, {"4t": 1, "10t": 0}),
        (4_000_001, {"4t": 0, "10t": 1}),  # one 10 t beats two 4 t
        (10_000_000, {"4t": 0, "10t": 1}),
        (10_000_001, {"4t": 1, "10t": 1}),
        (14_000_000, {"4t": 1, "10t": 1}),
        (14_000_001, {"4t": 0, "10t": 2}),  # two trucks either way: the smaller capacity wins
        (20_000_000, {"4t": 0, "10t": 2}),
        (24_000_000, {"4t": 1, "10t": 2}),
        (24_000_001, {"4t": 0, "10t": 3}),
        (100_000_000, {"4t": 0, "10t": 10}),
    ],
)
def test_weight_boundaries(grams: int, expected: dict[str, int]) -> None:
    assert trucks_needed(Load(grams), CLASSES).as_dict() == expected


def test_volume_can_bind_before_weight() -> None:
    assert share(Load(600_000, 6), SMALL) == Fraction(5, 6)
    assert trucks_needed(Load(600_000, 5), CLASSES).as_dict() == {"4t": 1, "10t": 0}
    assert trucks_needed(Load(600_000, 6), CLASSES).as_dict() == {"4t": 0, "10t": 1}
    assert trucks_needed(Load(600_000, 17), CLASSES).as_dict() == {"4t": 1, "10t": 1}
    assert trucks_needed(Load(600_000, 37), CLASSES).as_dict() == {"4t": 1, "10t": 2}
    assert trucks_needed(Load(600_000, 38), CLASSES).as_dict() == {"4t": 0, "10t": 3}


def test_a_usable_payload_fraction_lowers_capacity() -> None:
    van = TruckClass("4t", "中型", 4000, 5, usable_fraction=0.75)
    assert van.capacity_g == 3_000_000
    assert trucks_needed(Load(3_000_000), [van, LARGE]).as_dict() == {"4t": 1, "10t": 0}
    assert trucks_needed(Load(3_000_001), [van, LARGE]).as_dict() == {"4t": 0, "10t": 1}


def _covered(load: Load, need: Fraction, available: dict[str, int]) -> dict[str, int] | None:
    """The trucks ``cover`` sends, or None when the available ones cannot carry ``load``."""
    count = cover(load, need, CLASSES, available)
    return None if count is None else count.as_dict()


def test_cover_respects_the_trucks_available() -> None:
    load = Load(12_000_000)
    assert _covered(load, Fraction(1), {"4t": 3, "10t": 0}) == {"4t": 3, "10t": 0}
    assert _covered(load, Fraction(1), {"4t": 2, "10t": 0}) is None
    assert _covered(load, Fraction(1), {"4t": 0, "10t": 1}) is None
    assert _covered(load, Fraction(1), {"4t": 1, "10t": 1}) == {"4t": 1, "10t": 1}
    assert _covered(Load(15_000_000), Fraction(1), {"4t": 1, "10t": 2}) == {"4t": 0, "10t": 2}
    assert _covered(load, Fraction(1, 3), {"4t": 1, "10t": 2}) == {"4t": 1, "10t": 0}
    assert _covered(load, Fraction(1), {}) is None


def test_bad_classes_and_loads_are_refused() -> None:
    with pytest.raises(ValueError, match="payload_kg"):
        TruckClass("x", "x", 0, 5)
    with pytest.raises(ValueError, match="usable_fraction"):
        TruckClass("x", "x", 1000, 5, usable_fraction=1.5)
    with pytest.raises(ValueError, match="pallet_places"):
        TruckClass("x", "x", 1000, 0)
    with pytest.raises(ValueError, match="≥ 0"):
        Load(-1)
    with pytest.raises(ValueError, match="no truck classes"):
        trucks_needed(Load(1), [])


def _brute_force(load: Load, classes, available) -> tuple[int, int] | None:
    """Fewest trucks, then least capacity, by trying every count up to the availability."""
    best = None
    ranges = [range(available[c.code] + 1) for c in classes]
    for counts in itertools.product(*ranges):
        if sum(counts) == 0:
            continue
        carried = sum(n * share(load, c) for n, c in zip(counts, classes, strict=True))
        if carried >= 1:
            capacity = sum(n * c.capacity_g for n, c in zip(counts, classes, strict=True))
            key = (sum(counts), capacity)
            best = key if best is None or key < best else best
    return best


@given(
    st.integers(0, 60_000_000),
    st.integers(0, 40),
    st.integers(0, 8),
    st.integers(0, 8),
    st.sampled_from([1.0, 0.8, 0.55]),
)
def test_cover_is_minimal_against_brute_force(grams, pallets, n_small, n_large, fraction) -> None:
    classes = (TruckClass("4t", "中型", 4000, 5, fraction), LARGE)
    load = Load(grams, pallets)
    available = {"4t": n_small, "10t": n_large}
    found = cover(load, Fraction(1), classes, available)
    expected = _brute_force(load, classes, available)
    if expected is None:
        assert found is None
        return
    assert found is not None
    capacity = sum(n * c.capacity_g for (_, n), c in zip(found.counts, classes, strict=True))
    assert (found.total, capacity) == expected
    assert sum(n * share(load, c) for (_, n), c in zip(found.counts, classes, strict=True)) >= 1
