import datetime as dt

import pytest

from tests.dispatch_air.heli_fixtures import make_aircraft
from ukg_aid.dispatch_air import JST, Hospital, Mission, Severity, plan_sortie
from ukg_aid.geo import Point

AT = dt.datetime(2026, 12, 21, 10, 0, tzinfo=JST)


def _mission(lat: float, lon: float, hospital: Hospital | None = None) -> Mission:
    return Mission(
        id=1,
        member_code="27",
        scene_lat=lat,
        scene_lon=lon,
        severity=Severity.red,
        patients=1,
        reported_at=AT,
        hospital=hospital,
    )


def test_sortie_timeline_matches_hand_computation() -> None:
    # Osaka base (34.810, 135.526); scene 0.2 degrees due south on the same meridian.
    # distance = 0.2 * pi/180 * 6371.0 = 22.2390 km; flight = 22.2390 / 220 * 60 = 6.0652 min.
    # time to scene = 5 (lift-off) + 6.0652 = 11.0652 min.
    # Receiving hospital = the base hospital: scene -> hospital 22.2390 km, hospital -> base 0.
    # 10:00 assigned, 10:05 lift-off, 10:11:03.9 on scene, 10:26:03.9 leaves,
    # 10:32:07.8 at hospital = back at base; total 44.478 km.
    osaka = make_aircraft("osaka")
    base_hospital = Hospital("osaka", 34.810, 135.526)
    sortie = plan_sortie(osaka, _mission(34.610, 135.526), base_hospital, AT)
    assert sortie.depart_at == AT + dt.timedelta(minutes=5)
    assert sortie.time_to_scene_min == pytest.approx(11.0652, abs=1e-3)
    assert sortie.on_scene_at == pytest.approx(
        AT + dt.timedelta(minutes=11.0652), abs=dt.timedelta(seconds=0.1)
    )
    assert sortie.leave_scene_at - sortie.on_scene_at == dt.timedelta(minutes=15)
    assert sortie.at_hospital_at == pytest.approx(
        AT + dt.timedelta(minutes=32.1304), abs=dt.timedelta(seconds=0.1)
    )
    assert sortie.back_at_base_at == sortie.at_hospital_at
    assert sortie.total_km == pytest.approx(44.478, abs=1e-2)
    assert (sortie.base_name, sortie.base, sortie.scene) == (
        "osaka",
        Point(34.810, 135.526),
        Point(34.610, 135.526),
    )


def test_mission_rejects_bad_patient_count_and_naive_time() -> None:
    with pytest.raises(ValueError, match="patients"):
        Mission(
            id=1,
            member_code="27",
            scene_lat=34.7,
            scene_lon=135.5,
            severity=Severity.red,
            patients=3,
            reported_at=AT,
        )
    with pytest.raises(ValueError, match="timezone-aware"):
        Mission(
            id=1,
            member_code="27",
            scene_lat=34.7,
            scene_lon=135.5,
            severity=Severity.red,
            patients=1,
            reported_at=dt.datetime(2026, 1, 1, 9, 0),
        )
