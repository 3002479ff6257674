"""Japan's area: is a position in Japan at all? (issue 8; reused for guests anywhere in Japan).

Data (``data/japan_outline.geojson``, built by ``data/geography/build_japan_outline.py``, see
``data/NOTICE.md``): the 47 prefectures' main areas from japanmap 0.6.0 merged into one outline
(simplified by about 1 km), plus the offices of the 62 island municipalities that outline omits
(japancode 0.1.0), such as Sado city, Tsushima city, Hachijō town, Ogasawara village and
Yonaguni town.

A point is inside Japan when it lies within ``OUTLINE_BUFFER_KM`` of the outline or within
``ISLAND_RADIUS_KM`` of an island office. The outline buffer takes in the coastal islands and the
outline's own coarseness (Awaji at 17-22 km, Izu Ōshima at 25 km, Niijima at 39 km) while
keeping Sakhalin out (Cape Crillon is 43 km from Hokkaido's outline). The island radius spans
Tsushima (its north end is about 60 km from the city office at Izuhara) while the Korean coast
stays beyond 85 km of that office. Still outside: islands more than 70 km from any municipal
office and 40 km from the outline — Iōtō, Minamitorishima and Okinotorishima (no resident
civilians), the southern Tokara islands such as Takarajima (Toshima village's office is in
Kagoshima city), the Senkaku islands and Takeshima; the nearer shore of Kunashir (Northern
Territories) falls inside the 40 km buffer. ``docs/reliability.md`` has the figures.

Distances are measured in local equirectangular projections (per 1° latitude band for the outline,
at the point for offices), good to about 1 % of the buffer.
"""

from __future__ import annotations

import json
import math
import threading
from functools import lru_cache
from importlib import resources
from typing import Any

import shapely
from shapely import Point
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

OUTLINE_BUFFER_KM = 40.0
ISLAND_RADIUS_KM = 70.0
_KM_PER_DEG_LAT = 110.574
_KM_PER_DEG_LON_EQUATOR = 111.320


@lru_cache(maxsize=1)
def japan_outline() -> dict[str, Any]:
    """The shipped outline and island offices as a GeoJSON FeatureCollection."""
    text = resources.files("ukg_aid").joinpath("data/japan_outline.geojson").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _buffer_degrees(geom: BaseGeometry, km: float, lat: float) -> BaseGeometry:
    """``geom`` (lon/lat) buffered by ``km`` in an equirectangular projection true at ``lat``."""
    kx = _KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat))
    scale = [kx, _KM_PER_DEG_LAT]
    in_km = shapely.transform(geom, lambda c: c * scale)
    return shapely.transform(in_km.buffer(km), lambda c: c / scale)


def _buffered_outline(outline: BaseGeometry, km: float) -> BaseGeometry:
    """The outline buffered band by band: the buffer of a union is the union of the buffers,
    so cutting it into 1° latitude bands lets each band use its own east-west scale."""
    west, south, east, north = outline.bounds
    parts = []
    for lat0 in range(math.floor(south), math.ceil(north)):
        piece = outline.intersection(box(west, lat0, east, lat0 + 1))
        if not piece.is_empty:
            parts.append(_buffer_degrees(piece, km, lat0 + 0.5))
    return unary_union(parts)


_BUILDING = threading.Lock()


def japan_area(
    outline_buffer_km: float = OUTLINE_BUFFER_KM, island_radius_km: float = ISLAND_RADIUS_KM
) -> BaseGeometry:
    """Japan as accepted positions (lon/lat degrees), prepared for fast point tests.

    Built once per process (seconds of CPU): the lock makes the threads that ask at the same
    time wait for that one build instead of each building its own copy (issue 11: the first
    requests under load all did)."""
    with _BUILDING:
        return _build_area(outline_buffer_km, island_radius_km)


def ready() -> bool:
    """Whether the default area is built, so a point test costs microseconds."""
    return _build_area.cache_info().currsize > 0


@lru_cache(maxsize=4)
def _build_area(outline_buffer_km: float, island_radius_km: float) -> BaseGeometry:
    features = japan_outline()["features"]
    outline = unary_union(
        [shape(f["geometry"]) for f in features if f["properties"]["kind"] == "main_areas"]
    )
    areas = [_buffered_outline(outline, outline_buffer_km)]
    for f in features:
        if f["properties"]["kind"] == "island_office":
            lon, lat = f["geometry"]["coordinates"]
            areas.append(_buffer_degrees(Point(lon, lat), island_radius_km, lat))
    area = unary_union(areas)
    shapely.prepare(area)
    return area


def inside_japan(lat: float, lon: float) -> bool:
    """Is the position (WGS 84 degrees) inside Japan as defined in the module docstring?"""
    return bool(japan_area().contains(Point(lon, lat)))


def vertices_outside_japan(rings: list[list[list[float]]]) -> list[tuple[int, int, float, float]]:
    """The vertices of a GeoJSON polygon's rings (``[lon, lat]`` positions) outside Japan, as
    (ring index, position index, lat, lon): an area a coordinator or EMS draws (a closure, a
    weather hold) lies in Japan when this is empty."""
    return [
        (i, j, lat, lon)
        for i, ring in enumerate(rings)
        for j, (lon, lat) in enumerate(ring)
        if not inside_japan(lat, lon)
    ]
