"""Finite-fault geometry and the shortest 3-D distance from a surface site to the rupture.

Distances use a local equirectangular projection: for each pair of points,
dx = R·Δλ·cos(φ̄), dy = R·Δφ (R = 6371.0 km, φ̄ the mean latitude of the pair). Over the
< 500 km used here this differs from great-circle distance by well under 1 %.

Two shapes (geometry in lon/lat degrees, shapely):

* ``LineString`` — the surface trace of a vertical fault plane reaching from ``top_km`` to
  ``bottom_km``. The nearest point of the plane to a surface site lies on its top edge, so
  X = sqrt(h² + top²) with h the horizontal distance to the trace (exact up to projection).
* ``Polygon`` — the surface projection of a dipping plane. The first edge of the exterior ring
  (vertex 0 → 1) is the up-dip edge at ``top_km``; depth grows linearly with the horizontal
  distance from that edge and reaches ``bottom_km`` at the farthest vertex. The plane is sampled
  on a ``mesh_km`` grid (plus its outline) and X is the minimum over the samples, which
  over-estimates X by at most about ``mesh_km``/√2 horizontally (much less at depth).

A rupture over several faults (2024 Noto: the segments of an active-fault evaluation) is a
:class:`SegmentedFault`, X the minimum over its parts; :func:`rectangular_plane` builds one part
from the parameters such evaluations publish (end point, strike, length, width, dip).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString, Polygon

from ukg_aid.geo import EARTH_RADIUS_KM

FloatArray = NDArray[np.float64]
_KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180.0


def _local_offsets_km(
    lat: float, lon: float, lats: FloatArray, lons: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """East/north offsets (km) of points from a site, equirectangular at each pair's mean lat."""
    mean_lat = np.radians((lats + lat) / 2.0)
    dx = (lons - lon) * _KM_PER_DEG * np.cos(mean_lat)
    dy = (lats - lat) * _KM_PER_DEG
    return dx, dy


def _segment_distance_km(dx: FloatArray, dy: FloatArray) -> float:
    """Shortest distance from the origin to the polyline through (dx, dy) vertices."""
    ax, ay, bx, by = dx[:-1], dy[:-1], dx[1:], dy[1:]
    ex, ey = bx - ax, by - ay
    length2 = ex * ex + ey * ey
    safe = np.where(length2 > 0, length2, 1.0)
    t = np.clip(-(ax * ex + ay * ey) / safe, 0.0, 1.0)
    px, py = ax + t * ex, ay + t * ey
    return float(np.min(np.hypot(px, py)))


@dataclass(frozen=True)
class FiniteFault:
    """A rupture: a vertical plane under a trace (LineString) or a dipping plane (Polygon)."""

    geometry: LineString | Polygon
    top_km: float
    bottom_km: float
    mesh_km: float = 2.0
    _lats: FloatArray = field(init=False, repr=False, compare=False)
    _lons: FloatArray = field(init=False, repr=False, compare=False)
    _depths: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.top_km <= self.bottom_km:
            raise ValueError("need 0 <= top_km <= bottom_km")
        if self.mesh_km <= 0:
            raise ValueError("mesh_km must be > 0")
        if isinstance(self.geometry, LineString):
            coords = np.asarray(self.geometry.coords, dtype=np.float64)
            if len(coords) < 2:
                raise ValueError("a fault trace needs at least two points")
            lons, lats, depths = coords[:, 0], coords[:, 1], np.full(len(coords), self.top_km)
        elif isinstance(self.geometry, Polygon):
            if not self.geometry.is_valid or self.geometry.area == 0:
                raise ValueError("fault polygon must be a valid, non-empty polygon")
            lons, lats, depths = _mesh_dipping_plane(self)
        else:
            raise TypeError("fault geometry must be a shapely LineString or Polygon")
        object.__setattr__(self, "_lons", lons)
        object.__setattr__(self, "_lats", lats)
        object.__setattr__(self, "_depths", depths)

    @property
    def is_line(self) -> bool:
        """True for a vertical fault under a surface trace."""
        return isinstance(self.geometry, LineString)

    def distance_km(self, lat: float, lon: float) -> float:
        """Shortest 3-D distance (km) from the surface site (lat, lon) to the rupture plane."""
        dx, dy = _local_offsets_km(lat, lon, self._lats, self._lons)
        if self.is_line:
            return math.hypot(_segment_distance_km(dx, dy), self.top_km)
        return float(np.min(np.sqrt(dx * dx + dy * dy + self._depths * self._depths)))


