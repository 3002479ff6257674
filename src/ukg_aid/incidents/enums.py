"""Value types of this package, importing no ORM (the schemas and the typed client use them
without loading SQLAlchemy)."""

from __future__ import annotations

import enum


class IncidentKind(enum.StrEnum):
    real = "real"
    drill = "drill"


class IncidentStatus(enum.StrEnum):
    active = "active"
    closed = "closed"
