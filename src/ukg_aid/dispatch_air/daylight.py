"""Daylight operating windows (daylight VFR only, SPEC §4).

A window opens at the aircraft's ``window_start`` (08:30 local) and closes at sunset computed by
``astral`` for the *base* position and date, or at the aircraft's fixed end if that is earlier
(Tottori's nominal 17:15). All datetimes are in Japan time.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from astral import Observer
from astral.sun import sunset

from ukg_aid.dispatch_air.model import JST, Aircraft


@lru_cache(maxsize=4096)
def _sunset(lat: float, lon: float, day: dt.date) -> dt.datetime:
    # Pure in its arguments; cached because a batch asks the same base and day many times.
    result: dt.datetime = sunset(Observer(latitude=lat, longitude=lon), day, tzinfo=JST)
    return result


def sunset_at(lat: float, lon: float, day: dt.date) -> dt.datetime:
    """Sunset (Japan time, timezone-aware) at a position on a date."""
    return _sunset(lat, lon, day)


def daylight_window(aircraft: Aircraft, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The (start, end) of ``aircraft``'s operating window on ``day``, in Japan time."""
    start = dt.datetime.combine(day, aircraft.window_start, tzinfo=JST)
    end = sunset_at(aircraft.base_lat, aircraft.base_lon, day)
    if aircraft.fixed_end is not None:
        end = min(end, dt.datetime.combine(day, aircraft.fixed_end, tzinfo=JST))
    return start, end


def window_at(aircraft: Aircraft, at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The window of the Japan-time day that contains the aware instant ``at``."""
    if at.utcoffset() is None:
        msg = "at must be timezone-aware"
        raise ValueError(msg)
    return daylight_window(aircraft, at.astimezone(JST).date())


def in_window(aircraft: Aircraft, at: dt.datetime) -> bool:
    """Whether ``at`` falls inside the aircraft's window (start inclusive, end exclusive)."""
    start, end = window_at(aircraft, at)
    return start <= at < end
