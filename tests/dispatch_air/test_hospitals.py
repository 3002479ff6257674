"""Receiving hospitals with status and heliport (SPEC §12): choice, named ones, refusals."""

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.dispatch_air.heli_fixtures import base_hospitals, make_aircraft
from tests.dispatch_air.instances import (
    HANDAI,
    HIMEJI,
    HIMEJI_IRYO,
    HIMEJI_SEKIJUJI,
    KAKOGAWA,
    KMU_HIRAKATA,
    MORNING,
    TOYOOKA,
    mission,
    reference_hospitals,
    tajima_fog,
)
from ukg_aid.dispatch_air import (
    ON_SITE_PREFERENCE_KM,
    AircraftStatus,
    Assignment,
    Feasible,
    Heliport,
    Hospital,
    HospitalRefusal,
    HospitalStatus,
    Refusal,
    RefusalReason,
    assign_batch,
    assign_one,
    check,
    choose_hospital,
    receivable,
    receiving_hospital,
)
from ukg_aid.geo import Point, distance_km

HIMEJI_AREA = [HIMEJI_IRYO, HIMEJI_SEKIJUJI, KAKOGAWA]


def _status(h: Hospital, status: HospitalStatus) -> Hospital:
    return dataclasses.replace(h, status=status)


def test_default_is_the_nearest_operational_hospital_with_a_heliport() -> None:
    scene = Point(*HIMEJI)
    # 姫路医療センター sits at the same point as 姫路赤十字病院 but its heliport is unknown.
    assert choose_hospital(scene, HIMEJI_AREA, MORNING) == HIMEJI_SEKIJUJI
    for status in (HospitalStatus.damaged, HospitalStatus.full):
        hospitals = [HIMEJI_IRYO, _status(HIMEJI_SEKIJUJI, status), KAKOGAWA]
        assert choose_hospital(scene, hospitals, MORNING) == KAKOGAWA
    assert distance_km(scene, HIMEJI_IRYO.point) < distance_km(scene, KAKOGAWA.point)


def test_unknown_and_no_heliport_are_never_a_default() -> None:
    scene = Point(*HIMEJI)
    none_pad = dataclasses.replace(HIMEJI_SEKIJUJI, heliport=Heliport.none)
    assert choose_hospital(scene, [HIMEJI_IRYO, none_pad], MORNING) is None
    refused = receiving_hospital(mission(1, HIMEJI), [HIMEJI_IRYO, none_pad], MORNING)
    assert isinstance(refused, HospitalRefusal)
    assert refused.reason is RefusalReason.no_hospital
    assert "heliport none 1" in refused.detail
    assert "heliport unknown 1" in refused.detail


def test_on_site_is_preferred_to_a_nearer_off_site_pad_within_the_tolerance() -> None:
    hospitals = [KMU_HIRAKATA, HANDAI]  # 関西医大: pad on the riverbank; 阪大: rooftop
    close_call = Point(34.817, 135.605)
    clear_win = Point(34.817, 135.625)
    for scene, margin_ok in ((close_call, True), (clear_win, False)):
        extra = distance_km(scene, HANDAI.point) - distance_km(scene, KMU_HIRAKATA.point)
        assert extra > 0
        assert (extra <= ON_SITE_PREFERENCE_KM) is margin_ok
    assert choose_hospital(close_call, hospitals, MORNING) == HANDAI
    assert choose_hospital(clear_win, hospitals, MORNING) == KMU_HIRAKATA
    assert choose_hospital(close_call, hospitals, MORNING, on_site_preference_km=0) == KMU_HIRAKATA


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": HospitalStatus.damaged}, RefusalReason.hospital_damaged),
        ({"status": HospitalStatus.full}, RefusalReason.hospital_full),
        ({"heliport": Heliport.none}, RefusalReason.no_heliport),
    ],
)
def test_a_named_hospital_that_cannot_receive_is_refused_with_a_reason(
    change: dict[str, object], reason: RefusalReason
) -> None:
    named = dataclasses.replace(KAKOGAWA, **change)  # type: ignore[arg-type]
    job = mission(1, HIMEJI, hospital=named)
    fleet = [make_aircraft("hyogo_harima"), make_aircraft("osaka")]
    single = assign_one(fleet, job, MORNING, HIMEJI_AREA)
    assert isinstance(single, Refusal)
    assert (single.reason, single.aircraft_id, single.blocked) == (reason, None, ())
    assert KAKOGAWA.name in single.detail
    pair = check(fleet[0], job, MORNING, HIMEJI_AREA)
    assert isinstance(pair, Refusal)
    assert (pair.reason, pair.aircraft_id) == (reason, fleet[0].id)
    batch = assign_batch(fleet, [job], MORNING, HIMEJI_AREA)
    assert batch.assignments == ()
    assert [r.reason for r in batch.refusals] == [reason]


