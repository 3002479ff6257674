"""Plain data for the Doctor-Heli medevac core (SPEC §2, §4).

Everything here is a frozen dataclass or a string enum, so a service can build it from database
rows and a test can build it by hand. Times are timezone-aware datetimes (Japan time by default,
``JST``); distances are kilometres, speeds km/h, durations minutes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import KW_ONLY, dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from ukg_aid.air_kinds import (  # re-exported
    AircraftStatus,
    Heliport,
    HospitalStatus,
    Severity,
)
from ukg_aid.geo import Point

JST = ZoneInfo("Asia/Tokyo")

DEFAULT_CRUISE_KMH = 220.0
"""EC135/H135 cruise speed as reported locally (reference/heli_performance.csv)."""

DEFAULT_RANGE_KM = 635.0
"""EC135 range on standard fuel, no reserve stated (reference/heli_performance.csv)."""

WINDOW_START = dt.time(8, 30)
"""Daylight VFR operations start at 08:30 local time at every union base."""

MAX_PATIENTS = 2
"""One stretcher, at most two patients per sortie (reference/heli_performance.csv)."""


class RefusalReason(StrEnum):
    """Why a mission (or one aircraft for a mission) was refused."""

    not_available = "not_available"
    """The aircraft is on a mission, in maintenance or off duty."""
    other_incident = "other_incident"
    """A visiting aircraft that joined another incident's fleet (``rules.flies_for``)."""
    outside_window = "outside_window"
    """The mission time is before 08:30 or after the end of the aircraft's daylight window."""
    daylight = "daylight"
    """The sortie would end (back at base) after the daylight window closes."""
    range = "range"
    """The whole sortie is longer than the aircraft's range."""
    weather = "weather"
    """A weather hold covers the aircraft's base, or an area a leg crosses, while it would fly."""
    no_hospital = "no_hospital"
    """No receiving hospital: none named and none is operational, landable and clear of holds."""
    hospital_damaged = "hospital_damaged"
    """The hospital the mission names is damaged."""
    hospital_full = "hospital_full"
    """The hospital the mission names is full."""
    no_heliport = "no_heliport"
    """The hospital the mission names is known to have no heliport on site or nearby."""
    no_helicopter = "no_helicopter"
    """No aircraft is available at all (or the named aircraft does not exist)."""
    all_committed = "all_committed"
    """Batch only: capable aircraft exist but the batch gave all of them to other missions."""


@dataclass(frozen=True, slots=True)
class Hospital:
    """A receiving hospital (a disaster base hospital, or any hospital a mission names).

    The defaults (heliport on site, operational) describe a Doctor-Heli base hospital, the only
    receiving hospitals before SPEC §12: its pad is on site by definition. A service filling
    hospitals from its table sets ``id``, ``member_code``, ``heliport`` and ``status``.
    """

    name: str
    lat: float
    lon: float
    _: KW_ONLY
    id: int | None = None
    member_code: str | None = None
    heliport: Heliport = Heliport.on_site
    status: HospitalStatus = HospitalStatus.operational
    point: Point = field(init=False, repr=False, compare=False)
    """(``lat``, ``lon``) as a ``Point``, made once (every mission's choice measures it)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "point", Point(self.lat, self.lon))


@dataclass(frozen=True, slots=True, kw_only=True)
class Staging:
    """An aircraft staged at a forward base from ``start`` (inclusive) to ``until`` (exclusive).

    Sorties assigned in that period start and end at (``lat``, ``lon``); range and the daylight
    window (sunset at the staging point) are judged from there (``staging.staged``).
    """

    name: str
    lat: float
    lon: float
    start: dt.datetime
    until: dt.datetime

    def __post_init__(self) -> None:
        if self.start.utcoffset() is None or self.until.utcoffset() is None:
            msg = f"staging at {self.name}: start and until must be timezone-aware"
            raise ValueError(msg)
        if self.until <= self.start:
            msg = f"staging at {self.name}: until must be after start"
            raise ValueError(msg)

    def covers(self, at: dt.datetime) -> bool:
        """Whether a sortie assigned at ``at`` flies from this staging point."""
        return self.start <= at < self.until


@dataclass(frozen=True, slots=True, kw_only=True)
class Aircraft:
    """One Doctor-Heli aircraft at its base hospital.

    ``member_code`` is the JIS code of the operating member, or ``None`` for a visiting aircraft
    from outside the union (own-first never applies to it). The daylight window runs from
    ``window_start`` to sunset at the base, or to ``fixed_end`` if that is earlier
    (Tottori: 17:15). ``stagings`` are forward bases it flies from for a period (non-overlapping).
    ``incident_id`` is the incident whose fleet a visiting aircraft joined (``None``: the union's
    own aircraft, which fly for every incident; see ``rules.flies_for``).
    """

    id: int
    callsign: str
    member_code: str | None
    base_name: str
    base_lat: float
    base_lon: float
    status: AircraftStatus
    cruise_kmh: float = DEFAULT_CRUISE_KMH
    range_km: float = DEFAULT_RANGE_KM
    window_start: dt.time = WINDOW_START
    fixed_end: dt.time | None = None
    stagings: tuple[Staging, ...] = ()
    incident_id: int | None = None
    base: Point = field(init=False, repr=False, compare=False)
    """(``base_lat``, ``base_lon``) as a ``Point``, made once rather than for every sortie."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", Point(self.base_lat, self.base_lon))
        if self.cruise_kmh <= 0 or self.range_km <= 0:
            msg = f"aircraft {self.id}: cruise speed and range must be positive"
            raise ValueError(msg)
        periods = sorted(self.stagings, key=lambda s: s.start)
        for before, after in itertools.pairwise(periods):
            if after.start < before.until:
                msg = f"aircraft {self.id}: stagings at {before.name} and {after.name} overlap"
                raise ValueError(msg)

    @property
    def visiting(self) -> bool:
        """A visiting aircraft from outside the union (no home member)."""
        return self.member_code is None


@dataclass(frozen=True, slots=True, kw_only=True)
class Mission:
    """A medevac request filed by a member's desk.

    ``hospital`` is the receiving hospital if the requester named one (refused when damaged,
    full or without a heliport); otherwise one is chosen (``hospitals.choose_hospital``).
    """

    id: int
    member_code: str
    scene_lat: float
    scene_lon: float
    severity: Severity
    patients: int
    reported_at: dt.datetime
    hospital: Hospital | None = None
    incident_id: int | None = None
    """The incident the mission belongs to (``None``: not known, e.g. a bench instance)."""
    scene: Point = field(init=False, repr=False, compare=False)
    """(``scene_lat``, ``scene_lon``) as a ``Point``, made once rather than for every sortie."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "scene", Point(self.scene_lat, self.scene_lon))
        if not 1 <= self.patients <= MAX_PATIENTS:
            msg = f"mission {self.id}: patients must be 1-{MAX_PATIENTS}, got {self.patients}"
            raise ValueError(msg)
        if self.reported_at.utcoffset() is None:
            msg = f"mission {self.id}: reported_at must be timezone-aware"
            raise ValueError(msg)
