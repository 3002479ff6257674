import dataclasses
import datetime as dt

import pytest

from tests.dispatch_air.heli_fixtures import BASES, make_aircraft
from tests.dispatch_air.instances import tajima_fog
from ukg_aid.dispatch_air import (
    JST,
    Aircraft,
    AircraftStatus,
    CoverageReason,
    CoverageRow,
    WeatherHold,
    coverage,
)
from ukg_aid.dispatch_air.objective import covering

MORNING = dt.datetime(2026, 12, 21, 10, 0, tzinfo=JST)
# Member offices from reference/members.csv.
OFFICES = {
    "27": (34.686389, 135.520000),  # Osaka prefectural office
    "31": (35.503611, 134.238333),  # Tottori prefectural office
    "30": (34.226111, 135.167500),  # Wakayama prefectural office
}


def test_rows_follow_office_order_with_the_fastest_aircraft(fleet: list[Aircraft]) -> None:
    rows = coverage(fleet, OFFICES, MORNING)
    assert [r.member_code for r in rows] == ["27", "31", "30"]
    osaka, tottori, wakayama = rows
    # Osaka office from the Osaka base (34.810, 135.526): dlat 0.123611 deg = 13.745 km,
    # dlon 0.006 deg * 111.195 * cos(34.75 deg) = 0.548 km -> 13.756 km -> 3.75 min + 5 lift-off.
    assert osaka.helicopter_id == make_aircraft("osaka").id
    assert osaka.flight_minutes == pytest.approx(8.75, abs=0.01)
    assert osaka.within_30
    # Tottori city is served from Toyooka, not from the Tottori base at Yonago (about 83 km):
    # dlat 0.0444 deg = 4.93 km, dlon 0.5767 deg * 111.195 * cos(35.53 deg) = 52.18 km
    # -> 52.41 km -> 14.29 min + 5 lift-off = 19.29 min.
    assert tottori.helicopter_id == make_aircraft("toyooka").id
    assert tottori.flight_minutes == pytest.approx(19.29, abs=0.02)
    assert tottori.within_30
    assert wakayama.helicopter_id == make_aircraft("wakayama").id


def test_unavailable_aircraft_do_not_cover(fleet: list[Aircraft]) -> None:
    fleet = [
        a if a.base_name == "osaka" else dataclasses.replace(a, status=AircraftStatus.maintenance)
        for a in fleet
    ]
    rows = coverage(fleet, {"31": OFFICES["31"]}, MORNING)
    # From Osaka, Tottori office is about 140 km: 5 + 140 / 220 * 60 = 43 min, not within 30.
    assert rows[0].helicopter_id == make_aircraft("osaka").id
    assert rows[0].flight_minutes is not None
    assert rows[0].flight_minutes > 30
    assert not rows[0].within_30


def test_after_sunset_nobody_covers(fleet: list[Aircraft]) -> None:
    evening = dt.datetime(2026, 12, 21, 17, 30, tzinfo=JST)
    rows = coverage(fleet, OFFICES, evening)
    assert rows == [
        CoverageRow(code, None, None, False, CoverageReason.night, f"night {len(BASES)}")
        for code in OFFICES
    ]
    assert len(BASES) == len(fleet)


SUMMER_EVENING = dt.datetime(2026, 6, 21, 17, 30, tzinfo=JST)  # after Tottori's 17:15 end
TOYOOKA_OFFICE = {"toyooka": (35.5442, 134.8200)}  # inside the Tajima fog box


def _hold_base(aircraft_id: int, at: dt.datetime) -> WeatherHold:
    hour = dt.timedelta(hours=1)
    return WeatherHold(
        id=aircraft_id,
        start=at - hour,
        until=at + hour,
        reason="fog",
        base_helicopter_id=aircraft_id,
    )


def test_reason_weather_when_every_aircraft_in_daylight_is_held() -> None:
    fleet = [make_aircraft(n) for n in ("toyooka", "tottori", "hyogo_harima")]
    [clear] = coverage(fleet, TOYOOKA_OFFICE, MORNING)
    assert clear.helicopter_id == make_aircraft("toyooka").id
    [row] = coverage(fleet, TOYOOKA_OFFICE, MORNING, [tajima_fog(start=MORNING)])
    assert (row.helicopter_id, row.reason, row.detail) == (
        None,
        CoverageReason.weather,
        "weather 3",
    )


def test_reason_all_busy_none_in_range_and_no_aircraft(fleet: list[Aircraft]) -> None:
    busy = [dataclasses.replace(a, status=AircraftStatus.on_mission) for a in fleet]
    busy[0] = dataclasses.replace(busy[0], status=AircraftStatus.maintenance)
    [row] = coverage(busy, {"27": OFFICES["27"]}, MORNING)
    assert (row.reason, row.detail) == (CoverageReason.all_busy, "all_busy 8")
    short = [dataclasses.replace(a, range_km=20.0) for a in fleet]
    [far] = coverage(short, {"31": OFFICES["31"]}, MORNING)  # Tottori city: > 10 km from all
    assert (far.reason, far.flight_minutes) == (CoverageReason.none_in_range, None)
    [near] = coverage(short, {"27": OFFICES["27"]}, MORNING)  # 13.8 km from the Osaka base
    assert near.reason is CoverageReason.none_in_range
    [empty] = coverage([], {"27": OFFICES["27"]}, MORNING)
    assert empty.reason is CoverageReason.no_aircraft


def test_the_reason_is_the_furthest_check_any_aircraft_reached() -> None:
    tottori, osaka = make_aircraft("tottori"), make_aircraft("osaka")
    office = {"27": OFFICES["27"]}
    held = [_hold_base(osaka.id, SUMMER_EVENING)]
    # Tottori is past its 17:15 end (night); Osaka is in daylight but its base is held.
    [row] = coverage([tottori, osaka], office, SUMMER_EVENING, held)
    assert (row.reason, row.detail) == (CoverageReason.weather, "night 1, weather 1")
    # Add an aircraft clear of weather but on a mission: the reason becomes all_busy.
    nara = make_aircraft("nara", AircraftStatus.on_mission)
    [row] = coverage([tottori, osaka, nara], office, SUMMER_EVENING, held)
    assert (row.reason, row.detail) == (CoverageReason.all_busy, "all_busy 1, night 1, weather 1")
    # At 18:30 Osaka's hold is over (until is exclusive) and it covers again.
    [free] = coverage([tottori, osaka, nara], office, SUMMER_EVENING + dt.timedelta(hours=1), held)
    assert (free.helicopter_id, free.reason) == (osaka.id, None)


def test_the_batch_tie_break_does_not_count_held_aircraft_as_cover() -> None:
    osaka, nara = make_aircraft("osaka"), make_aircraft("nara")
    cover = covering([osaka, nara], {"27": OFFICES["27"]}, MORNING)
    assert cover == {"27": frozenset({osaka.id, nara.id})}
    held = covering([osaka, nara], {"27": OFFICES["27"]}, MORNING, [_hold_base(osaka.id, MORNING)])
    assert held == {"27": frozenset({nara.id})}
