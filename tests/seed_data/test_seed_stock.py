"""Stock rows: integer quantities, floors under on-hand, references that resolve, reproducible."""

from __future__ import annotations

import functools
import importlib.util
import sys
from collections import Counter
from types import ModuleType

from hypothesis import given
from hypothesis import strategies as st

from tests.seed_data.seed_files import DATA, Row


@functools.cache
def _build_stock() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_stock", DATA / "build_stock.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_build_stock_regenerates_the_committed_file_exactly() -> None:
    committed = (DATA / "stock.csv").read_text(encoding="utf-8")
    assert _build_stock().render() == committed


def test_stock_references_existing_depots_and_items(
    stock: list[Row], depots: list[Row], items: list[Row]
) -> None:
    depot_keys = {d["key"] for d in depots}
    item_codes = {i["code"] for i in items}
    for s in stock:
        assert s["depot_key"] in depot_keys
        assert s["item_code"] in item_codes
    pairs = Counter((s["depot_key"], s["item_code"]) for s in stock)
    assert max(pairs.values()) == 1


def test_quantities_are_integers_with_floor_under_on_hand(stock: list[Row]) -> None:
    for s in stock:
        assert s["on_hand"].isdigit(), s
        assert s["reserve_floor"].isdigit(), s
        assert 0 <= int(s["reserve_floor"]) <= int(s["on_hand"])
        assert int(s["on_hand"]) > 0


def test_every_member_holds_every_item_somewhere(
    stock: list[Row], depots: list[Row], members: list[Row], items: list[Row]
) -> None:
    owner = {d["key"]: d["member_code"] for d in depots}
    held = {(owner[s["depot_key"]], s["item_code"]) for s in stock}
    assert held == {(m["code"], i["code"]) for m in members for i in items}


def test_osaka_city_food_is_one_day_for_its_530000_evacuees(
    stock: list[Row], depots: list[Row]
) -> None:
    """Osaka City plan: 530,000 shelter evacuees, city holds 1 day of food (3 meals/day)."""
    city = {d["key"] for d in depots if d["member_code"] == "27100"}
    meals = sum(
        int(s["on_hand"]) for s in stock if s["depot_key"] in city and s["item_code"] == "meals"
    )
    assert meals == 530_000 * 3


def test_split_is_exact_and_proportional() -> None:
    module = _build_stock()
    depots = [
        module.Depot("a", "27", "wide_area_base"),
        module.Depot("b", "27", "stockpile_warehouse"),
        module.Depot("c", "27", "transport_hub"),
    ]
    assert module.split(70, depots) == [40, 20, 10]
    assert sum(module.split(71, depots)) == 71
    assert module.split(0, depots) == [0, 0, 0]


@given(
    total=st.integers(min_value=0, max_value=10_000_000),
    kinds=st.lists(
        st.sampled_from(["wide_area_base", "stockpile_warehouse", "transport_hub"]),
        min_size=1,
        max_size=12,
    ),
)
def test_split_adds_up_and_stays_within_one_unit_of_proportional(
    total: int, kinds: list[str]
) -> None:
    module = _build_stock()
    depots = [module.Depot(f"k{i}", "27", kind) for i, kind in enumerate(kinds)]
    shares = module.split(total, depots)
    weights = [module.weight(d) for d in depots]
    assert sum(shares) == total
    for share, w in zip(shares, weights, strict=True):
        assert abs(share - total * w / sum(weights)) < 1
