"""Value types of this package, importing no ORM (the schemas and the typed client use them
without loading SQLAlchemy)."""

from __future__ import annotations

import enum


class Priority(enum.StrEnum):
    critical = "critical"
    high = "high"
    normal = "normal"


class RequestStatus(enum.StrEnum):
    open = "open"
    partially_fulfilled = "partially_fulfilled"
    fulfilled = "fulfilled"
    cancelled = "cancelled"


OPEN_STATUSES = (RequestStatus.open, RequestStatus.partially_fulfilled)
"""A request in these statuses still wants goods, and makes its member stricken (SPEC §3)."""
