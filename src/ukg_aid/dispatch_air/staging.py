"""Staging at forward bases (SPEC §12): where an aircraft's sortie starts and ends.

A sortie assigned at ``at`` inside one of the aircraft's ``Staging`` periods starts and ends at
that staging point, even if it lands back after the period ends; its range, its daylight window
(sunset at the staging point, or the aircraft's fixed end if earlier) and its time to scene are
judged from there. Outside every period the aircraft flies from its home base.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from ukg_aid.dispatch_air.model import Aircraft, Staging


def staging_at(aircraft: Aircraft, at: dt.datetime) -> Staging | None:
    """The staging period that covers the instant ``at``, if any (periods never overlap)."""
    return next((s for s in aircraft.stagings if s.covers(at)), None)


def staged(aircraft: Aircraft, at: dt.datetime) -> Aircraft:
    """``aircraft`` as it flies a sortie assigned at ``at``: based at its staging point if staged.

    The result has no stagings left, so calling ``staged`` on it again changes nothing.
    """
    if not aircraft.stagings:
        return aircraft
    staging = staging_at(aircraft, at)
    if staging is None:
        return dataclasses.replace(aircraft, stagings=())
    return dataclasses.replace(
        aircraft,
        base_name=staging.name,
        base_lat=staging.lat,
        base_lon=staging.lon,
        stagings=(),
    )


def staged_fleet(aircraft: Iterable[Aircraft], at: dt.datetime) -> list[Aircraft]:
    """Every aircraft as it flies from ``at`` (``staged`` for each)."""
    return [staged(a, at) for a in aircraft]
