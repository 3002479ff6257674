"""Small geodesy helpers shared by the pure cores (no I/O, no framework).

Distances are great-circle distances on a sphere of radius 6371.0 km (SPEC §3), in kilometres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS84 position in decimal degrees."""

    lat: float
    lon: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two lat/lon points (degrees)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance in km between two points."""
    return haversine_km(a.lat, a.lon, b.lat, b.lon)
