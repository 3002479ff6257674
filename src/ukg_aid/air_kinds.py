"""Value types of the Doctor-Heli core (``dispatch_air``) that the schemas and the typed client
share. They live outside the core's package so importing them loads neither the core nor
OR-Tools; ``dispatch_air`` re-exports them."""

from __future__ import annotations

from enum import StrEnum


class AircraftStatus(StrEnum):
    """Operational status kept current by the EMS coordinator."""

    available = "available"
    on_mission = "on_mission"
    maintenance = "maintenance"
    off_duty = "off_duty"


class Severity(StrEnum):
    """Triage colour of a medevac mission; green patients do not fly."""

    red = "red"
    yellow = "yellow"

    @property
    def weight(self) -> int:
        """Weight of one minute to scene in a batch objective: a red minute counts 3, yellow 1.

        The weight only trades minutes *within* a severity class against each other; red missions
        are served before yellow ones regardless of weight (see ``batch.assign_batch``).
        """
        return 3 if self is Severity.red else 1


class Preference(StrEnum):
    """A member's helicopter policy: the two national patterns."""

    own_first = "own_first"
    """The member's own capable aircraft first, then the nearest capable aircraft of anyone."""
    geography_first = "geography_first"
    """The capable aircraft with the shortest time to scene, whoever operates it."""
