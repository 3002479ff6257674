"""The service's clock (SPEC §5, §9): when did a reported action happen, and may it be believed.

Every time-dependent write accepts an optional ``at`` (a value without an offset is read as Japan
time). :meth:`Clock.resolve` is the one rule for such a client time:

* **sanity bounds**, in every mode: ``EARLIEST`` ≤ at < ``LATEST``. Year 1 or 9999 is a typo, and
  the oldest scenario the drills replay is 1995 (Hyogo-ken Nanbu), so 1970 leaves room for any
  replay while refusing 1900;
* **live** mode (the default, ``UKG_AID_CLOCK=live``): at most ``max_backdate`` in the past
  (``UKG_AID_MAX_BACKDATE_HOURS``, 24) and at most ``FUTURE_TOLERANCE`` (5 min, clock skew)
  in the future;
* **simulated** mode (``UKG_AID_CLOCK=simulated``: a drill's own instance, training deployments)
  lifts that window, so a drill can play 1995 or next week.

:func:`require_forward` is the other rule, in both modes: an entity's timeline only moves forward.
A transition whose ``at`` is earlier than the entity's previous one is a 422 naming both times.

What the server itself records (``recorded_at`` of audit events and ledger entries) is the
database's clock and is never taken from a client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from ukg_aid.errors import Unprocessable

JST = ZoneInfo("Asia/Tokyo")

EARLIEST = datetime(1970, 1, 1, tzinfo=JST)
"""No client time before this is accepted, in any mode (inclusive)."""
LATEST = datetime(2100, 1, 1, tzinfo=JST)
"""No client time at or after this is accepted, in any mode (exclusive)."""
FUTURE_TOLERANCE = timedelta(minutes=5)
"""Live mode: how far ahead of the server a client's ``at`` may be (clock skew)."""


class ClockMode(StrEnum):
    live = "live"
    simulated = "simulated"


class ServerTime(datetime):
    """A time the server read off its own clock because the client sent no ``at``.

    Such a time can lag an entity's previous change only by waiting for that entity's row lock
    (or by a client's ``at`` inside the 5-minute tolerance); :func:`require_forward` then moves it
    up to the previous change instead of refusing a desk that sent no time at all.
    """


def now() -> datetime:
    """The current time in Japan (a :class:`ServerTime`)."""
    return ServerTime.now(JST)


def as_japan_time(value: datetime) -> datetime:
    """A naive value read as Japan time; an aware one kept as it is (no range check: reads)."""
    return value.replace(tzinfo=JST) if value.tzinfo is None else value


def resolve_at(at: datetime | None) -> datetime:
    """``at`` read as Japan time if given, else now. For reads (filters, reports) only: a
    write's ``at`` goes through :meth:`Clock.resolve`."""
    return now() if at is None else as_japan_time(at)


def _iso(value: datetime) -> str:
    return value.astimezone(JST).isoformat(timespec="seconds")


def sane(value: datetime, *, field: str = "at", where: str = "body") -> datetime:
    """``value`` in Japan time if it lies inside the sanity bounds (every mode), else 422."""
    value = as_japan_time(value)
    if EARLIEST <= value < LATEST:
        return value.astimezone(JST)
    why = (
        f"is not a date that can be meant: times must lie from {_iso(EARLIEST)} "
        f"up to (not including) {_iso(LATEST)}"
    )
    raise Unprocessable(
        f"{field} {value.isoformat()} {why}",
        code="time-out-of-bounds",
        errors=[{"loc": [where, field], "msg": why, "type": "time_out_of_bounds"}],
        earliest=_iso(EARLIEST),
        latest=_iso(LATEST),
    )


@dataclass(frozen=True, slots=True)
class Clock:
    """The clock a deployment runs: ``live`` (a real desk's day) or ``simulated`` (drills)."""

    mode: ClockMode = ClockMode.live
    max_backdate: timedelta = timedelta(hours=24)

    def now(self) -> datetime:
        return now()

    def period_errors(self, until: datetime, *, field: str = "until") -> list[dict[str, Any]]:
        """A period (a weather hold, a staging) that ended before the live backdating window
        cannot be meant on the live clock: a field error for it (none when simulated)."""
        if self.mode is ClockMode.simulated:
            return []
        earliest = now() - self.max_backdate
        if until >= earliest:
            return []
        hours = self.max_backdate.total_seconds() / 3600
        msg = (
            f"{field} {_iso(until)} ended more than {hours:g} h ago: on the live clock a period "
            f"must end after {_iso(earliest)} (drills run UKG_AID_CLOCK=simulated)"
        )
        return [{"loc": ["body", field], "msg": msg, "type": "period_over"}]

    def resolve(self, at: datetime | None, *, field: str = "at") -> datetime:
        """When a write happened: ``at`` if given (checked, in Japan time), else now."""
        if at is None:
            return now()
        value = sane(at, field=field)
        if self.mode is ClockMode.simulated:
            return value
        current = now()
        earliest, latest = current - self.max_backdate, current + FUTURE_TOLERANCE
        if earliest <= value <= latest:
            return value
        hours = self.max_backdate.total_seconds() / 3600
        why = (
            f"is more than {hours:g} h in the past"
            if value < earliest
            else f"is more than {FUTURE_TOLERANCE.total_seconds() / 60:g} min in the future"
        )
        raise Unprocessable(
            f"{field} {_iso(value)} {why}: on the live clock it must lie between {_iso(earliest)} "
            f"and {_iso(latest)} (UKG_AID_MAX_BACKDATE_HOURS={hours:g}; drills and training "
            "deployments run UKG_AID_CLOCK=simulated)",
            code="at-outside-window",
            errors=[{"loc": ["body", field], "msg": why, "type": "at_outside_window"}],
            clock=self.mode.value,
            earliest=_iso(earliest),
            latest=_iso(latest),
        )


def settle(at: datetime) -> datetime:
    """A :class:`ServerTime` read again once the caller holds its row locks (it only moves
    forward, past whatever committed while the caller waited); a client's ``at`` unchanged."""
    return now() if isinstance(at, ServerTime) else at


def require_forward(
    at: datetime, previous: datetime | None, *, subject: str, previous_what: str
) -> datetime:
    """An entity's timeline only moves forward: ``at`` may not be earlier than ``previous``.

    Returns the time to record: ``at``, or ``previous`` for a :class:`ServerTime` that lagged it.
    A client's ``at`` earlier than ``previous`` is a 422 naming both times. ``subject`` names the
    entity and the transition ("medevac mission 5: assignment"), ``previous_what`` its previous
    event ("its report", "its last status change").
    """
    if previous is None or at >= previous:
        return at
    if isinstance(at, ServerTime):
        return ServerTime.combine(previous.date(), previous.timetz()).astimezone(JST)
    raise Unprocessable(
        f"{subject} at {_iso(at)} is earlier than {previous_what} at {_iso(previous)}: "
        "an entity's timeline only moves forward",
        code="timeline-backwards",
        errors=[
            {
                "loc": ["body", "at"],
                "msg": f"earlier than {previous_what} ({_iso(previous)})",
                "type": "timeline_backwards",
            }
        ],
        at=_iso(at),
        previous_at=_iso(previous),
    )
