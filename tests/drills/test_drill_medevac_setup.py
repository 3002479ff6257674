"""A drill's medevac setting: hospitals damaged by intensity or by name, scenario weather holds."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest

from tests.app_support import SEED_DIR
from ukg_aid.drills.medevac_setup import hospital_changes, weather_holds
from ukg_aid.helicopters.schemas import BaseRead, HelicopterRead
from ukg_aid.hospitals.schemas import HospitalRead
from ukg_aid.quake.scenarios import load_scenario, scenario_from_dict


def _hospitals() -> list[HospitalRead]:
    with (SEED_DIR / "hospitals.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        HospitalRead(
            id=i,
            key=r["key"],
            name=r["name_en"],
            name_ja=r["name_ja"],
            member_code=r["member_code"],
            kind=r["kind"],
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            position_estimated=r["position_estimated"] == "true",
            coord_confidence=r["coord_confidence"],
            heliport=r["heliport"],
            heliport_source=r["heliport_source"] or None,
            source=r["source"],
            status="operational",
            updated_at=datetime(1995, 1, 17, tzinfo=UTC),
        )
        for i, r in enumerate(rows, start=1)
    ]


def test_kobe_shaking_damages_the_kobe_hospitals_and_nothing_far_away() -> None:
    scenario = load_scenario("hyogo-nanbu-1995")
    changes = hospital_changes(scenario, _hospitals(), seed=1, by_intensity=True)
    keys = {c.key for c in changes}
    assert {"28-kobe-chuo-shimin", "28-hyogo-saigai-iryo-center"} <= keys
    assert not any(k.startswith(("31-", "36-", "29-")) for k in keys)
    assert all(c.why.startswith("intensity ") and float(c.why.split()[1]) > 5.0 for c in changes)
    again = hospital_changes(scenario, _hospitals(), seed=1, by_intensity=True)
    assert again == changes  # same seed, same draws


def test_named_hospitals_only_when_the_shaking_rule_is_off() -> None:
    scenario = load_scenario("hyogo-nanbu-1995")
    named = ("28-kobe-chuo-shimin", "28-hyogo-saigai-iryo-center")
    changes = hospital_changes(scenario, _hospitals(), seed=1, by_intensity=False, named=named)
    assert [(c.key, c.status, c.why) for c in changes] == [
        ("28-hyogo-saigai-iryo-center", "damaged", "named"),
        ("28-kobe-chuo-shimin", "damaged", "named"),
    ]
    with pytest.raises(ValueError, match="no-such"):
        hospital_changes(scenario, _hospitals(), seed=1, by_intensity=False, named=["no-such"])


def _heli(heli_id: int, callsign: str) -> HelicopterRead:
    return HelicopterRead(
        id=heli_id,
        callsign=callsign,
        member_code="28",
        visiting_from=None,
        left_at=None,
        base=BaseRead(name="b", name_ja=None, lat=35.5, lon=134.8),
        aircraft_type="EC135",
        status="available",
        cruise_kmh=220,
        range_km=635,
        daylight_start="08:30",
        daylight_fixed_end=None,
        mission_id=None,
        updated_at=datetime(1995, 1, 17, tzinfo=UTC),
    )


def test_the_tajima_hold_covers_the_toyooka_base_for_ten_hours() -> None:
    scenario = load_scenario("hyogo-nanbu-1995")
    (hold,) = weather_holds(scenario, [_heli(2, "KANSAI-KOUNOTORI")])
    assert hold.body["from"] == "1995-01-17T05:46:00+09:00"
    assert hold.body["until"] == "1995-01-17T15:46:00+09:00"
    lons = [p[0] for p in hold.body["area"]["coordinates"][0]]
    lats = [p[1] for p in hold.body["area"]["coordinates"][0]]
    assert min(lons) < 134.815 < max(lons) and min(lats) < 35.548 < max(lats)  # Toyooka base
    assert "ASSUMPTION" in hold.body["note"]


def test_a_base_hold_names_its_aircraft_by_callsign_and_bad_holds_are_refused() -> None:
    data = {
        "name": "x",
        "title": "x",
        "start_time": "2026-01-01T09:00:00+09:00",
        "event": {"lat": 34.6, "lon": 135.0, "depth_km": 10, "mj": 6.0},
        "weather_holds": [
            {
                "base_callsign": "KANSAI-KOUNOTORI",
                "from_hours": 1,
                "until_hours": 3,
                "reason": "fog",
            }
        ],
    }
    (hold,) = weather_holds(scenario_from_dict(data), [_heli(7, "KANSAI-KOUNOTORI")])
    assert hold.body["base_helicopter_id"] == 7 and "area" not in hold.body
    bad = dict(data, weather_holds=[{"from_hours": 1, "until_hours": 3, "reason": "fog"}])
    with pytest.raises(ValueError, match="exactly one"):
        scenario_from_dict(bad)
    backwards = dict(
        data,
        weather_holds=[{"base_callsign": "A", "from_hours": 3, "until_hours": 1, "reason": "x"}],
    )
    with pytest.raises(ValueError, match="end after"):
        scenario_from_dict(backwards)
