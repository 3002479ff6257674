"""Value types of this package, importing no ORM (the schemas and the typed client use them
without loading SQLAlchemy)."""

from __future__ import annotations

import enum


class MemberKind(enum.StrEnum):
    prefecture = "prefecture"
    city = "city"
    guest = "guest"
    """A municipality or prefecture outside the union that it supports (SPEC §10)."""


class HeliPreference(enum.StrEnum):
    own_first = "own_first"
    geography_first = "geography_first"
