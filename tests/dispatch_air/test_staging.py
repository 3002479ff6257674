"""Staging at forward bases (SPEC §12): geometry, range and daylight judged from there."""

import dataclasses
import datetime as dt

import pytest

from tests.dispatch_air.heli_fixtures import BASES, base_hospitals, make_aircraft
from tests.dispatch_air.instances import MORNING, mission
from ukg_aid.dispatch_air import (
    JST,
    Aircraft,
    Assignment,
    Feasible,
    Hospital,
    Refusal,
    RefusalReason,
    Staging,
    assign_batch,
    assign_one,
    check,
    coverage,
    daylight_window,
    staged,
    sunset_at,
    validate_batch,
)
from ukg_aid.geo import Point, haversine_km

HOUR = dt.timedelta(hours=1)
YABU = (35.45, 134.75)  # a scene in Tajima, about 12 km from the Toyooka base


def _forward(base: str, start: dt.datetime, until: dt.datetime) -> Staging:
    """A staging at another Doctor-Heli base's point (heli_bases.csv) as the forward base."""
    _, _, _, lat, lon = BASES[base]
    return Staging(name=f"{base} (forward)", lat=lat, lon=lon, start=start, until=until)


def _staged_at(name: str, base: str, start: dt.datetime, until: dt.datetime) -> Aircraft:
    return dataclasses.replace(make_aircraft(name), stagings=(_forward(base, start, until),))


def _sortie_of(outcome: Feasible | Refusal | Assignment) -> Feasible:
    assert isinstance(outcome, Feasible), outcome
    return outcome


def test_a_staged_sortie_starts_and_ends_at_the_staging_point() -> None:
    osaka = _staged_at("osaka", "toyooka", MORNING - HOUR, MORNING + 2 * HOUR)
    forward = Point(BASES["toyooka"][3], BASES["toyooka"][4])
    sortie = _sortie_of(check(osaka, mission(1, YABU), MORNING, base_hospitals())).sortie
    assert (sortie.base_name, sortie.base) == ("toyooka (forward)", forward)
    km = haversine_km(forward.lat, forward.lon, *YABU)
    assert sortie.time_to_scene_min == pytest.approx(5 + km / 220 * 60)
    assert sortie.hospital.name == "toyooka"  # the base hospital nearest the scene
    assert sortie.total_km == pytest.approx(2 * km)  # the hospital is at the staging point
    home = _sortie_of(check(make_aircraft("osaka"), mission(1, YABU), MORNING, base_hospitals()))
    assert home.sortie.base_name == "osaka"
    assert home.sortie.time_to_scene_min > sortie.time_to_scene_min + 20  # 32.3 vs 8.4 min


def test_the_period_decides_by_assignment_time_and_the_sortie_returns_to_staging() -> None:
    until = MORNING + HOUR
    osaka = _staged_at("osaka", "toyooka", MORNING - HOUR, until)
    just_before = until - dt.timedelta(minutes=1)
    late = _sortie_of(check(osaka, mission(1, YABU), just_before, base_hospitals())).sortie
    assert late.back_at_base_at > until
    assert late.base_name == "toyooka (forward)"
    after = _sortie_of(check(osaka, mission(1, YABU), until, base_hospitals())).sortie
    assert after.base_name == "osaka"
    assert staged(osaka, until).base_lat == make_aircraft("osaka").base_lat
    assert staged(osaka, MORNING - HOUR).base_name == "toyooka (forward)"


