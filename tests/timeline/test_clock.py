"""The clock rules on their own (SPEC §9): the window, the sanity bounds, forward-only timelines."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ukg_aid import clock
from ukg_aid.clock import JST, Clock, ClockMode, ServerTime
from ukg_aid.errors import Unprocessable

LIVE = Clock(ClockMode.live, timedelta(hours=24))
SIMULATED = Clock(ClockMode.simulated, timedelta(hours=24))


def test_no_at_is_the_servers_own_time() -> None:
    before = datetime.now(JST)
    got = LIVE.resolve(None)
    assert isinstance(got, ServerTime)
    assert before <= got <= datetime.now(JST)


@pytest.mark.parametrize(
    ("delta", "ok"),
    [
        (timedelta(hours=23, minutes=59), True),
        (timedelta(hours=24, minutes=1), False),
        (timedelta(minutes=-4), True),
        (timedelta(minutes=-6), False),
    ],
)
def test_live_window_is_24_hours_back_and_5_minutes_ahead(delta: timedelta, ok: bool) -> None:
    at = datetime.now(JST) - delta
    if ok:
        assert LIVE.resolve(at) == at
        return
    with pytest.raises(Unprocessable) as caught:
        LIVE.resolve(at)
    problem = caught.value.problem()
    assert problem["code"] == "at-outside-window" and problem["clock"] == "live"
    assert problem["errors"][0]["loc"] == ["body", "at"]
    assert ("24 h in the past" if delta > timedelta(0) else "5 min in the future") in problem[
        "detail"
    ]
    earliest, latest = (datetime.fromisoformat(problem[k]) for k in ("earliest", "latest"))
    assert latest - earliest == timedelta(hours=24, minutes=5)
    assert not earliest <= at <= latest


def test_the_backdating_bound_is_a_setting() -> None:
    two_hours_ago = datetime.now(JST) - timedelta(hours=2)
    assert LIVE.resolve(two_hours_ago) == two_hours_ago
    with pytest.raises(Unprocessable, match="more than 1 h in the past"):
        Clock(ClockMode.live, timedelta(hours=1)).resolve(two_hours_ago)


def test_simulated_lifts_the_window_but_not_the_sanity_bounds() -> None:
    kobe = datetime(1995, 1, 17, 5, 46, tzinfo=JST)
    assert SIMULATED.resolve(kobe) == kobe
    assert SIMULATED.resolve(datetime(2099, 12, 31, 23, 59, tzinfo=JST)).year == 2099
    for absurd in (
        datetime(1, 1, 1),
        datetime(1900, 6, 1, tzinfo=JST),
        datetime(2100, 1, 1, tzinfo=JST),
        datetime.fromisoformat("9999-12-31T23:59:59-12:00"),
    ):
        for mode in (SIMULATED, LIVE):
            with pytest.raises(Unprocessable) as caught:
                mode.resolve(absurd)
            assert caught.value.problem()["code"] == "time-out-of-bounds"


def test_a_time_without_offset_is_japan_time() -> None:
    naive = datetime(2026, 12, 21, 10, 0)
    assert SIMULATED.resolve(naive) == datetime(2026, 12, 21, 10, 0, tzinfo=JST)
    assert SIMULATED.resolve(naive).utcoffset() == timedelta(hours=9)


def test_timelines_only_move_forward() -> None:
    reported = datetime(2026, 12, 21, 18, 30, tzinfo=JST)
    assert clock.require_forward(reported, None, subject="x", previous_what="y") == reported
    later = reported + timedelta(minutes=1)
    assert clock.require_forward(later, reported, subject="x", previous_what="y") == later
    with pytest.raises(Unprocessable) as caught:
        clock.require_forward(
            datetime(2026, 12, 21, 12, 15, tzinfo=JST),
            reported,
            subject="medevac mission 7: assignment",
            previous_what="its report",
        )
    problem = caught.value.problem()
    assert problem["code"] == "timeline-backwards"
    assert "12:15" in problem["detail"] and "18:30" in problem["detail"]
    assert "medevac mission 7: assignment" in problem["detail"]
    assert (problem["at"], problem["previous_at"]) == (
        "2026-12-21T12:15:00+09:00",
        "2026-12-21T18:30:00+09:00",
    )


def test_a_server_time_that_waited_for_a_lock_moves_up_instead_of_failing() -> None:
    mine = clock.now()
    theirs = mine + timedelta(milliseconds=3)  # committed while this request waited
    got = clock.require_forward(mine, theirs, subject="x", previous_what="y")
    assert got == theirs and isinstance(got, ServerTime)
    assert clock.settle(mine) >= mine and isinstance(clock.settle(mine), ServerTime)
    client_time = datetime(2026, 12, 21, 10, 0, tzinfo=JST)
    assert clock.settle(client_time) is client_time
