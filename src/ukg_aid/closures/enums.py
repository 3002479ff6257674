"""Value types of this package, importing no ORM."""

from __future__ import annotations

import enum


class ClosureKind(enum.StrEnum):
    crossing = "crossing"
    area = "area"
