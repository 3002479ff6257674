"""Time: every time-dependent operation accepts an optional ``at`` (SPEC §5)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


def now() -> datetime:
    """The current time in Japan."""
    return datetime.now(JST)


def resolve_at(at: datetime | None) -> datetime:
    """``at`` if given (a naive value is read as Japan time), else now."""
    if at is None:
        return now()
    if at.tzinfo is None:
        return at.replace(tzinfo=JST)
    return at
