"""Weather holds (SPEC §12): area holds on each leg's path and time, base holds, the batch."""

import dataclasses
import datetime as dt

import pytest
from shapely.geometry import MultiPolygon, Polygon

from tests.dispatch_air.heli_fixtures import base_hospitals, make_aircraft
from tests.dispatch_air.instances import (
    FUKUCHIYAMA,
    HANDAI,
    MORNING,
    SASAYAMA,
    TAJIMA_BOX,
    mission,
    tajima_fog,
)
from ukg_aid.dispatch_air import (
    Feasible,
    Refusal,
    RefusalReason,
    Sortie,
    WeatherHold,
    assign_batch,
    assign_one,
    check,
    sortie_hold,
    validate_batch,
)

SECOND = dt.timedelta(seconds=1)


def _flown(outcome: Feasible | Refusal) -> Sortie:
    assert isinstance(outcome, Feasible), outcome
    return outcome.sortie


def _refused(outcome: Feasible | Refusal) -> Refusal:
    assert isinstance(outcome, Refusal), outcome
    return outcome


def test_a_hold_over_tajima_blocks_a_sortie_crossing_it_but_not_one_beside_it() -> None:
    fog = [tajima_fog()]
    hospitals = base_hospitals()
    tottori, harima = make_aircraft("tottori"), make_aircraft("hyogo_harima")
    # Yonago → Fukuchiyama runs east through Tajima (at 134.35 E it is at about 35.36 N).
    crossing = mission(1, FUKUCHIYAMA)
    _flown(check(tottori, crossing, MORNING, hospitals))  # flies when there is no hold
    refused = _refused(check(tottori, crossing, MORNING, hospitals, fog))
    assert refused.reason is RefusalReason.weather
    assert "base → scene held by weather hold 1 (fog over 但馬, 09:00-14:00)" in refused.detail
    # Kakogawa → Sasayama and on to the Osaka base hospital stay south-east of the box.
    in_utc = tajima_fog(start=MORNING.astimezone(dt.UTC) - dt.timedelta(hours=1))
    utc_detail = _refused(check(tottori, crossing, MORNING, hospitals, [in_utc])).detail
    assert "09:00-14:00" in utc_detail  # shown in Japan time
    beside = _flown(check(harima, mission(2, SASAYAMA), MORNING, hospitals, fog))
    assert beside == _flown(check(harima, mission(2, SASAYAMA), MORNING, hospitals))


def test_the_hold_counts_only_while_the_crossing_leg_is_flown() -> None:
    tottori = make_aircraft("tottori")
    job = mission(1, FUKUCHIYAMA, hospital=HANDAI)  # only base → scene crosses the box
    sortie = _flown(check(tottori, job, MORNING, []))
    after_leg = tajima_fog(start=sortie.on_scene_at + SECOND)
    ended = tajima_fog(start=MORNING - dt.timedelta(hours=2), until=sortie.depart_at)
    just_not = tajima_fog(start=MORNING - dt.timedelta(hours=2), until=sortie.depart_at + SECOND)
    assert sortie_hold(sortie, [after_leg]) is None
    assert sortie_hold(sortie, [ended]) is None
    held = sortie_hold(sortie, [just_not])
    assert held is not None
    assert held.leg == "base → scene"
    _flown(check(tottori, job, MORNING, base_hospitals(), [after_leg, ended]))


def test_a_hold_starting_mid_sortie_blocks_the_return_into_it() -> None:
    toyooka = make_aircraft("toyooka")  # its base is inside the box
    sortie = _flown(check(toyooka, mission(1, SASAYAMA), MORNING, base_hospitals()))
    later = tajima_fog(start=sortie.on_scene_at + SECOND)
    held = sortie_hold(sortie, [later])
    assert held is not None
    assert held.leg == "hospital → base"
    after_return = tajima_fog(start=sortie.back_at_base_at + SECOND)
    assert sortie_hold(sortie, [after_return]) is None


