import datetime as dt

import pytest
from astral import Observer
from astral.sun import sunset

from tests.dispatch_air.heli_fixtures import BASES, make_aircraft
from ukg_aid.dispatch_air import JST, daylight_window, in_window

DATES = [dt.date(2026, 1, 15), dt.date(2026, 3, 20), dt.date(2026, 6, 21), dt.date(2026, 12, 21)]


@pytest.mark.parametrize("day", DATES)
@pytest.mark.parametrize("base", ["osaka", "toyooka", "tokushima", "nara"])
def test_window_ends_at_astral_sunset_for_base_and_date(base: str, day: dt.date) -> None:
    _, _, _, lat, lon = BASES[base]
    start, end = daylight_window(make_aircraft(base), day)
    assert start == dt.datetime.combine(day, dt.time(8, 30), tzinfo=JST)
    assert end == sunset(Observer(latitude=lat, longitude=lon), day, tzinfo=JST)
    assert end.utcoffset() == dt.timedelta(hours=9)


def _minutes_apart(a: dt.datetime, b: dt.datetime) -> float:
    return abs((a - b).total_seconds()) / 60


def test_osaka_sunset_sanity_winter_and_summer() -> None:
    osaka = make_aircraft("osaka")
    _, winter_end = daylight_window(osaka, dt.date(2026, 12, 21))
    _, summer_end = daylight_window(osaka, dt.date(2026, 6, 21))
    assert _minutes_apart(winter_end, dt.datetime(2026, 12, 21, 16, 50, tzinfo=JST)) < 5
    assert _minutes_apart(summer_end, dt.datetime(2026, 6, 21, 19, 15, tzinfo=JST)) < 5


def test_tottori_fixed_end_applies_only_when_earlier_than_sunset() -> None:
    tottori = make_aircraft("tottori")
    _, summer_end = daylight_window(tottori, dt.date(2026, 6, 21))
    _, winter_end = daylight_window(tottori, dt.date(2026, 12, 21))
    assert summer_end == dt.datetime(2026, 6, 21, 17, 15, tzinfo=JST)
    # Yonago's winter sunset (about 16:57) is earlier than 17:15, so sunset wins.
    assert winter_end < dt.datetime(2026, 12, 21, 17, 15, tzinfo=JST)
    assert winter_end == sunset(
        Observer(latitude=35.436, longitude=133.334), dt.date(2026, 12, 21), tzinfo=JST
    )


def test_in_window_uses_japan_date_and_rejects_naive_times() -> None:
    osaka = make_aircraft("osaka")
    # 2026-06-21 00:30 UTC is 09:30 JST the same day: inside.
    assert in_window(osaka, dt.datetime(2026, 6, 21, 0, 30, tzinfo=dt.UTC))
    assert not in_window(osaka, dt.datetime(2026, 6, 21, 8, 29, tzinfo=JST))
    assert not in_window(osaka, dt.datetime(2026, 6, 21, 19, 30, tzinfo=JST))
    with pytest.raises(ValueError, match="timezone-aware"):
        in_window(osaka, dt.datetime(2026, 6, 21, 9, 30))
