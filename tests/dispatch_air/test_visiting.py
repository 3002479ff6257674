"""Visiting aircraft (SPEC §12): their own performance, no home member, never "own"."""

import dataclasses
import datetime as dt

import pytest

from tests.dispatch_air.heli_fixtures import MEMBER_PARENT, base_hospitals, make_aircraft
from tests.dispatch_air.instances import HIMEJI, MORNING, mission
from ukg_aid.dispatch_air import (
    JST,
    Aircraft,
    AircraftStatus,
    Assignment,
    Preference,
    Refusal,
    RefusalReason,
    assign_batch,
    assign_one,
    check,
    coverage,
    flies_for,
)
from ukg_aid.geo import haversine_km

# A visiting aircraft from outside the union, stationed for the incident at a point west of
# Himeji. Its performance figures are test values, not any real aircraft's.
VISITOR = Aircraft(
    id=50,
    callsign="VISITOR-1",
    member_code=None,
    base_name="visiting, Himeji west",
    base_lat=34.83,
    base_lon=134.60,
    status=AircraftStatus.available,
    cruise_kmh=250.0,
    range_km=200.0,
    fixed_end=dt.time(16, 30),
)
PREFS = {"28": Preference.own_first}
HOSP = base_hospitals()


def test_the_model_admits_a_visiting_aircraft_with_its_own_performance() -> None:
    assert VISITOR.visiting
    assert not make_aircraft("hyogo_harima").visiting
    outcome = assign_one([VISITOR, make_aircraft("osaka")], mission(1, HIMEJI), MORNING, [])
    # no hospitals given: refused for the hospital, not for the aircraft
    assert isinstance(outcome, Refusal)
    assert outcome.reason is RefusalReason.no_hospital
    flown = assign_one([VISITOR, make_aircraft("osaka")], mission(1, HIMEJI), MORNING, HOSP)
    assert isinstance(flown, Assignment)
    assert flown.aircraft_id == VISITOR.id
    km = haversine_km(VISITOR.base_lat, VISITOR.base_lon, *HIMEJI)
    assert flown.sortie.time_to_scene_min == pytest.approx(5 + km / 250 * 60)


def test_own_first_never_counts_a_visitor_as_own() -> None:
    fleet = [VISITOR, make_aircraft("hyogo_harima")]
    job = mission(1, HIMEJI, member="28")
    own = assign_one(fleet, job, MORNING, HOSP, Preference.own_first, member_parent=MEMBER_PARENT)
    assert isinstance(own, Assignment)
    assert own.aircraft_id == make_aircraft("hyogo_harima").id
    assert own.reason.startswith("own aircraft first")
    grounded = [VISITOR, make_aircraft("hyogo_harima", AircraftStatus.maintenance)]
    fallback = assign_one(
        grounded, job, MORNING, HOSP, Preference.own_first, member_parent=MEMBER_PARENT
    )
    assert isinstance(fallback, Assignment)
    assert fallback.aircraft_id == VISITOR.id
    assert fallback.reason.startswith("fastest capable aircraft")


def test_the_batch_honours_own_first_over_a_nearer_visitor() -> None:
    fleet = [VISITOR, make_aircraft("hyogo_harima")]
    job = [mission(1, HIMEJI, member="28")]
    result = assign_batch(fleet, job, MORNING, HOSP, PREFS, member_parent=MEMBER_PARENT)
    assert [x.aircraft_id for x in result.assignments] == [make_aircraft("hyogo_harima").id]
    assert result.key.own_first_honoured == 1
    alone = assign_batch([VISITOR], job, MORNING, HOSP, PREFS, member_parent=MEMBER_PARENT)
    assert [x.aircraft_id for x in alone.assignments] == [VISITOR.id]
    assert alone.key.own_first_honoured == 0


def test_a_visitor_keeps_its_own_daylight_end_and_range() -> None:
    at = dt.datetime(2026, 6, 15, 16, 20, tzinfo=JST)  # sunset near 19:15, visitor ends 16:30
    job = mission(1, HIMEJI, reported_at=at)
    late = check(VISITOR, job, at, HOSP)
    assert isinstance(late, Refusal)
    assert late.reason is RefusalReason.daylight
    assert "window end 16:30" in late.detail
    union = dataclasses.replace(VISITOR, id=51, member_code="28", fixed_end=None)
    assert not isinstance(check(union, job, at, HOSP), Refusal)
    far = mission(2, (34.30, 135.80))  # southern Nara: the sortie is about 255 km
    refused = check(VISITOR, far, MORNING, HOSP)
    assert isinstance(refused, Refusal)
    assert refused.reason is RefusalReason.range


def test_a_visitor_covers_offices_like_any_aircraft() -> None:
    [row] = coverage([VISITOR, make_aircraft("tottori")], {"himeji": HIMEJI}, MORNING)
    assert row.helicopter_id == VISITOR.id
    assert row.within_30


def test_a_visitor_flies_only_for_the_incident_whose_fleet_it_joined() -> None:
    joined = dataclasses.replace(VISITOR, incident_id=7)
    ours = dataclasses.replace(mission(1, HIMEJI), incident_id=7)
    theirs = dataclasses.replace(mission(2, HIMEJI), incident_id=8)
    assert flies_for(joined, ours)
    assert not flies_for(joined, theirs)
    assert flies_for(make_aircraft("hyogo_harima"), theirs)  # the union's fly for every incident
    refused = check(joined, theirs, MORNING, HOSP)
    assert isinstance(refused, Refusal)
    assert refused.reason is RefusalReason.other_incident
    assert "visiting for incident 7, not 8" in refused.detail
    fleet = [joined, make_aircraft("osaka")]
    flown = assign_one(fleet, ours, MORNING, HOSP)
    assert isinstance(flown, Assignment)
    assert flown.aircraft_id == joined.id
    other = assign_one(fleet, theirs, MORNING, HOSP)
    assert isinstance(other, Assignment)
    assert other.aircraft_id == make_aircraft("osaka").id
    batch = assign_batch(fleet, [ours, theirs], MORNING, HOSP, {}, member_parent=MEMBER_PARENT)
    assert {(a.mission_id, a.aircraft_id) for a in batch.assignments} == {
        (1, joined.id),
        (2, make_aircraft("osaka").id),
    }