def test_a_base_hold_grounds_that_aircraft_for_its_duration_only() -> None:
    toyooka, osaka = make_aircraft("toyooka"), make_aircraft("osaka")
    job = mission(1, SASAYAMA)
    sortie = _flown(check(toyooka, job, MORNING, base_hospitals()))
    hold = WeatherHold(
        id=7,
        start=MORNING - dt.timedelta(hours=1),
        until=MORNING + dt.timedelta(minutes=30),
        reason="low cloud at Toyooka",
        base_helicopter_id=toyooka.id,
    )
    refused = _refused(check(toyooka, job, MORNING, base_hospitals(), [hold]))
    assert refused.reason is RefusalReason.weather
    assert "base toyooka held by weather hold 7 (low cloud at Toyooka" in refused.detail
    _flown(check(osaka, job, MORNING, base_hospitals(), [hold]))
    # A hold from just after the sortie is back does not touch it; one ending at lift-off time
    # still does (the sortie's time runs from assignment to back at base).
    back = sortie.back_at_base_at
    clear = dataclasses.replace(hold, start=back + SECOND, until=back + dt.timedelta(hours=1))
    assert sortie_hold(sortie, [clear]) is None
    at_lift_off = dataclasses.replace(hold, until=sortie.depart_at)
    assert sortie_hold(sortie, [at_lift_off]) is not None


def test_single_assignment_skips_held_aircraft_and_says_weather_when_all_are() -> None:
    fog = [tajima_fog()]
    fleet = [make_aircraft("tottori"), make_aircraft("toyooka")]
    refused = assign_one(fleet, mission(1, FUKUCHIYAMA), MORNING, base_hospitals(), holds=fog)
    assert isinstance(refused, Refusal)
    assert refused.reason is RefusalReason.weather
    assert {r.reason for r in refused.blocked} == {RefusalReason.weather}
    fleet.append(make_aircraft("hyogo_harima"))
    flown = assign_one(fleet, mission(1, FUKUCHIYAMA), MORNING, base_hospitals(), holds=fog)
    assert not isinstance(flown, Refusal)
    assert flown.aircraft_id == make_aircraft("hyogo_harima").id


def test_the_batch_treats_held_aircraft_as_unavailable_and_never_crosses_a_held_area() -> None:
    fog = [tajima_fog()]
    fleet = [make_aircraft(n) for n in ("tottori", "toyooka", "hyogo_harima", "kyoshiga")]
    missions = [mission(1, FUKUCHIYAMA), mission(2, SASAYAMA), mission(3, (35.45, 134.75))]
    hospitals = base_hospitals()
    result = assign_batch(fleet, missions, MORNING, hospitals, holds=fog)
    assert validate_batch(result.assignments, fleet, missions, MORNING, hospitals, fog) == []
    flying = {x.aircraft_id for x in result.assignments}
    assert flying.isdisjoint({make_aircraft("tottori").id, make_aircraft("toyooka").id})
    assert {x.mission_id for x in result.assignments} == {1, 2}
    # The third scene is inside the box: every aircraft would fly into the fog.
    assert [(r.mission_id, r.reason) for r in result.refusals] == [(3, RefusalReason.weather)]
    # Without the hold every mission flies, and that plan is not valid under the hold.
    clear = assign_batch(fleet, missions, MORNING, hospitals)
    assert len(clear.assignments) == 3
    assert validate_batch(clear.assignments, fleet, missions, MORNING, hospitals, fog) != []


def test_a_multipolygon_area_holds_on_any_of_its_parts() -> None:
    far_box = Polygon([(135.9, 33.5), (136.0, 33.5), (136.0, 33.6), (135.9, 33.6)])
    area = MultiPolygon([far_box, TAJIMA_BOX])
    hold = WeatherHold(
        id=3,
        start=MORNING,
        until=MORNING + dt.timedelta(hours=3),
        reason="fog",
        area=area,
    )
    refused = _refused(
        check(make_aircraft("tottori"), mission(1, FUKUCHIYAMA), MORNING, base_hospitals(), [hold])
    )
    assert refused.reason is RefusalReason.weather


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one of area and base_helicopter_id"),
        ({"area": TAJIMA_BOX, "base_helicopter_id": 2}, "exactly one"),
        ({"area": TAJIMA_BOX, "until": MORNING}, "until must be after start"),
        ({"area": TAJIMA_BOX, "start": MORNING.replace(tzinfo=None)}, "timezone-aware"),
        ({"area": Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])}, "valid, non-empty polygon"),
    ],
)
def test_bad_holds_are_rejected(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "id": 1,
        "start": MORNING,
        "until": MORNING + dt.timedelta(hours=1),
        "reason": "fog",
    }
    with pytest.raises(ValueError, match=message):
        WeatherHold(**(fields | kwargs))  # type: ignore[arg-type]
