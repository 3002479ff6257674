"""The land model: which land a place is on, and the crossings between lands (SPEC §11).

Three sides, joined in a chain by two bridges (``data/land_model.json``, sources and licences in
``data/NOTICE.md``)::

    Honshu ── 明石海峡大橋 (akashi-kaikyo) ── Awaji ── 大鳴門橋 (onaruto) ── Shikoku

- **Honshu**: the part of the japanmap outline (``japan_outline.geojson``) holding 大阪府庁.
- **Awaji**: the GSHHG + OpenStreetMap landmask outline of 淡路島 (``crossings_landmask.geojson``);
  the hand-traced ``islands.geojson`` misses both bridge ends' surroundings, so it is not used here.
- **Shikoku**: the part of the japanmap outline holding 徳島県庁, joined with the landmask's Naruto
  side (大毛島, where the Ōnaruto Bridge lands, is absent from japanmap).

A place inside an outline is on that side (Awaji's and the Naruto outline, the accurate ones, win
where a coarse japanmap edge overlaps them); a place in none of them (a port pier, a point offshore,
a guest recipient in Kyushu or Hokkaido) is on the nearest side. So the straits of the rest of
Japan are not modelled: Kyushu and Hokkaido count as Honshu, all of Shikoku is reached through
Awaji (瀬戸大橋 and しまなみ海道 are not in the model), and ferries are not in it either.

A route between two places on the same side is the straight line: within one land it may cut a
bay (Osaka Bay between Kobe and Wakayama, 福良湾 on Awaji), which the road circuity factor stands
for, as it did before crossings were modelled. Between sides it runs to the bridge end on the
origin's side, over each bridge on the way (across Awaji through the waypoints that keep the
transit on the island), and from the last bridge end to the destination. Each pair of sides has
exactly one such way, so a closed crossing removes it (see ``closures``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from ukg_aid.geo import EARTH_RADIUS_KM, Point, distance_km

# Local equirectangular projection centred on the straits, used only to pick the nearest side.
_LAT0 = 34.5
_KM_PER_DEG_LAT = 110.574
_KM_PER_DEG_LON = 111.320 * math.cos(math.radians(_LAT0))


class Side(IntEnum):
    """A land of the model; the values index side arrays."""

    HONSHU = 0
    AWAJI = 1
    SHIKOKU = 2


# Which side wins where outlines overlap: the accurate landmask outlines first.
_PRIORITY = (Side.AWAJI, Side.SHIKOKU, Side.HONSHU)


@dataclass(frozen=True, slots=True)
class Crossing:
    """A bridge: `ends[k]` stands on `sides[k]`."""

    id: str
    name_ja: str
    name_en: str
    sides: tuple[Side, Side]
    ends: tuple[Point, Point]


@dataclass(frozen=True, slots=True)
class Way:
    """The fixed part of every route from side `start` to side `stop`: the points it passes
    (first bridge end on `start`'s side ... last bridge end on `stop`'s side) and the crossings it
    uses, in order. Between places on one side a way has no points and no crossings."""

    start: Side
    stop: Side
    points: tuple[Point, ...]
    crossings: tuple[Crossing, ...]

    @property
    def fixed_km(self) -> float:
        """Great-circle km along `points` (the bridges and the transits between them)."""
        return sum(distance_km(a, b) for a, b in pairwise(self.points))


@dataclass(frozen=True, slots=True)
class Route:
    """One place to another: the polyline (origin, way points..., destination) and its crossings."""

    points: tuple[Point, ...]
    crossings: tuple[Crossing, ...]

    @property
    def straight_km(self) -> float:
        """Great-circle km along the polyline (the estimate multiplies it by road circuity)."""
        return sum(distance_km(a, b) for a, b in pairwise(self.points))


class LandModel:
    """Sides (outlines), crossings and the ways between sides; see the module docstring."""

    def __init__(
        self,
        outlines: dict[Side, BaseGeometry],
        crossings: tuple[Crossing, ...],
        transits: dict[tuple[Side, str, str], tuple[Point, ...]],
    ) -> None:
        self.outlines = outlines
        self.crossings = crossings
        self._km = {side: shapely.transform(g, _to_km) for side, g in outlines.items()}
        for geom in self._km.values():
            shapely.prepare(geom)
        self._ways = {
            (a, b): _way(crossings, transits, a, b) for a in Side for b in Side if a is not b
        }

    def crossing(self, crossing_id: str) -> Crossing:
        for c in self.crossings:
            if c.id == crossing_id:
                return c
        raise KeyError(crossing_id)

    def sides_of(self, lat: Any, lon: Any) -> Any:
        """The side of every place (arrays of degrees) as an array of `Side` values."""
        x, y = _to_km(np.column_stack([np.ravel(lon), np.ravel(lat)]).astype(float)).T
        found = np.full(x.shape, -1, dtype=np.int64)
        for side in reversed(_PRIORITY):
            found[shapely.contains_xy(self._km[side], x, y)] = side
        outside = np.flatnonzero(found < 0)
        if outside.size:
            points = shapely.points(x[outside], y[outside])
            gaps = np.column_stack([shapely.distance(self._km[s], points) for s in Side])
            found[outside] = np.argmin(gaps, axis=1)
        return found

    def side_of(self, point: Point) -> Side:
        return Side(int(self.sides_of(np.array([point.lat]), np.array([point.lon]))[0]))

    def way(self, start: Side, stop: Side) -> Way:
        if start is stop:
            return Way(start, stop, (), ())
        return self._ways[(start, stop)]

    def route(self, origin: Point, destination: Point) -> Route:
        way = self.way(self.side_of(origin), self.side_of(destination))
        return Route((origin, *way.points, destination), way.crossings)

    def reroute(self, km: Any, origins: Any, destinations: Any, scale: float) -> None:
        """Overwrite, in place, the cells of `km` (origins × destinations, great-circle km ×
        `scale`) between different sides with the way over the bridges, × `scale`.

        `origins`, `destinations`: arrays of (lat, lon) in degrees."""
        if not km.size:
            return
        o_side = self.sides_of(origins[:, 0], origins[:, 1])
        d_side = self.sides_of(destinations[:, 0], destinations[:, 1])
        for (a, b), way in self._ways.items():
            rows, cols = np.flatnonzero(o_side == a), np.flatnonzero(d_side == b)
            if not rows.size or not cols.size:
                continue
            first, last = way.points[0], way.points[-1]
            to_first = haversine_to(origins[rows], first)
            from_last = haversine_to(destinations[cols], last)
            legs = to_first[:, None] + (way.fixed_km + from_last)[None, :]
            km[np.ix_(rows, cols)] = legs * scale


def haversine_to(points: Any, target: Point) -> Any:
    """Great-circle km from each (lat, lon) row of `points` to `target` (R = 6371.0 km)."""
    lat = np.radians(points[:, 0])
    lon = np.radians(points[:, 1])
    t_lat, t_lon = math.radians(target.lat), math.radians(target.lon)
    a = (
        np.sin((t_lat - lat) / 2) ** 2
        + np.cos(lat) * math.cos(t_lat) * np.sin((t_lon - lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _to_km(coords: Any) -> Any:
    return coords * [_KM_PER_DEG_LON, _KM_PER_DEG_LAT]


def _way(
    crossings: tuple[Crossing, ...],
    transits: dict[tuple[Side, str, str], tuple[Point, ...]],
    start: Side,
    stop: Side,
) -> Way:
    """The chain of crossings from `start` to `stop` (the sides form a path, so it is unique),
    with the transit waypoints on each side passed through between two crossings."""
    path = _side_path(crossings, start, stop)
    points: list[Point] = []
    side, previous = start, None
    for c in path:
        here = c.sides.index(side)
        if previous is not None:
            points += transits.get((side, previous.id, c.id), ())
        points += [c.ends[here], c.ends[1 - here]]
        side, previous = c.sides[1 - here], c
    return Way(start, stop, tuple(points), tuple(path))


def _side_path(crossings: tuple[Crossing, ...], start: Side, stop: Side) -> list[Crossing]:
    """Breadth-first search over sides joined by crossings."""
    previous: dict[Side, tuple[Side, Crossing] | None] = {start: None}
    frontier = [start]
    while frontier:
        side = frontier.pop(0)
        for c in crossings:
            if side in c.sides:
                other = c.sides[1 - c.sides.index(side)]
                if other not in previous:
                    previous[other] = (side, c)
                    frontier.append(other)
    if stop not in previous:
        raise ValueError(f"the land model joins no way from {start.name} to {stop.name}")
    path: list[Crossing] = []
    side = stop
    while (step := previous[side]) is not None:
        side, c = step
        path.append(c)
    return path[::-1]


def _read(name: str) -> Any:
    return json.loads(resources.files("ukg_aid").joinpath(f"data/{name}").read_text("utf-8"))


def _outlines(spec: dict[str, Any]) -> dict[Side, BaseGeometry]:
    main = shape(_read("japan_outline.geojson")["features"][0]["geometry"]).buffer(0)
    mask = {f["properties"]["name"]: shape(f["geometry"]) for f in _read(spec["mask"])["features"]}

    def part_holding(anchor: list[float]) -> BaseGeometry:
        here = ShapelyPoint(anchor)
        return next(g for g in getattr(main, "geoms", [main]) if g.contains(here))

    sides = spec["sides"]
    return {
        Side.HONSHU: part_holding(sides["honshu"]["anchor"]),
        Side.AWAJI: mask[sides["awaji"]["landmask_feature"]],
        Side.SHIKOKU: unary_union(
            [part_holding(sides["shikoku"]["anchor"]), mask[sides["shikoku"]["landmask_feature"]]]
        ),
    }


@lru_cache(maxsize=1)
def land_model() -> LandModel:
    """The shipped land model (built by ``data/geography/build_land_model.py``)."""
    spec: dict[str, Any] = _read("land_model.json")
    spec["mask"] = "crossings_landmask.geojson"
    by_name = {s.name.lower(): s for s in Side}
    crossings = tuple(
        Crossing(
            id=c["id"],
            name_ja=c["name_ja"],
            name_en=c["name_en"],
            sides=(by_name[c["ends"][0]["side"]], by_name[c["ends"][1]["side"]]),
            ends=(
                Point(c["ends"][0]["lat"], c["ends"][0]["lon"]),
                Point(c["ends"][1]["lat"], c["ends"][1]["lon"]),
            ),
        )
        for c in spec["crossings"]
    )
    transits: dict[tuple[Side, str, str], tuple[Point, ...]] = {}
    for t in spec["transits"]:
        waypoints = tuple(Point(lat, lon) for lon, lat in t["waypoints"])
        first, second = t["between"]
        transits[(by_name[t["side"]], first, second)] = waypoints
        transits[(by_name[t["side"]], second, first)] = waypoints[::-1]
    return LandModel(_outlines(spec), crossings, transits)
