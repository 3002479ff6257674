import dataclasses
import datetime as dt

from tests.dispatch_air.heli_fixtures import MEMBER_PARENT, make_aircraft
from ukg_aid.dispatch_air import (
    JST,
    Aircraft,
    AircraftStatus,
    Assignment,
    Feasible,
    Hospital,
    HospitalStatus,
    Mission,
    Preference,
    Refusal,
    RefusalReason,
    Severity,
    assign_one,
    check,
)
from ukg_aid.geo import haversine_km

WINTER_AFTERNOON = dt.datetime(2026, 12, 21, 16, 20, tzinfo=JST)
WINTER_MORNING = dt.datetime(2026, 12, 21, 9, 0, tzinfo=JST)

# A scene in southern Osaka (Kawachinagano area), member Osaka City.
# Hand distances: Nara base (34.385, 135.800) about 25 km, Wakayama about 39 km, Osaka 44.5 km.
SCENE = (34.410, 135.526)


def _mission(member: str = "27100", lat: float = SCENE[0], lon: float = SCENE[1]) -> Mission:
    return Mission(
        id=10,
        member_code=member,
        scene_lat=lat,
        scene_lon=lon,
        severity=Severity.red,
        patients=1,
        reported_at=WINTER_AFTERNOON,
    )


def _with_status(fleet: list[Aircraft], **status: AircraftStatus) -> list[Aircraft]:
    return [dataclasses.replace(a, status=status.get(a.base_name, a.status)) for a in fleet]


def test_winter_afternoon_sortie_ending_after_sunset_is_refused_for_daylight(
    fleet: list[Aircraft], hospitals: list[Hospital]
) -> None:
    # Nara is fastest: 5 + 25.2 km/220*60 = 11.9 min to scene, +15 on scene, +6.9 to the Nara
    # hospital = back about 16:53, after Nara's sunset (about 16:50).
    result = assign_one(fleet, _mission(), WINTER_AFTERNOON, hospitals)
    assert isinstance(result, Refusal)
    assert result.reason is RefusalReason.daylight
    assert "NARA" in result.detail
    assert {r.aircraft_id for r in result.blocked} == {a.id for a in fleet}


def test_same_mission_in_the_morning_goes_to_the_fastest_aircraft(
    fleet: list[Aircraft], hospitals: list[Hospital]
) -> None:
    result = assign_one(fleet, _mission(), WINTER_MORNING, hospitals)
    assert isinstance(result, Assignment)
    assert result.aircraft_id == make_aircraft("nara").id
    fastest = min(fleet, key=lambda a: haversine_km(a.base_lat, a.base_lon, SCENE[0], SCENE[1]))
    assert result.aircraft_id == fastest.id
    assert result.sortie.on_scene_at < result.sortie.at_hospital_at <= result.sortie.back_at_base_at


def test_busy_and_grounded_aircraft_are_skipped(
    fleet: list[Aircraft], hospitals: list[Hospital]
) -> None:
    fleet = _with_status(fleet, nara=AircraftStatus.on_mission, osaka=AircraftStatus.maintenance)
    result = assign_one(fleet, _mission(), WINTER_MORNING, hospitals)
    assert isinstance(result, Assignment)
    assert result.aircraft_id == make_aircraft("wakayama").id  # next nearest, about 39 km


def test_no_available_aircraft_is_refused_no_helicopter(
    fleet: list[Aircraft], hospitals: list[Hospital]
) -> None:
    grounded = [dataclasses.replace(a, status=AircraftStatus.off_duty) for a in fleet]
    for planes in (grounded, []):
        result = assign_one(planes, _mission(), WINTER_MORNING, hospitals)
        assert isinstance(result, Refusal)
        assert result.reason is RefusalReason.no_helicopter
    check_one = check(grounded[0], _mission(), WINTER_MORNING, hospitals)
    assert isinstance(check_one, Refusal)
    assert check_one.reason is RefusalReason.not_available


