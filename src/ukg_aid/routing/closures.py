"""Closures a plan must respect (SPEC §11): closed crossings and closed areas, as plain data.

An incident's coordinator records them; the service freezes them into a plan's inputs
(`matching.Problem.closures`, with the same JSON round trip as the rest of the problem).

What a closure does: in the land model (`land`) every origin–destination pair has exactly one way,
the straight line on one side or the chain of bridges between sides. A pair whose way uses a
closed crossing, or whose way meets a closed area (any leg of its polyline, a place inside the
area included), has no way left. A way around a closed area is not searched for: the estimate has
no road network to find one. With a road router (OSRM), which knows the roads but not the
closures, the same removals apply. Legs are tested as straight segments in the longitude/latitude
plane, which for legs of a few hundred km is within metres of the great circle at the scale of a
closed town or valley.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from ukg_aid.routing.land import LandModel, Side, Way

# A GeoJSON Polygon's rings (exterior first, then holes), each a closed ring of (lon, lat).
Area = tuple[tuple[tuple[float, float], ...], ...]
# Candidate segments tested against an area at once (bounds the memory of one step).
_CHUNK = 200_000
# Up to this many edges an area is tested edge by edge with numpy (cost: segments × edges); a more
# detailed polygon goes to shapely's prepared index (cost: segments × log edges, more per segment).
NUMPY_EDGES = 64


@dataclass(frozen=True, slots=True)
class Closures:
    """`crossings`: ids of closed crossings (``akashi-kaikyo``, ``onaruto``); `areas`: closed
    areas as GeoJSON Polygon rings."""

    crossings: frozenset[str] = frozenset()
    areas: tuple[Area, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.crossings and not self.areas

    def to_dict(self) -> dict[str, Any]:
        return {
            "crossings": sorted(self.crossings),
            "areas": [
                {"type": "Polygon", "coordinates": [[list(p) for p in ring] for ring in area]}
                for area in self.areas
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Closures:
        areas = []
        for area in data.get("areas", []):
            if not isinstance(area, Mapping) or area.get("type") != "Polygon":
                raise ValueError("a closed area must be a GeoJSON Polygon")
            areas.append(_rings(area.get("coordinates")))
        return cls(frozenset(str(c) for c in data.get("crossings", [])), tuple(areas))

    def polygons(self) -> list[Polygon]:
        return [Polygon(area[0], area[1:]) for area in self.areas]

    def check(self, land: LandModel) -> None:
        """Raise `ValueError` for an unknown crossing or an area that is not a valid polygon."""
        known = {c.id for c in land.crossings}
        unknown = sorted(self.crossings - known)
        if unknown:
            raise ValueError(f"unknown crossings {unknown}; known: {sorted(known)}")
        for k, area in enumerate(self.areas):
            for ring in area:
                if len(ring) < 4 or ring[0] != ring[-1]:
                    raise ValueError(f"closed area {k}: each ring needs 4+ positions, closed")
                if any(not (-180 <= x <= 180 and -90 <= y <= 90) for x, y in ring):
                    raise ValueError(f"closed area {k}: positions must be (lon, lat) degrees")
            polygon = Polygon(area[0], area[1:])
            if not polygon.is_valid or polygon.area <= 0:
                raise ValueError(f"closed area {k} is not a valid polygon")


def _rings(coordinates: Any) -> Area:
    try:
        rings = tuple(tuple((float(p[0]), float(p[1])) for p in ring) for ring in coordinates)
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError("a closed area's coordinates must be rings of [lon, lat]") from exc
    if not rings or any(not math.isfinite(v) for ring in rings for p in ring for v in p):
        raise ValueError("a closed area needs at least one ring of finite positions")
    return rings


def open_ways(land: LandModel, closures: Closures, origins: Any, destinations: Any) -> Any:
    """origins × destinations (arrays of (lat, lon) rows): is a way left between them?"""
    origins = np.asarray(origins, dtype=float).reshape(-1, 2)
    destinations = np.asarray(destinations, dtype=float).reshape(-1, 2)
    result = np.ones((len(origins), len(destinations)), dtype=bool)
    if closures.is_empty or not result.size:
        return result
    o_side = land.sides_of(origins[:, 0], origins[:, 1])
    d_side = land.sides_of(destinations[:, 0], destinations[:, 1])
    areas = closures.polygons()
    for area in areas:
        shapely.prepare(area)
    for a in Side:
        for b in Side:
            rows, cols = np.flatnonzero(o_side == a), np.flatnonzero(d_side == b)
            if not rows.size or not cols.size:
                continue
            way = land.way(a, b)
            cells = np.ix_(rows, cols)
            if any(c.id in closures.crossings for c in way.crossings):
                result[cells] = False
                continue
            for area in areas:
                result[cells] &= ~_way_meets(area, way, origins[rows], destinations[cols])
    return result


def _way_meets(area: Polygon, way: Way, origins: Any, destinations: Any) -> Any:
    """origins × destinations: does the route of each pair along `way` meet `area`?"""
    if not way.points:
        return _segments_meet(area, origins, destinations)
    fixed = LineString([(p.lon, p.lat) for p in way.points])
    if fixed.intersects(area):
        return np.ones((len(origins), len(destinations)), dtype=bool)
    first, last = way.points[0], way.points[-1]
    out = _segments_meet(area, origins, np.array([[first.lat, first.lon]]))[:, 0]
    back = _segments_meet(area, np.array([[last.lat, last.lon]]), destinations)[0]
    return out[:, None] | back[None, :]


def _segments_meet(area: Polygon, origins: Any, destinations: Any) -> Any:
    """origins × destinations: does the straight segment meet `area`? A bounding-box test first,
    then an exact test of the segments whose box overlaps the area's: with numpy against each
    edge for a plain polygon, with shapely's prepared index for a detailed one."""
    min_x, min_y, max_x, max_y = area.bounds
    o_lon, o_lat = origins[:, 1][:, None], origins[:, 0][:, None]
    d_lon, d_lat = destinations[:, 1][None, :], destinations[:, 0][None, :]
    near = (
        (np.minimum(o_lon, d_lon) <= max_x)
        & (np.maximum(o_lon, d_lon) >= min_x)
        & (np.minimum(o_lat, d_lat) <= max_y)
        & (np.maximum(o_lat, d_lat) >= min_y)
    )
    hit = np.zeros(near.shape, dtype=bool)
    rows, cols = np.nonzero(near)
    edges = _edges(area)
    inside_o = shapely.intersects_xy(area, origins[:, 1], origins[:, 0])
    inside_d = shapely.intersects_xy(area, destinations[:, 1], destinations[:, 0])
    for start in range(0, rows.size, _CHUNK):
        i, j = rows[start : start + _CHUNK], cols[start : start + _CHUNK]
        a = (origins[i, 1], origins[i, 0])
        b = (destinations[j, 1], destinations[j, 0])
        if len(edges) <= NUMPY_EDGES:
            hit[i, j] = inside_o[i] | inside_d[j] | _crosses_any(edges, a, b)
        else:
            ends = np.stack([np.column_stack(a), np.column_stack(b)], axis=1)
            hit[i, j] = shapely.intersects(shapely.linestrings(ends), area)
    return hit


