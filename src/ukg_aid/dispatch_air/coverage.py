"""Coverage report: for each member office, the fastest available aircraft (SPEC §4).

An aircraft counts if its status is ``available`` and ``at`` is inside its daylight window.
Flight time is lift-off (5 min) plus great-circle distance at cruise speed; it does not check
that a full sortie would fit before sunset (that is the job of ``rules.check``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ukg_aid.dispatch_air.daylight import in_window
from ukg_aid.dispatch_air.model import Aircraft, AircraftStatus
from ukg_aid.dispatch_air.sortie import time_to_point_min

COVERED_WITHIN_MIN = 30.0
"""An office is covered when some available aircraft can reach it within this many minutes."""


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """The fastest available aircraft for one member office (``None`` when there is none)."""

    member_code: str
    helicopter_id: int | None
    flight_minutes: float | None
    within_30: bool


def ready_aircraft(aircraft: Iterable[Aircraft], at: dt.datetime) -> list[Aircraft]:
    """Aircraft that are ``available`` and inside their daylight window at ``at``."""
    return [a for a in aircraft if a.status is AircraftStatus.available and in_window(a, at)]


def coverage_row(
    member_code: str, office: tuple[float, float], ready: Iterable[Aircraft]
) -> CoverageRow:
    """The coverage row of one office among already-filtered ``ready`` aircraft."""
    lat, lon = office
    best = min(
        ((time_to_point_min(a, lat, lon), a.id) for a in ready),
        default=None,
    )
    if best is None:
        return CoverageRow(member_code, None, None, within_30=False)
    minutes, aircraft_id = best
    return CoverageRow(member_code, aircraft_id, minutes, within_30=minutes <= COVERED_WITHIN_MIN)


def coverage(
    aircraft: Iterable[Aircraft],
    offices: Mapping[str, tuple[float, float]],
    at: dt.datetime,
) -> list[CoverageRow]:
    """One row per office (in ``offices`` order): ``{member_code: (lat, lon)}``."""
    ready = ready_aircraft(aircraft, at)
    return [coverage_row(code, office, ready) for code, office in offices.items()]