def test_border_crossing_geography_first_versus_own_first(
    fleet: list[Aircraft], hospitals: list[Hospital]
) -> None:
    mission = _mission(member="27100")  # Osaka City: its own aircraft are Osaka Prefecture's
    geo = assign_one(fleet, mission, WINTER_MORNING, hospitals, Preference.geography_first)
    own = assign_one(
        fleet, mission, WINTER_MORNING, hospitals, Preference.own_first, member_parent=MEMBER_PARENT
    )
    assert isinstance(geo, Assignment)
    assert isinstance(own, Assignment)
    assert geo.aircraft_id == make_aircraft("nara").id  # across the Osaka-Nara border
    assert own.aircraft_id == make_aircraft("osaka").id
    assert own.reason.startswith("own aircraft first")


def test_own_first_falls_back_to_nearest_when_own_aircraft_cannot_fly(
    fleet: list[Aircraft], hospitals: list[Hospital]
) -> None:
    fleet = _with_status(fleet, osaka=AircraftStatus.maintenance)
    result = assign_one(
        fleet,
        _mission(),
        WINTER_MORNING,
        hospitals,
        Preference.own_first,
        member_parent=MEMBER_PARENT,
    )
    assert isinstance(result, Assignment)
    assert result.aircraft_id == make_aircraft("nara").id


def test_range_refusal_names_the_distance(hospitals: list[Hospital]) -> None:
    short_legged = dataclasses.replace(make_aircraft("nara"), range_km=40.0)
    result = check(short_legged, _mission(), WINTER_MORNING, hospitals)
    assert isinstance(result, Refusal)
    assert result.reason is RefusalReason.range
    assert "range 40 km" in result.detail
    assert isinstance(check(make_aircraft("nara"), _mission(), WINTER_MORNING, hospitals), Feasible)


def test_mission_time_outside_window(hospitals: list[Hospital]) -> None:
    nara = make_aircraft("nara")
    for at in (
        dt.datetime(2026, 12, 21, 7, 0, tzinfo=JST),
        dt.datetime(2026, 12, 21, 17, 30, tzinfo=JST),
    ):
        result = check(nara, _mission(), at, hospitals)
        assert isinstance(result, Refusal)
        assert result.reason is RefusalReason.outside_window


def test_no_hospital_unless_the_mission_names_an_operational_one(
    hospitals: list[Hospital],
) -> None:
    damaged = [dataclasses.replace(h, status=HospitalStatus.damaged) for h in hospitals]
    nara = make_aircraft("nara")
    refused = check(nara, _mission(), WINTER_MORNING, damaged)
    assert isinstance(refused, Refusal)
    assert refused.reason is RefusalReason.no_hospital
    elsewhere = Hospital("named outside the list", 34.45, 135.60)
    named = dataclasses.replace(_mission(), hospital=elsewhere)
    flown = check(nara, named, WINTER_MORNING, damaged)
    assert isinstance(flown, Feasible)
    assert flown.sortie.hospital == elsewhere
    named_damaged = dataclasses.replace(_mission(), hospital=damaged[0])
    again = check(nara, named_damaged, WINTER_MORNING, damaged)
    assert isinstance(again, Refusal)
    assert again.reason is RefusalReason.hospital_damaged


def test_named_aircraft(fleet: list[Aircraft], hospitals: list[Hospital]) -> None:
    tokushima = make_aircraft("tokushima").id
    chosen = assign_one(fleet, _mission(), WINTER_MORNING, hospitals, named_aircraft_id=tokushima)
    assert isinstance(chosen, Assignment)
    assert chosen.aircraft_id == tokushima
    late = assign_one(fleet, _mission(), WINTER_AFTERNOON, hospitals, named_aircraft_id=tokushima)
    assert isinstance(late, Refusal)
    assert late.reason is RefusalReason.daylight
    assert late.aircraft_id == tokushima
    unknown = assign_one(fleet, _mission(), WINTER_MORNING, hospitals, named_aircraft_id=99)
    assert isinstance(unknown, Refusal)
    assert unknown.reason is RefusalReason.no_helicopter


def test_utc_and_jst_instants_give_the_same_answer(
    fleet: list[Aircraft], hospitals: list[Hospital]
) -> None:
    utc = WINTER_MORNING.astimezone(dt.UTC)
    a = assign_one(fleet, _mission(), WINTER_MORNING, hospitals)
    b = assign_one(fleet, _mission(), utc, hospitals)
    assert isinstance(a, Assignment)
    assert isinstance(b, Assignment)
    assert (a.aircraft_id, a.sortie.back_at_base_at) == (b.aircraft_id, b.sortie.back_at_base_at)