def test_a_named_hospital_is_flown_to_even_when_farther_or_its_heliport_unknown() -> None:
    harima = make_aircraft("hyogo_harima")
    for named in (KAKOGAWA, HIMEJI_IRYO, HANDAI):
        outcome = check(harima, mission(1, HIMEJI, hospital=named), MORNING, HIMEJI_AREA)
        assert isinstance(outcome, Feasible)
        assert outcome.sortie.hospital == named


def test_no_operational_hospital_refuses_the_mission_whatever_the_aircraft() -> None:
    closed = [_status(h, HospitalStatus.damaged) for h in base_hospitals()]
    closed[0] = _status(closed[0], HospitalStatus.full)
    fleet = [make_aircraft("hyogo_harima"), make_aircraft("osaka", AircraftStatus.on_mission)]
    result = assign_one(fleet, mission(1, HIMEJI), MORNING, closed)
    assert isinstance(result, Refusal)
    assert result.reason is RefusalReason.no_hospital
    assert "(8: damaged 7, full 1)" in result.detail
    batch = assign_batch(fleet, [mission(1, HIMEJI)], MORNING, closed)
    assert [r.reason for r in batch.refusals] == [RefusalReason.no_hospital]


def test_a_hospital_under_an_active_area_hold_is_passed_over() -> None:
    scene = Point(35.45, 134.80)  # in Tajima, near 公立豊岡病院
    hospitals = [TOYOOKA, KAKOGAWA]
    assert choose_hospital(scene, hospitals, MORNING) == TOYOOKA
    fog = tajima_fog()
    assert not receivable(TOYOOKA, MORNING, [fog])
    assert choose_hospital(scene, hospitals, MORNING, [fog]) == KAKOGAWA
    hour = dt.timedelta(hours=1)
    later = tajima_fog(start=MORNING + hour, until=MORNING + 2 * hour)
    assert choose_hospital(scene, hospitals, MORNING, [later]) == TOYOOKA


def test_the_sortie_and_its_range_use_the_chosen_hospital() -> None:
    harima = dataclasses.replace(make_aircraft("hyogo_harima"), range_km=60.0)
    ok = check(harima, mission(1, HIMEJI), MORNING, HIMEJI_AREA)
    assert isinstance(ok, Feasible)
    assert ok.sortie.hospital == HIMEJI_SEKIJUJI
    # Kakogawa → Himeji scene ≈ 18 km, back to 姫路赤十字 ≈ 3 km, home ≈ 18 km: within 60 km.
    assert ok.sortie.total_km < 60
    far = [_status(HIMEJI_SEKIJUJI, HospitalStatus.full), HANDAI]
    refused = check(harima, mission(1, HIMEJI), MORNING, far)
    assert isinstance(refused, Refusal)
    assert refused.reason is RefusalReason.range
    assert HANDAI.name in refused.detail


def test_single_assignment_records_the_chosen_hospital() -> None:
    fleet = [make_aircraft(name) for name in ("hyogo_harima", "osaka", "toyooka")]
    result = assign_one(fleet, mission(1, HIMEJI), MORNING, [*HIMEJI_AREA, HANDAI, TOYOOKA])
    assert isinstance(result, Assignment)
    assert result.sortie.hospital == HIMEJI_SEKIJUJI


REFERENCE = reference_hospitals()


@settings(max_examples=60, deadline=None)
@given(
    lat=st.floats(33.6, 35.7),
    lon=st.floats(133.3, 136.3),
    statuses=st.lists(st.sampled_from(list(HospitalStatus)), min_size=len(REFERENCE)),
)
def test_choice_over_the_reference_list_follows_the_rule(
    lat: float, lon: float, statuses: list[HospitalStatus]
) -> None:
    hospitals = [_status(h, s) for h, s in zip(REFERENCE, statuses, strict=False)]
    scene = Point(lat, lon)
    chosen = choose_hospital(scene, hospitals, MORNING)
    usable = [h for h in hospitals if receivable(h, MORNING)]
    if not usable:
        assert chosen is None
        return
    assert chosen is not None
    assert chosen.status is HospitalStatus.operational
    assert chosen.heliport in (Heliport.on_site, Heliport.nearby)
    nearest = min(distance_km(scene, h.point) for h in usable)
    on_site = [distance_km(scene, h.point) for h in usable if h.heliport is Heliport.on_site]
    if chosen.heliport is Heliport.nearby:
        assert distance_km(scene, chosen.point) == nearest
        assert all(d > nearest + ON_SITE_PREFERENCE_KM for d in on_site)
    else:
        assert distance_km(scene, chosen.point) == min(on_site)
        assert distance_km(scene, chosen.point) <= nearest + ON_SITE_PREFERENCE_KM
