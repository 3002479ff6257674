"""Damage rules: crossings close per the operator's rule, hospitals and areas by intensity."""

from __future__ import annotations

import csv
import random
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest

from ukg_aid.quake import damage
from ukg_aid.quake.areas import guest_area, load_guests, load_municipalities
from ukg_aid.quake.damage import (
    AREA_ROADS_BLOCKED,
    AREA_TRAFFIC_CONTROL,
    CROSSING_CLOSURE,
    HOSPITAL_DAMAGED,
    Site,
    area_closures,
    assess_damage,
    crossing_closures,
    hospital_damage,
    load_crossings,
)
from ukg_aid.quake.model import Event
from ukg_aid.quake.scenarios import load_scenario

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
KOBE_1995 = load_scenario("hyogo-nanbu-1995").event
OSAKA_2018 = load_scenario("northern-osaka-2018").event
CROSSINGS = load_crossings()
AREAS = tuple(m for m in load_municipalities() if m.kind != "designated_city")


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


HOSPITALS = tuple(Site(r["key"], float(r["lat"]), float(r["lon"])) for r in _rows("hospitals.csv"))


def test_thresholds_are_the_reference_rules() -> None:
    rows = {r["asset"]: r for r in _rows("damage_thresholds.csv")}
    crossing = rows["sea crossing (明石海峡大橋, 大鳴門橋)"]
    assert CROSSING_CLOSURE.instrumental_min == float(crossing["instrumental_min"]) == 4.5
    police = rows["general roads in an area"]
    assert AREA_TRAFFIC_CONTROL.instrumental_min == float(police["instrumental_min"]) == 5.5
    blocked = rows["general roads in an area (physically blocked)"]
    assert AREA_ROADS_BLOCKED.instrumental_min == float(blocked["instrumental_min"]) == 6.0
    hospital = rows["disaster base hospital (drill rule)"]
    assert HOSPITAL_DAMAGED.instrumental_min == float(hospital["instrumental_min"]) == 6.0
    assert [t.basis for t in (CROSSING_CLOSURE, AREA_TRAFFIC_CONTROL)] == ["sourced"] * 2
    assert [t.basis for t in (AREA_ROADS_BLOCKED, HOSPITAL_DAMAGED)] == ["assumption"] * 2
    assert blocked["kind"] == hospital["kind"] == "ASSUMPTION"
    rule = next(r for r in _rows("crossing_rules.csv") if r["trigger"] == "earthquake")
    assert "5弱" in rule["threshold"] and "sakaide" in CROSSING_CLOSURE.source


def test_the_shipped_crossings_are_the_reference_file() -> None:
    shipped = resources.files("ukg_aid.quake").joinpath("data", "crossings.csv").read_text("utf-8")
    assert shipped == (REFERENCE / "crossings.csv").read_text(encoding="utf-8")


def test_crossings_are_the_reference_ends() -> None:
    assert [c.id for c in CROSSINGS] == ["akashi-kaikyo", "onaruto"]
    ends = {
        (r["crossing"], r["end"]): (float(r["lat"]), float(r["lon"]))
        for r in _rows("crossings.csv")
    }
    for c in CROSSINGS:
        assert [(e.lat, e.lon) for e in c.ends] == [ends[(c.id, e.end)] for e in c.ends]
        assert len(c.ends) == 2
    assert CROSSINGS[0].name_ja == "明石海峡大橋"
    assert {e.member_code for e in CROSSINGS[0].ends} == {"28", "28100"}


def test_kobe_1995_closes_the_akashi_bridge_whatever_the_seed() -> None:
    for seed in range(20):
        akashi = crossing_closures(KOBE_1995, CROSSINGS, random.Random(seed))[0]
        assert akashi.id == "akashi-kaikyo"
        assert akashi.intensity >= 6.0  # the Kobe end sits on the Rokko-Awaji fault
        assert (akashi.probability, akashi.status) == (1.0, "closed")


def test_northern_osaka_2018_leaves_the_akashi_bridge_open() -> None:
    akashi = crossing_closures(OSAKA_2018, CROSSINGS, random.Random(1))[0]
    assert akashi.intensity < CROSSING_CLOSURE.instrumental_min  # median 4, below 5-
    assert 0.0 < akashi.probability < 0.02
    assert akashi.status == "open"
    closed = sum(
        crossing_closures(OSAKA_2018, CROSSINGS, random.Random(s))[0].status == "closed"
        for s in range(400)
    )
    assert closed <= 20  # ≈ 1 % of seeds, as its probability says


