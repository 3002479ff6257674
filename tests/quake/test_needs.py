"""Needs per evacuee: one table for the drill model and shelter needs, and the catalog agrees."""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

import pytest

from ukg_aid import needs
from ukg_aid.needs import DEFAULT_RATES, Rate, ShelterCount, item_needs, needs_over, shelter_needs
from ukg_aid.quake.areas import load_members, load_municipalities
from ukg_aid.quake.impact import assess_impact
from ukg_aid.quake.scenarios import load_scenario

ITEMS_CSV = Path(__file__).resolve().parents[2] / "data" / "stockpiles" / "items.csv"


def _catalog() -> dict[str, float]:
    with ITEMS_CSV.open(encoding="utf-8") as f:
        return {row["code"]: float(row["per_person_per_day"]) for row in csv.DictReader(f)}


def test_a_shelter_of_100_for_three_days() -> None:
    assert needs_over(3, 100) == {
        "adult_diapers": 15,  # 0.05 × 100 × 3
        "blankets": 100,  # once
        "child_diapers": 54,
        "first_aid_kits": 2,
        "generators": 1,  # 0.5 rounded up: a shelter gets a whole generator
        "infant_formula": 3,  # 2.1 rounded up
        "meals": 900,
        "portable_toilets": 1500,
        "sanitary_products": 75,
        "tents": 5,
        "toilet_paper": 60,
        "water": 900,
    }


def test_infants_and_elderly_counted_when_the_desk_reports_them() -> None:
    got = needs_over(1, 200, infants=4, elderly=40)
    assert got["infant_formula"] == 4  # one ration per child under 1
    assert got["child_diapers"] == math.ceil(8 * 4 + (0.18 - 8 * 0.007) * 200)  # 56.8 → 57
    assert got["adult_diapers"] == 7  # 40 × 0.05 / 0.286 = 6.99
    assert got["water"] == 600  # water is for everyone alike
    no_babies = needs_over(1, 200, infants=0)
    assert no_babies["infant_formula"] == 0
    assert no_babies["child_diapers"] == math.ceil(0.124 * 200)  # the 1-2-year-olds remain
    assert needs_over(1, 200, elderly=0)["adult_diapers"] == 0


def test_groups_at_the_assumed_shares_give_the_population_rates() -> None:
    by_share = needs_over(1, 1000, infants=7, elderly=286)
    unknown = needs_over(1, 1000)
    for code in ("infant_formula", "child_diapers", "adult_diapers"):
        assert by_share[code] == unknown[code], code
    assert unknown["child_diapers"] == 180
    assert unknown["adult_diapers"] == 50


def test_one_off_items_count_once_whatever_the_days() -> None:
    three, six = needs_over(3, 400), needs_over(6, 400)
    assert three["blankets"] == six["blankets"] == 400
    assert (three["tents"], six["tents"]) == (20, 20)
    assert six["water"] == 2 * three["water"] == 7200


def test_daily_split_for_the_drill_model() -> None:
    by_code = {n.item_code: n for n in item_needs(1000)}
    assert (by_code["water"].per_day, by_code["water"].initial) == (3000, 0)
    assert (by_code["blankets"].per_day, by_code["blankets"].initial) == (0, 1000)
    assert [n.item_code for n in item_needs(1)] == sorted(r.item_code for r in DEFAULT_RATES)
    assert all(n.per_day == n.initial == 0 for n in item_needs(0))


def test_shelters_are_rounded_one_by_one_then_added() -> None:
    two_small = shelter_needs([ShelterCount(10), ShelterCount(10)], 3)
    one_large = shelter_needs([ShelterCount(20)], 3)
    assert two_small["generators"] == 2
    assert one_large["generators"] == 1
    assert two_small["water"] == one_large["water"] == 180
    mixed = shelter_needs([ShelterCount(50, infants=2), ShelterCount(30, elderly=30)], 1)
    assert mixed["infant_formula"] == 2 + math.ceil(0.007 * 30)
    assert shelter_needs([], 3) == dict.fromkeys(sorted(r.item_code for r in DEFAULT_RATES), 0)


@pytest.mark.parametrize(
    ("evacuees", "infants", "elderly", "message"),
    [
        (-1, None, None, "evacuees"),
        (10, 11, None, "infants"),
        (10, None, -1, "elderly"),
        (10, 6, 6, "exceed"),
    ],
)
def test_bad_counts_are_refused(
    evacuees: int, infants: int | None, elderly: int | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        needs_over(1, evacuees, infants=infants, elderly=elderly)
    with pytest.raises(ValueError, match=message):
        item_needs(evacuees, infants=infants, elderly=elderly)


def test_days_and_rates_are_checked() -> None:
    with pytest.raises(ValueError, match="days"):
        needs_over(0, 10)
    with pytest.raises(ValueError, match=">= 0"):
        Rate("water", per_day=-1.0)
    with pytest.raises(ValueError, match="group"):
        Rate("x", per_day=0.1, group="children")
    with pytest.raises(ValueError, match="share"):
        Rate("x", per_day=0.01, group="infants", per_group_day=8.0, group_share=0.007)


def test_only_water_meals_and_toilets_are_sourced_and_every_rate_says_why() -> None:
    sourced = {r.item_code for r in DEFAULT_RATES if r.basis == "sourced"}
    assert sourced == {"water", "meals", "portable_toilets"}
    assert all(len(r.note) > 20 for r in DEFAULT_RATES)
    assert len({r.item_code for r in DEFAULT_RATES}) == len(DEFAULT_RATES)


def test_the_catalog_seed_carries_the_same_rates() -> None:
    catalog = _catalog()
    assert set(catalog) == {r.item_code for r in DEFAULT_RATES}
    for rate in DEFAULT_RATES:
        expected = rate.per_day or rate.once / needs.CATALOG_SPREAD_DAYS
        assert catalog[rate.item_code] == pytest.approx(expected, abs=5e-7), rate.item_code
    rebuilt = {r.item_code: r for r in needs.rates_from_catalog(catalog)}
    for rate in DEFAULT_RATES:
        got = rebuilt[rate.item_code]
        assert got.once == pytest.approx(rate.once, abs=1e-12), rate.item_code
        assert got.per_day == pytest.approx(rate.per_day), rate.item_code
        assert got.per_group_day == pytest.approx(rate.per_group_day), rate.item_code


def test_catalog_rates_override_the_defaults() -> None:
    rates = needs.rates_from_catalog(
        {"adult_diapers": 0.06, "blankets": 2 / 3, "water": None, "masks": 1.5}
    )
    by_code = {r.item_code: r for r in rates}
    assert set(by_code) == {"adult_diapers", "blankets", "masks"}
    assert by_code["adult_diapers"].per_group_day == pytest.approx(0.06 / needs.ELDERLY_SHARE)
    assert by_code["blankets"].once == 2.0
    got = needs_over(3, 100, elderly=100, rates=rates)
    assert got == {
        "adult_diapers": math.ceil(0.06 / 0.286 * 100 * 3),
        "blankets": 200,
        "masks": 450,
    }


def test_the_drill_model_uses_the_same_table() -> None:
    impact = assess_impact(
        load_scenario("uemachi-fault").event,
        members=load_members(),
        municipalities=load_municipalities(),
        depots=(),
        rng=random.Random(1),
    )
    city = impact.member("27100")
    assert city.needs == item_needs(city.evacuees)
    adult, blankets = city.need("adult_diapers"), city.need("blankets")
    assert adult is not None
    assert blankets is not None
    assert adult.per_day == math.ceil(0.05 * city.evacuees)
    assert (blankets.per_day, blankets.initial) == (0, city.evacuees)