def _mesh_dipping_plane(fault: FiniteFault) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Sample points (lon, lat, depth) of a dipping plane on a regular km grid and its outline."""
    poly = fault.geometry
    lon0, lat0 = poly.centroid.x, poly.centroid.y
    kx = _KM_PER_DEG * math.cos(math.radians(lat0))
    poly_km = shapely.affinity.affine_transform(
        poly, [kx, 0.0, 0.0, _KM_PER_DEG, -lon0 * kx, -lat0 * _KM_PER_DEG]
    )
    minx, miny, maxx, maxy = poly_km.bounds
    step = fault.mesh_km
    gx, gy = np.meshgrid(np.arange(minx, maxx + step, step), np.arange(miny, maxy + step, step))
    inside = shapely.contains_xy(poly_km, gx.ravel(), gy.ravel())
    ring = poly_km.exterior
    along = np.arange(0.0, ring.length, step / 2)
    outline = np.asarray([ring.interpolate(s).coords[0] for s in along], dtype=np.float64)
    xs = np.concatenate([gx.ravel()[inside], outline[:, 0]])
    ys = np.concatenate([gy.ravel()[inside], outline[:, 1]])
    (x0, y0), (x1, y1) = list(ring.coords)[:2]
    ux, uy = (x1 - x0), (y1 - y0)
    norm = math.hypot(ux, uy)
    across = np.abs((xs - x0) * uy - (ys - y0) * ux) / norm
    vertices = np.asarray(ring.coords, dtype=np.float64)
    width = float(np.max(np.abs((vertices[:, 0] - x0) * uy - (vertices[:, 1] - y0) * ux) / norm))
    depths = fault.top_km + (fault.bottom_km - fault.top_km) * np.minimum(across / width, 1.0)
    return xs / kx + lon0, ys / _KM_PER_DEG + lat0, depths


@dataclass(frozen=True)
class SegmentedFault:
    """A rupture over several planes; X is the shortest distance to any of them."""

    parts: tuple[FiniteFault, ...]

    def __post_init__(self) -> None:
        if not self.parts:
            raise ValueError("a segmented fault needs at least one part")

    def distance_km(self, lat: float, lon: float) -> float:
        """Shortest 3-D distance (km) from the surface site (lat, lon) to any part."""
        return min(part.distance_km(lat, lon) for part in self.parts)


def rectangular_plane(
    *,
    lat: float,
    lon: float,
    strike_deg: float,
    length_km: float,
    width_km: float,
    dip_deg: float,
    top_km: float = 0.0,
    mesh_km: float = 2.0,
) -> FiniteFault:
    """A rectangular fault plane from an active-fault evaluation's parameters.

    (lat, lon) is the end of the top edge from which the strike (degrees clockwise from north)
    is measured; the plane dips ``dip_deg`` to the right of the strike (the usual convention)
    for ``width_km`` down-dip. Corners are placed in the equirectangular frame at ``lat``.
    A vertical plane (dip ≥ 89.9°) is returned as a trace (``LineString``).
    """
    if length_km <= 0 or width_km <= 0 or not 0 < dip_deg <= 90:
        raise ValueError("need length_km > 0, width_km > 0 and 0 < dip_deg <= 90")
    kx, ky = _KM_PER_DEG * math.cos(math.radians(lat)), _KM_PER_DEG
    strike, dip = math.radians(strike_deg), math.radians(dip_deg)
    ax, ay = math.sin(strike), math.cos(strike)  # along strike (east, north)
    bottom = top_km + width_km * math.sin(dip)

    def at(east_km: float, north_km: float) -> tuple[float, float]:
        return lon + east_km / kx, lat + north_km / ky

    if dip_deg >= 89.9:
        trace = LineString([at(0.0, 0.0), at(ax * length_km, ay * length_km)])
        return FiniteFault(trace, top_km=top_km, bottom_km=bottom, mesh_km=mesh_km)
    across = width_km * math.cos(dip)
    dx, dy = ay * across, -ax * across  # horizontal down-dip offset, right of the strike
    corners = [
        at(0.0, 0.0),
        at(ax * length_km, ay * length_km),
        at(ax * length_km + dx, ay * length_km + dy),
        at(dx, dy),
    ]
    return FiniteFault(Polygon(corners), top_km=top_km, bottom_km=bottom, mesh_km=mesh_km)
