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


class RequestKind(enum.StrEnum):
    """``pull``: filed by the stricken desk. ``push`` (プッシュ型支援): filed by the coordinator on
    its behalf from shelter needs or a drill's estimate, before the desk can file (SPEC §10)."""

    pull = "pull"
    push = "push"


OPEN_STATUSES = (RequestStatus.open, RequestStatus.partially_fulfilled)
"""A request in these statuses still wants goods, and makes its member stricken (SPEC §3)."""
