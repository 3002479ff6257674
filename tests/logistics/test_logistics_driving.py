"""Haul times under 改善基準告示: breaks at 4 h, the 9 h driving day, 13 h 拘束, the 9 h rest."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ukg_aid.logistics import (
    FRESH,
    DriverRules,
    DutyState,
    default_driver_rules,
    drive,
    drive_elapsed_minutes,
    haul_eta_minutes,
    idle,
    work,
)

RULES = default_driver_rules()
TINY = 1e-3  # minutes: well above float noise, far below any rule


def test_package_rules_are_the_2024_figures() -> None:
    expected = DriverRules(
        max_continuous_drive_min=240,
        break_min=30,
        max_daily_drive_min=540,
        max_daily_duty_min=780,
        rest_min=540,
    )
    assert default_driver_rules() == expected


@pytest.mark.parametrize(
    ("wheel", "elapsed", "breaks", "rests"),
    [
        (0, 0, 0, 0),
        (239, 239, 0, 0),
        (240, 240, 0, 0),  # exactly 4 h: arrive, no break needed
        (240 + TINY, 270 + TINY, 1, 0),  # one more minute of road: the break first
        (480, 510, 1, 0),
        (480 + TINY, 540 + TINY, 2, 0),
        (540, 600, 2, 0),  # the 9 h driving day, with its two breaks
        (540 + TINY, 1140 + TINY, 2, 1),  # then the 9 h rest before any more driving
        (780, 1380, 2, 1),  # 9 h + rest + 4 h (no break needed at arrival)
        (1080, 1740, 4, 1),  # two full driving days
        (1080 + TINY, 2280 + TINY, 4, 2),
    ],
)
def test_breaks_and_rests_fall_due(wheel: float, elapsed: float, breaks: int, rests: int) -> None:
    leg = drive(FRESH, wheel, RULES)
    assert leg.elapsed_min == pytest.approx(elapsed, abs=1e-9)
    assert (leg.breaks, leg.rests) == (breaks, rests)


def test_the_reference_600_km_example() -> None:
    """trucks.csv: 600 km at 70 km/h is 8.6 h of driving, 2 breaks, ≈ 9.6 h, one day."""
    wheel = 600 / 70 * 60
    assert drive_elapsed_minutes(600, 70) == pytest.approx(wheel + 60)
    assert drive_elapsed_minutes(600, 70) / 60 == pytest.approx(9.57, abs=0.01)
    # At the matching core's default 40 km/h the same haul is 15 h of driving: two days.
    assert drive_elapsed_minutes(600, 40) == pytest.approx(900 + 30 + 30 + 540 + 30)


def test_short_hauls_keep_the_plain_eta() -> None:
    for km in (0, 10, 80, 159.9, 160):
        assert haul_eta_minutes(km, 40, 30) == pytest.approx(30 + km / 40 * 60)
    assert haul_eta_minutes(300, 40, 30) == pytest.approx(30 + 450 + 30)
    assert haul_eta_minutes(600, 40, 30) == pytest.approx(30 + drive_elapsed_minutes(600, 40))


def test_duty_limit_ends_the_day_before_the_driving_limit() -> None:
    # 5 h of loading and waiting already on the clock: 13 h of 拘束 leave 8 h for the road, with
    # one break, so 7 h 30 min of driving.
    tired = DutyState(continuous_min=0, drive_min=0, duty_min=300)
    assert drive(tired, 450, RULES).elapsed_min == pytest.approx(480)
    leg = drive(tired, 450 + TINY, RULES)
    assert (leg.breaks, leg.rests) == (1, 1)
    assert leg.elapsed_min == pytest.approx(480 + 540 + TINY)
    # A break that would end past 13 h becomes the rest.
    late = DutyState(continuous_min=240, drive_min=240, duty_min=760)
    leg = drive(late, 10, RULES)
    assert (leg.breaks, leg.rests, leg.elapsed_min) == (0, 1, 550)


def test_counters_carry_over_between_legs() -> None:
    out = drive(FRESH, 200, RULES)
    unloading = work(out.state, 30, RULES)  # work is not a break
    back = drive(unloading.state, 200, RULES)
    assert back.breaks == 1
    assert back.elapsed_min == 230
    assert back.state == DutyState(continuous_min=160, drive_min=400, duty_min=460)


def test_work_that_overruns_the_day_waits_for_a_rest() -> None:
    assert work(DutyState(0, 0, 760), 20, RULES).rests == 0
    leg = work(DutyState(0, 0, 760), 30, RULES)
    assert (leg.rests, leg.elapsed_min, leg.state) == (1, 570, DutyState(0, 0, 30))


def test_waiting_at_the_depot() -> None:
    state = DutyState(continuous_min=200, drive_min=400, duty_min=500)
    assert idle(state, 20, RULES) == DutyState(200, 400, 520)
    assert idle(state, 30, RULES) == DutyState(0, 400, 530)  # a break
    assert idle(state, 540, RULES) == FRESH  # a rest


def test_bad_figures_are_refused() -> None:
    with pytest.raises(ValueError, match="distance_km"):
        drive_elapsed_minutes(-1, 40)
    with pytest.raises(ValueError, match="kmh"):
        drive_elapsed_minutes(10, 0)
    with pytest.raises(ValueError, match="minutes"):
        drive(FRESH, math.inf, RULES)
    with pytest.raises(ValueError, match="finite and > 0"):
        DriverRules(240, 0, 540, 780, 540)
    with pytest.raises(ValueError, match="continuous driving"):
        DriverRules(600, 30, 540, 780, 540)
    with pytest.raises(ValueError, match="daily duty"):
        DriverRules(240, 30, 900, 780, 540)


@given(st.floats(0, 3000), st.floats(0, 3000))
def test_elapsed_is_monotone_and_never_below_wheel_time(a: float, b: float) -> None:
    short, long = sorted((a, b))
    e_short = drive(FRESH, short, RULES).elapsed_min
    e_long = drive(FRESH, long, RULES).elapsed_min
    assert e_short >= short - 1e-9
    assert e_long >= e_short - 1e-9
    leg = drive(FRESH, long, RULES)
    stops = leg.breaks * RULES.break_min + leg.rests * RULES.rest_min
    assert leg.elapsed_min == pytest.approx(long + stops)
    assert leg.state.drive_min <= RULES.max_daily_drive_min + 1e-6
    assert leg.state.continuous_min <= RULES.max_continuous_drive_min + 1e-6