def test_hospitals_damaged_by_intensity() -> None:
    outcomes = {o.id: o for o in hospital_damage(KOBE_1995, HOSPITALS, random.Random(3))}
    certain = [o for o in outcomes.values() if o.intensity >= 6.0]
    assert {o.id for o in certain} >= {"28-kobe-daigaku", "28-hyogo-saigai-iryo-center"}
    assert all(o.status == "damaged" and o.probability == 1.0 for o in certain)
    tottori = [o for o in outcomes.values() if o.id.startswith("31-")]
    assert tottori
    assert all(o.status == "operational" and o.probability < 1e-6 for o in tottori)
    # between the certain belt and far away, a hospital is damaged as often as its probability
    nishinomiya = outcomes["28-nishinomiya-kenritsu"]
    assert 0.3 < nishinomiya.probability < 0.6
    site = next(h for h in HOSPITALS if h.id == nishinomiya.id)
    hits = sum(
        hospital_damage(KOBE_1995, [site], random.Random(s))[0].status == "damaged"
        for s in range(400)
    )
    assert abs(hits / 400 - nishinomiya.probability) < 0.08


def test_areas_close_and_restrict_by_intensity() -> None:
    outcomes = {o.code: o for o in area_closures(KOBE_1995, AREAS, random.Random(2))}
    assert outcomes["28110"].status == "closed"  # 中央区: 6+ by median
    assert outcomes["31201"].status == "open"  # 鳥取市
    for o in outcomes.values():
        assert o.p_closed <= o.p_restricted
        if o.intensity >= AREA_ROADS_BLOCKED.instrumental_min:
            assert o.status == "closed"
        elif o.intensity >= AREA_TRAFFIC_CONTROL.instrumental_min:
            assert o.status in {"closed", "restricted"}
    with pytest.raises(ValueError, match="closure threshold"):
        area_closures(
            KOBE_1995,
            AREAS,
            random.Random(0),
            closed=replace(AREA_ROADS_BLOCKED, instrumental_min=5.0),
        )


def test_noto_closes_guest_areas_not_kansai() -> None:
    event = load_scenario("noto-2024").event
    guests = load_guests()
    guest_points = [guest_area(g, guests) for g in guests if g.pref_code == "17"]
    result = assess_damage(
        event, rng=random.Random(1), crossings=CROSSINGS, hospitals=HOSPITALS, areas=AREAS
    )
    assert result.closed_crossings == result.damaged_hospitals == ()
    assert result.closed_areas == result.restricted_areas == ()
    assert max(o.intensity for o in result.areas) < 4.5
    noto = area_closures(event, guest_points, random.Random(1))
    assert {o.code: o.status for o in noto}["17204"] == "closed"  # 輪島 6+ by median


def test_damage_is_deterministic_in_a_fixed_order() -> None:
    event = load_scenario("nankai-trough").event

    def run(seed: int, hospitals: tuple[Site, ...] = HOSPITALS) -> damage.Damage:
        return assess_damage(
            event, rng=random.Random(seed), crossings=CROSSINGS, hospitals=hospitals, areas=AREAS
        )

    assert run(7) == run(7)
    assert run(7).hospitals != run(8).hospitals  # some hospitals are in between
    # shuffled input, same draws: assets are sorted before drawing
    shuffled = tuple(random.Random(0).sample(HOSPITALS, len(HOSPITALS)))
    assert run(7, shuffled) == run(7)
    # crossings are drawn first, so the hospitals given do not change them
    assert run(7, ()).crossings == run(7).crossings
    assert run(7).closed_crossings == ("akashi-kaikyo", "onaruto")


def test_an_event_far_away_breaks_nothing() -> None:
    far = Event(lat=43.0, lon=144.0, depth_km=30.0, mw=7.0)
    result = assess_damage(
        far, rng=random.Random(0), crossings=CROSSINGS, hospitals=HOSPITALS, areas=AREAS
    )
    assert not (result.closed_crossings or result.damaged_hospitals or result.closed_areas)
    assert all(o.status == "open" for o in result.crossings)
