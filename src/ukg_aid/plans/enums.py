"""Value types of this package, importing no ORM (the schemas and the typed client use them
without loading SQLAlchemy)."""

from __future__ import annotations

import enum


class PlanStatus(enum.StrEnum):
    proposed = "proposed"
    approved = "approved"
    completed = "completed"
    discarded = "discarded"
    cancelled = "cancelled"


class PlanPolicy(enum.StrEnum):
    """``optimized``: the SPEC §3 solver. ``baseline``: nearest supplier first (phone practice)."""

    optimized = "optimized"
    baseline = "baseline"


class AllocationStatus(enum.StrEnum):
    planned = "planned"
    dispatched = "dispatched"
    delivered = "delivered"
    cancelled = "cancelled"