def test_daylight_is_judged_at_the_staging_point() -> None:
    day = dt.date(2026, 6, 21)
    nara_home = make_aircraft("nara")
    nara = _staged_at(
        "nara",
        "tottori",
        dt.datetime(2026, 6, 21, 8, 0, tzinfo=JST),
        dt.datetime(2026, 6, 21, 20, 0, tzinfo=JST),
    )
    yonago = sunset_at(BASES["tottori"][3], BASES["tottori"][4], day)
    nara_sunset = sunset_at(BASES["nara"][3], BASES["nara"][4], day)
    assert yonago - nara_sunset > dt.timedelta(minutes=10)  # Yonago is 2.5 degrees further west
    at_19 = dt.datetime(2026, 6, 21, 19, 0, tzinfo=JST)
    assert daylight_window(staged(nara, at_19), day)[1] == yonago
    hospital = [Hospital("tottori", BASES["tottori"][3], BASES["tottori"][4])]
    scene = (35.43, 133.35)  # next to the Yonago base: a 20-minute sortie
    _sortie_of(check(nara, mission(1, scene), at_19, hospital))
    home = check(nara_home, mission(1, scene), at_19, hospital)
    assert isinstance(home, Refusal)
    assert home.reason is RefusalReason.daylight
    at_1915 = at_19 + dt.timedelta(minutes=15)  # after Nara's sunset, before Yonago's
    assert nara_sunset < at_1915 < yonago
    staged_late = check(nara, mission(1, scene), at_1915, hospital)
    assert isinstance(staged_late, Refusal)
    assert staged_late.reason is RefusalReason.daylight  # back at 19:35, after Yonago's sunset
    home_late = check(nara_home, mission(1, scene), at_1915, hospital)
    assert isinstance(home_late, Refusal)
    assert home_late.reason is RefusalReason.outside_window


def test_range_is_judged_from_the_staging_point() -> None:
    short = dataclasses.replace(make_aircraft("tottori"), range_km=150.0)
    staged_short = dataclasses.replace(
        short, stagings=(_forward("tokushima", MORNING - HOUR, MORNING + HOUR),)
    )
    scene = (34.10, 134.50)
    home = check(short, mission(1, scene), MORNING, base_hospitals())
    assert isinstance(home, Refusal)
    assert home.reason is RefusalReason.range
    sortie = _sortie_of(check(staged_short, mission(1, scene), MORNING, base_hospitals())).sortie
    assert sortie.total_km < 20


def test_assignment_batch_and_coverage_fly_from_the_staging_point() -> None:
    osaka = _staged_at("osaka", "toyooka", MORNING - HOUR, MORNING + 2 * HOUR)
    fleet = [osaka, make_aircraft("hyogo_harima"), make_aircraft("kyoshiga")]
    single = assign_one(fleet, mission(1, YABU), MORNING, base_hospitals())
    assert isinstance(single, Assignment)
    assert single.aircraft_id == osaka.id
    missions = [mission(1, YABU), mission(2, (34.80, 134.90))]
    batch = assign_batch(fleet, missions, MORNING, base_hospitals())
    assert validate_batch(batch.assignments, fleet, missions, MORNING, base_hospitals()) == []
    assert {(x.mission_id, x.aircraft_id) for x in batch.assignments} == {
        (1, osaka.id),
        (2, make_aircraft("hyogo_harima").id),
    }
    toyooka_office = {"toyooka": (35.5442, 134.8200)}
    [row] = coverage(fleet, toyooka_office, MORNING)
    assert row.helicopter_id == osaka.id
    assert row.flight_minutes is not None
    assert row.flight_minutes < 6


def test_overlapping_or_naive_stagings_are_rejected() -> None:
    first = _forward("toyooka", MORNING, MORNING + 2 * HOUR)
    second = _forward("tottori", MORNING + HOUR, MORNING + 3 * HOUR)
    with pytest.raises(ValueError, match="overlap"):
        dataclasses.replace(make_aircraft("osaka"), stagings=(second, first))
    with pytest.raises(ValueError, match="timezone-aware"):
        Staging(name="x", lat=35.0, lon=135.0, start=MORNING.replace(tzinfo=None), until=MORNING)
    with pytest.raises(ValueError, match="until must be after start"):
        Staging(name="x", lat=35.0, lon=135.0, start=MORNING, until=MORNING)
    back_to_back = _forward("tottori", MORNING + 2 * HOUR, MORNING + 3 * HOUR)
    plane = dataclasses.replace(make_aircraft("osaka"), stagings=(first, back_to_back))
    assert staged(plane, MORNING + 2 * HOUR).base_name == "tottori (forward)"
