"""Ground-motion chain: event → fault distance → PGV → JMA instrumental intensity.

The chain is the common Japanese practice recorded in ``reference/SOURCES.md``
(see ``docs/quake-model.md``):

1. Mw = Mj − 0.171 when only the JMA magnitude is known.
2. Fault distance X (km): shortest 3-D distance to the rupture for a finite fault, otherwise
   X = max(hypocentral distance − L/2, 3) with L = 10^(0.5·Mw − 1.85) km.
3. PGV on Vs = 600 m/s bedrock (cm/s), Si & Midorikawa (1999), Mw capped at 8.3 (NIED 2009):
   log10 PGV600 = 0.58·Mw + 0.0038·D + d − 1.29 − log10(X + 0.0028·10^(0.5·Mw)) − 0.002·X.
4. Surface PGV = PGV600 · 10^(1.83 − 0.66·log10 AVS30) (Matsuoka & Midorikawa 1994).
5. I = 2.68 + 1.72·log10 PGV (Midorikawa et al. 1999), clipped to [0, 7].

All values are medians; one sigma of log10 PGV (0.20–0.23) is about 0.4 intensity units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ukg_aid.geo import haversine_km
from ukg_aid.quake.fault import FiniteFault, SegmentedFault

MJ_TO_MW_OFFSET = 0.171
MW_CAP = 8.3
MIN_POINT_SOURCE_DISTANCE_KM = 3.0
DEFAULT_AVS30 = 300.0
AVS30_RANGE = (100.0, 1500.0)
SIGMA_INTENSITY = 0.4
"""One standard deviation of the median model, in JMA intensity units (≈ 1.72 × 0.20–0.23)."""


class FaultType(StrEnum):
    """Source type; selects the Si & Midorikawa source term ``d`` for PGV."""

    CRUSTAL = "crustal"
    INTERPLATE = "interplate"
    INTRAPLATE = "intraplate"


SOURCE_TERM_D: dict[FaultType, float] = {
    FaultType.CRUSTAL: 0.00,
    FaultType.INTERPLATE: -0.02,
    FaultType.INTRAPLATE: 0.12,
}


def mj_to_mw(mj: float) -> float:
    """Moment magnitude from the JMA magnitude (empirical offset used by JMA-style EEW apps)."""
    return mj - MJ_TO_MW_OFFSET


@dataclass(frozen=True)
class Event:
    """An earthquake: hypocentre (degrees, km), exactly one of Mw/Mj, fault type, finite fault."""

    lat: float
    lon: float
    depth_km: float
    mw: float | None = None
    mj: float | None = None
    fault_type: FaultType = FaultType.CRUSTAL
    fault: FiniteFault | SegmentedFault | None = None
    origin_time: datetime | None = None

    def __post_init__(self) -> None:
        if (self.mw is None) == (self.mj is None):
            raise ValueError("give exactly one of mw and mj")
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"epicentre out of range: {self.lat}, {self.lon}")
        if self.depth_km < 0:
            raise ValueError(f"depth must be >= 0 km, got {self.depth_km}")
        if self.origin_time is not None and self.origin_time.tzinfo is None:
            raise ValueError("origin_time must be timezone-aware")
        object.__setattr__(self, "fault_type", FaultType(self.fault_type))

    @property
    def moment_magnitude(self) -> float:
        """Mw, converted from Mj when only Mj was given."""
        if self.mw is not None:
            return self.mw
        assert self.mj is not None
        return mj_to_mw(self.mj)


@dataclass(frozen=True, slots=True)
class Shaking:
    """Median ground motion at a site: surface PGV (cm/s) and JMA instrumental intensity."""

    pgv: float
    intensity: float

    @property
    def jma_class(self) -> str:
        """The JMA seismic intensity class of :attr:`intensity`."""
        return jma_class(self.intensity)


def fault_length_km(mw: float) -> float:
    """Rupture length L = 10^(0.5·Mw − 1.85) km (used for the point-source distance)."""
    return float(10 ** (0.5 * mw - 1.85))


def fault_distance_km(event: Event, lat: float, lon: float) -> float:
    """Distance X (km) from a surface site to the rupture.

    Finite fault: shortest 3-D distance (see :mod:`ukg_aid.quake.fault`). Point source:
    max(hypocentral distance − L/2, 3 km), L from the (uncapped) Mw.
    """
    if event.fault is not None:
        return event.fault.distance_km(lat, lon)
    epicentral = haversine_km(event.lat, event.lon, lat, lon)
    hypocentral = math.hypot(epicentral, event.depth_km)
    half_length = fault_length_km(event.moment_magnitude) / 2
    return max(hypocentral - half_length, MIN_POINT_SOURCE_DISTANCE_KM)


def pgv600(mw: float, depth_km: float, distance_km: float, fault_type: FaultType | str) -> float:
    """Median PGV (cm/s) on Vs = 600 m/s bedrock, Si & Midorikawa (1999); Mw capped at 8.3."""
    m = min(mw, MW_CAP)
    log_pgv = (
        0.58 * m
        + 0.0038 * depth_km
        + SOURCE_TERM_D[FaultType(fault_type)]
        - 1.29
        - math.log10(distance_km + 0.0028 * 10 ** (0.5 * m))
        - 0.002 * distance_km
    )
    return float(10**log_pgv)


def site_amplification(avs30: float) -> float:
    """PGV amplification relative to Vs≈600 m/s bedrock (Matsuoka & Midorikawa 1994).

    Valid for 100 ≤ AVS30 ≤ 1500 m/s; outside that range a ``ValueError`` is raised.
    """
    low, high = AVS30_RANGE
    if not low <= avs30 <= high:
        raise ValueError(f"AVS30 must be within {low:g}..{high:g} m/s, got {avs30:g}")
    return float(10 ** (1.83 - 0.66 * math.log10(avs30)))


def intensity_from_pgv(pgv: float) -> float:
    """JMA instrumental intensity from surface PGV (cm/s), Midorikawa et al. (1999), in [0, 7]."""
    if pgv <= 0:
        return 0.0
    return min(max(2.68 + 1.72 * math.log10(pgv), 0.0), 7.0)


def intensity_at(event: Event, lat: float, lon: float, avs30: float = DEFAULT_AVS30) -> Shaking:
    """Median surface PGV and JMA intensity at a site (default AVS30 300 m/s)."""
    x = fault_distance_km(event, lat, lon)
    bedrock = pgv600(event.moment_magnitude, event.depth_km, x, event.fault_type)
    pgv = bedrock * site_amplification(avs30)
    return Shaking(pgv=pgv, intensity=intensity_from_pgv(pgv))


_CLASS_FLOORS: tuple[tuple[float, str], ...] = (
    (6.5, "7"),
    (6.0, "6+"),
    (5.5, "6-"),
    (5.0, "5+"),
    (4.5, "5-"),
    (3.5, "4"),
    (2.5, "3"),
    (1.5, "2"),
    (0.5, "1"),
)

JMA_CLASSES: tuple[str, ...] = ("0", "1", "2", "3", "4", "5-", "5+", "6-", "6+", "7")
"""JMA intensity classes from weakest to strongest."""


def jma_class(intensity: float) -> str:
    """JMA class of an instrumental intensity: "0" … "4", "5-", "5+", "6-", "6+", "7".

    Lower bounds: 0.5, 1.5, 2.5, 3.5, 4.5 (5-), 5.0 (5+), 5.5 (6-), 6.0 (6+), 6.5 (7). The
    unrounded value is compared (JMA first truncates to one decimal; the difference is < 0.01).
    """
    for floor, name in _CLASS_FLOORS:
        if intensity >= floor:
            return name
    return "0"