def _edges(area: Polygon) -> Any:
    """Every edge of the polygon's rings as rows (x1, y1, x2, y2)."""
    rings = [np.asarray(r.coords) for r in (area.exterior, *area.interiors)]
    return np.vstack([np.hstack([r[:-1], r[1:]]) for r in rings])


def _crosses_any(edges: Any, a: tuple[Any, Any], b: tuple[Any, Any]) -> Any:
    """Does segment a-b (arrays of x, y) meet any edge? Closed segments: touching counts."""
    ax, ay = a
    bx, by = b
    found = np.zeros(ax.shape, dtype=bool)
    for px, py, qx, qy in edges.tolist():
        side_a = (qx - px) * (ay - py) - (qy - py) * (ax - px)
        side_b = (qx - px) * (by - py) - (qy - py) * (bx - px)
        side_p = (bx - ax) * (py - ay) - (by - ay) * (px - ax)
        side_q = (bx - ax) * (qy - ay) - (by - ay) * (qx - ax)
        boxes = (
            (np.minimum(ax, bx) <= max(px, qx))
            & (np.maximum(ax, bx) >= min(px, qx))
            & (np.minimum(ay, by) <= max(py, qy))
            & (np.maximum(ay, by) >= min(py, qy))
        )
        found |= (side_a * side_b <= 0) & (side_p * side_q <= 0) & boxes
    return found
