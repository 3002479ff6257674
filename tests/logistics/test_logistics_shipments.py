"""Shipment grouping (SPEC §11: one plan, one depot, one delivery point) and weights."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.logistics.logistics_fixtures import HALL, WEIGHTS, line
from ukg_aid.logistics import (
    DeliveryPoint,
    build_shipments,
    default_truck_classes,
    group_allocations,
    shipment_key,
    shipment_pallets,
    shipment_weight_g,
)

CLASSES = default_truck_classes()


def _build(lines, **kwargs):
    return build_shipments(lines, unit_weight_kg=WEIGHTS, classes=CLASSES, **kwargs)


def test_two_requests_at_one_point_travel_together() -> None:
    same_hall_other_name = DeliveryPoint("Kobe City Hall", HALL.lat, HALL.lon)
    shipments = _build(
        [
            line(1, request_id=101, item="water", quantity=2000),
            line(2, request_id=100, item="meals", quantity=3000),
            line(3, request_id=101, item="meals", quantity=1000, delivery=same_hall_other_name),
        ]
    )
    assert len(shipments) == 1
    (shipment,) = shipments
    assert shipment.allocation_ids == (1, 2, 3)
    assert shipment.request_ids == (100, 101)
    assert shipment.items == (("meals", 4000), ("water", 2000))
    assert shipment.delivery == HALL  # the lowest request id names the point
    assert shipment.weight_kg == 2000 + 4000 * 0.25
    assert (shipment.plan_id, shipment.depot_id, shipment.requester_code) == (1, 10, "28100")
    assert shipment.supplier_code == "27"


@pytest.mark.parametrize(
    "other",
    [
        {"plan_id": 2},
        {"depot_id": 11, "supplier": "27"},
        {"requester": "28"},
        {"delivery": DeliveryPoint(HALL.name, HALL.lat + 2e-6, HALL.lon)},
        {"delivery": DeliveryPoint(HALL.name, HALL.lat, HALL.lon - 2e-6)},
    ],
    ids=["other plan", "other depot", "other requester", "pin 0.2 m north", "pin 0.2 m west"],
)
def test_what_splits_a_shipment(other: dict[str, object]) -> None:
    shipments = _build([line(1), line(2, **other)])  # type: ignore[arg-type]
    assert sorted(s.allocation_ids for s in shipments) == [(1,), (2,)]


def test_coordinates_equal_to_a_micro_degree_are_one_point() -> None:
    noisy = DeliveryPoint(HALL.name, HALL.lat + 3e-8, HALL.lon - 3e-8)
    assert shipment_key(line(1)) == shipment_key(line(2, delivery=noisy))
    assert len(_build([line(1), line(2, delivery=noisy)])) == 1


def test_weight_is_exact_decimal_and_rounds_up_to_grams() -> None:
    # 0.15 kg × 3 is 0.44999999999999996 in binary floating point; the shipment says 450 g.
    assert shipment_weight_g([line(1, item="toilet_paper", quantity=3)], WEIGHTS) == 450
    assert shipment_weight_g([line(1, item="x", quantity=3)], {"x": 0.0001}) == 1  # 0.3 g → 1 g
    assert shipment_weight_g([line(1, item="x", quantity=7)], {"x": 0.1}) == 700
    lines = [line(i, item="meals", quantity=1) for i in range(1, 4001)]
    assert shipment_weight_g(lines, WEIGHTS) == 1_000_000


def test_weight_needs_every_item_weight() -> None:
    with pytest.raises(ValueError, match="'rope' has no usable unit weight"):
        shipment_weight_g([line(1, item="rope")], WEIGHTS)
    with pytest.raises(ValueError, match="no usable unit weight"):
        shipment_weight_g([line(1, item="x")], {"x": float("nan")})
    with pytest.raises(ValueError, match="no usable unit weight"):
        shipment_weight_g([line(1, item="x")], {"x": -1.0})


def test_trucks_follow_the_weight() -> None:
    (light,) = _build([line(1, quantity=4000)])
    assert light.trucks.as_dict() == {"4t": 1, "10t": 0}
    (heavy,) = _build([line(1, quantity=20_000), line(2, item="meals", quantity=16_000)])
    assert heavy.weight_kg == 24_000
    assert heavy.trucks.as_dict() == {"4t": 1, "10t": 2}


def test_pallets_count_only_items_with_a_figure() -> None:
    lines = [line(1, item="toilet_paper", quantity=2001), line(2, item="water", quantity=100)]
    assert shipment_pallets(lines, {"toilet_paper": 1000}) == 3
    assert shipment_pallets(lines, {}) == 0
    # 300 kg of toilet paper on 6 pallets: light, but too bulky for one 4 t truck's 5 places.
    (bulky,) = _build(
        [line(1, item="toilet_paper", quantity=2000)], units_per_pallet={"toilet_paper": 400}
    )
    assert bulky.load.pallets == 5
    assert bulky.trucks.as_dict() == {"4t": 1, "10t": 0}
    (bulkier,) = _build(
        [line(1, item="toilet_paper", quantity=2001)], units_per_pallet={"toilet_paper": 400}
    )
    assert bulkier.load.pallets == 6
    assert bulkier.trucks.as_dict() == {"4t": 0, "10t": 1}
    with pytest.raises(ValueError, match="units per pallet must be > 0"):
        shipment_pallets(lines, {"water": 0})


def test_bad_allocations_are_refused() -> None:
    with pytest.raises(ValueError, match="allocation 1 given twice"):
        group_allocations([line(1), line(1)])
    with pytest.raises(ValueError, match="quantity must be > 0"):
        group_allocations([line(1, quantity=0)])
    with pytest.raises(ValueError, match="several suppliers"):
        _build([line(1, supplier="27"), line(2, supplier="28")])


@given(
    st.lists(
        st.tuples(
            st.integers(1, 3),
            st.integers(10, 12),
            st.sampled_from(["28", "28100"]),
            st.integers(0, 2),
            st.sampled_from(sorted(WEIGHTS)),
            st.integers(1, 50_000),
        ),
        min_size=1,
        max_size=40,
    ),
    st.randoms(use_true_random=False),
)
def test_grouping_partitions_and_is_order_free(rows, rnd: random.Random) -> None:
    points = [HALL, DeliveryPoint("B", 34.7, 135.2), DeliveryPoint("C", 34.8, 135.3)]
    lines = [
        line(
            i,
            plan_id=p,
            depot_id=d,
            supplier=f"s{d}",
            requester=r,
            delivery=points[k],
            request_id=100 + k,
            item=item,
            quantity=q,
        )
        for i, (p, d, r, k, item, q) in enumerate(rows, start=1)
    ]
    shipments = _build(lines)
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    assert _build(shuffled) == shipments
    ids = sorted(a for s in shipments for a in s.allocation_ids)
    assert ids == [ln.allocation_id for ln in lines]  # every allocation in exactly one shipment
    assert len({s.key for s in shipments}) == len(shipments)
    by_id = {ln.allocation_id: ln for ln in lines}
    for s in shipments:
        members = [by_id[a] for a in s.allocation_ids]
        assert {shipment_key(m) for m in members} == {s.key}
        assert s.load.weight_g == shipment_weight_g(members, WEIGHTS)
    assert sum(s.load.weight_g for s in shipments) == shipment_weight_g(lines, WEIGHTS)
