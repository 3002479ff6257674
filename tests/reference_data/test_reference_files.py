"""Consistency of the research data in data/reference (see data/reference/README.md)."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "data" / "reference"
OUTLINES = ROOT / "src" / "ukg_aid" / "data" / "member_prefectures.geojson"
MEMBERS = {"25", "26", "27", "28", "29", "30", "31", "36", "26100", "27100", "27140", "28100"}
DESIGNATED = {"26100", "27100", "27140", "28100"}
HELI_BASES = {
    "osaka", "toyooka", "tokushima", "hyogo_harima", "kyoshiga", "tottori", "wakayama", "nara",
}  # fmt: skip


def _rows(name: str) -> list[dict[str, str]]:
    with (REF / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REF / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _outlines() -> dict[str, BaseGeometry]:
    features = json.loads(OUTLINES.read_text())["features"]
    return {str(f["properties"]["code"]): shape(f["geometry"]).buffer(0) for f in features}


def _landmask() -> list[BaseGeometry]:
    features = json.loads((REF / "crossings_landmask.geojson").read_text())["features"]
    return [shape(f["geometry"]) for f in features]


def test_hospitals_csv_is_what_the_build_script_produces() -> None:
    text = _module("build_hospitals").build()
    assert (REF / "hospitals.csv").read_text(encoding="utf-8") == text


def test_every_doctor_heli_base_is_a_hospital_row() -> None:
    ids = {r["heli_base_id"] for r in _rows("hospitals.csv") if r["heli_base_id"]}
    assert ids == HELI_BASES


def test_hospital_rows_carry_a_source_or_say_unverified() -> None:
    rows = _rows("hospitals.csv")
    assert len({r["key"] for r in rows}) == len(rows)
    for r in rows:
        assert r["kind"] in {"基幹災害拠点病院", "地域災害拠点病院", "UNVERIFIED"}, r["key"]
        assert r["designation_source"] or r["kind"] == "UNVERIFIED", r["key"]
        assert r["heliport"] in {"on_site", "nearby", "none", "unknown"}, r["key"]
        assert r["heliport"] == "unknown" or r["heliport_source"], r["key"]


def test_hospital_member_follows_the_location_rule() -> None:
    for r in _rows("hospitals.csv"):
        assert r["member_code"] in MEMBERS
        if r["member_code"] in DESIGNATED:
            # wards of a designated city share the city's first four digits (261xx, 271xx, ...)
            assert r["municipality_code"][:3] == r["member_code"][:3], r["key"]
        else:
            assert r["member_code"] == r["pref_code"], r["key"]


def test_hospital_points_lie_in_their_prefecture() -> None:
    outlines = _outlines()
    awaji = _landmask()[0]
    for r in _rows("hospitals.csv"):
        p = Point(float(r["lon"]), float(r["lat"]))
        inside = outlines[r["pref_code"]].buffer(0.05).contains(p)
        assert inside or (r["pref_code"] == "28" and awaji.contains(p)), r["key"]


def test_each_bridge_joins_the_two_shores_it_crosses() -> None:
    outlines = _outlines()
    awaji, naruto = _landmask()
    ends = {(r["crossing"], r["end"]): Point(float(r["lon"]), float(r["lat"])) for r in
            _rows("crossings.csv")}  # fmt: skip
    assert outlines["28"].contains(ends["akashi-kaikyo", "A"])
    assert awaji.contains(ends["akashi-kaikyo", "B"])
    assert awaji.contains(ends["onaruto", "A"])
    assert naruto.contains(ends["onaruto", "B"])
    assert not awaji.intersects(naruto)


@pytest.mark.parametrize(
    ("event", "pairs"),
    [
        ("noto-2024", {("28", "17205"), ("28100", "17205"), ("27", "17204"), ("27100", "17204"),
                       ("27140", "17204"), ("36", "17204"), ("26", "17202"), ("26100", "17202")}),
        ("tohoku-2011", {("28", "04"), ("31", "04"), ("36", "04"), ("27", "03"), ("30", "03"),
                         ("26", "07"), ("25", "07")}),
    ],
)  # fmt: skip
def test_real_counterparts_are_the_published_pairs(event: str, pairs: set[tuple[str, str]]) -> None:
    rows = [r for r in _rows("counterparts_real.csv") if r["event"] == event]
    assert {(r["supporter_code"], r["recipient_code"]) for r in rows} == pairs
    guests = {g["code"] for g in _rows("guests.csv")}
    assert all(r["source"].startswith("https://") for r in rows)
    assert {r["recipient_code"] for r in rows} <= guests


def test_guests_are_outside_the_union_with_offices_in_japan() -> None:
    guests = _rows("guests.csv")
    assert len({g["code"] for g in guests}) == len(guests)
    for g in guests:
        assert g["pref_code"] not in MEMBERS
        assert 24.0 < float(g["office_lat"]) < 46.0
        assert 122.0 < float(g["office_lon"]) < 146.0
        assert int(g["population"]) > 0
