"""Shape of the seed CSVs: exact headers, unique keys, references that resolve, provenance."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.app_support import REPO
from tests.seed_data.seed_files import Row, read_rows

HEADERS = {
    "members.csv": "code,name_en,name_ja,kind,parent_code,office_name_ja,office_lat,office_lon,"
    "population,area_km2,heli_preference,source,confidence",
    "items.csv": "code,name_en,name_ja,unit,unit_weight_kg,category,per_person_per_day,"
    "rate_source,assumption",
    "depots.csv": "key,member_code,name_en,name_ja,kind,lat,lon,status,coord_confidence,"
    "source,assumption",
    "stock.csv": "depot_key,item_code,on_hand,reserve_floor,assumption",
    "helicopters.csv": "callsign,member_code,base_name,base_name_ja,base_lat,base_lon,"
    "aircraft_type,cruise_kmh,range_km,status,daylight_start,daylight_fixed_end,source,"
    "confidence,assumption",
    "examples/counterparts.example.csv": "supporter_code,stricken_code,source,assumption",
    "depots_not_seeded.csv": "key,member_code,name_en,name_ja,kind,lat,lon,status,"
    "coord_confidence,source,assumption,reason",
    "hospitals.csv": "key,member_code,name_en,name_ja,kind,lat,lon,position_estimated,"
    "coord_confidence,coord_method,heliport,heliport_source,source,heli_base_id",
}
ITEM_CODES = {
    "water", "meals", "blankets", "infant_formula", "child_diapers", "adult_diapers",
    "portable_toilets", "toilet_paper", "sanitary_products", "generators", "tents",
    "first_aid_kits",
}  # fmt: skip
MEMBER_CODES = {"25", "26", "27", "28", "29", "30", "31", "36", "26100", "27100", "27140", "28100"}


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_every_file_has_the_exact_header_and_full_rows(name: str) -> None:
    header, rows = read_rows(name)
    assert header == HEADERS[name].split(",")
    assert rows
    assert all(None not in row and None not in row.values() for row in rows)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("members.csv", "code"),
        ("items.csv", "code"),
        ("depots.csv", "key"),
        ("helicopters.csv", "callsign"),
        ("hospitals.csv", "key"),
    ],
)
def test_keys_are_unique(name: str, key: str) -> None:
    values = [row[key] for row in read_rows(name)[1]]
    assert len(values) == len(set(values))


def test_members_are_the_twelve_with_consistent_kinds(members: list[Row]) -> None:
    assert {m["code"] for m in members} == MEMBER_CODES
    by_code = {m["code"]: m for m in members}
    for m in members:
        assert m["heli_preference"] in {"own_first", "geography_first"}
        assert int(m["population"]) > 0
        assert float(m["area_km2"]) > 0
        if m["kind"] == "prefecture":
            assert m["parent_code"] == ""
            assert len(m["code"]) == 2
        else:
            assert m["kind"] == "city"
            assert by_code[m["parent_code"]]["kind"] == "prefecture"
            assert m["code"].startswith(m["parent_code"])


def test_items_are_the_catalog_with_positive_rates(items: list[Row]) -> None:
    assert {i["code"] for i in items} == ITEM_CODES
    for i in items:
        assert float(i["unit_weight_kg"]) > 0
        assert float(i["per_person_per_day"]) > 0
        assert i["category"] in {"push_type_basic", "ems_shelter"}
    water = next(i for i in items if i["code"] == "water")
    assert (water["unit"], float(water["unit_weight_kg"])) == ("L", 1.0)
    rates = {i["code"]: float(i["per_person_per_day"]) for i in items}
    assert (rates["water"], rates["meals"], rates["portable_toilets"]) == (3, 3, 5)


def test_depots_reference_members_and_use_known_values(depots: list[Row]) -> None:
    for d in depots:
        assert d["member_code"] in MEMBER_CODES
        assert d["key"].startswith(d["member_code"] + "-")
        assert d["kind"] in {"wide_area_base", "stockpile_warehouse", "transport_hub"}
        assert d["status"] == "operational"


def test_every_member_has_at_least_three_depots(depots: list[Row]) -> None:
    for code in MEMBER_CODES:
        assert sum(d["member_code"] == code for d in depots) >= 3, code


def test_helicopters_reference_members_and_carry_defaults(helicopters: list[Row]) -> None:
    assert len(helicopters) == 8
    for h in helicopters:
        assert h["member_code"] in MEMBER_CODES
        assert (h["cruise_kmh"], h["range_km"], h["status"]) == ("220", "635", "available")
        assert h["daylight_start"] == "08:30"
    fixed_ends = {h["callsign"]: h["daylight_fixed_end"] for h in helicopters}
    assert {c: e for c, e in fixed_ends.items() if e} == {"KANSAI-OSHIDORI": "17:15"}


def test_counterparts_pair_distinct_existing_members(counterparts: list[Row]) -> None:
    pairs = [(c["supporter_code"], c["stricken_code"]) for c in counterparts]
    assert len(pairs) == len(set(pairs))
    for supporter, stricken in pairs:
        assert {supporter, stricken} <= MEMBER_CODES
        assert supporter != stricken


@pytest.mark.parametrize(
    "name",
    [
        "members.csv",
        "depots.csv",
        "stock.csv",
        "helicopters.csv",
        "hospitals.csv",
        "examples/counterparts.example.csv",
    ],
)
def test_every_row_says_where_it_comes_from(name: str) -> None:
    for row in read_rows(name)[1]:
        provenance = row.get("source", "") + row.get("assumption", "")
        assert provenance.strip(), row


def test_every_item_states_its_rate_basis(items: list[Row]) -> None:
    for i in items:
        assert i["rate_source"].strip()
        assert i["assumption"].strip()


def test_hospitals_are_derived_from_the_reference_and_say_what_they_know() -> None:
    """``hospitals.csv`` is ``build_hospitals.py``'s output from ``data/reference/hospitals.csv``;
    a heliport other than ``unknown`` names its source; an own position is never estimated."""
    built = subprocess.run(
        [sys.executable, str(REPO / "data" / "stockpiles" / "build_hospitals.py"), "--check"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    rows = read_rows("hospitals.csv")[1]
    assert {r["member_code"] for r in rows} <= MEMBER_CODES
    for r in rows:
        assert r["heliport"] in {"on_site", "nearby", "none", "unknown"}
        assert r["heliport"] == "unknown" or r["heliport_source"].strip(), r["key"]
        assert r["position_estimated"] == ("false" if r["coord_confidence"] == "medium" else "true")
    assert sum(r["heli_base_id"] != "" for r in rows) == 9  # 8 bases, Nara's standby site too
