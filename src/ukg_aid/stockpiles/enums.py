"""Value types of this package, importing no ORM (the schemas and the typed client use them
without loading SQLAlchemy)."""

from __future__ import annotations

import enum


class DepotStatus(enum.StrEnum):
    operational = "operational"
    damaged = "damaged"
    unreachable = "unreachable"
