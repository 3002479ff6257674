"""Value types of this package, importing no ORM (the schemas and the typed client use them
without loading SQLAlchemy)."""

from __future__ import annotations

import enum


class MissionStatus(enum.StrEnum):
    pending = "pending"
    assigned = "assigned"
    en_route = "en_route"
    on_scene = "on_scene"
    transporting = "transporting"
    completed = "completed"
    cancelled = "cancelled"
