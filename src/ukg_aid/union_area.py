"""The union's area: member prefecture outlines buffered by ~15 km (SPEC §2).

Outlines: japanmap 0.6.0 (Apache-2.0, see ``data/NOTICE.md``), which omits islands. The 15 km
buffer does not reach central Awaji (about 21 km from Hyogo's outline), so a hand-traced
approximate Awaji outline (``data/islands.geojson``, an assumption, about ±3 km) is added.
"""

from __future__ import annotations

import json
import math
import threading
from functools import lru_cache
from importlib import resources
from typing import Any

import shapely
from shapely import Point, Polygon
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

# Local equirectangular projection centred on Kansai: good to well under 1 % over the union.
_LAT0 = 34.8
_KM_PER_DEG_LAT = 110.574
_KM_PER_DEG_LON = 111.320 * math.cos(math.radians(_LAT0))


def _to_km(lon: float, lat: float) -> tuple[float, float]:
    return lon * _KM_PER_DEG_LON, lat * _KM_PER_DEG_LAT


def _array_to_km(coords: Any) -> Any:
    return coords * [_KM_PER_DEG_LON, _KM_PER_DEG_LAT]


@lru_cache(maxsize=1)
def outlines() -> dict[str, Any]:
    """The shipped prefecture outlines as a GeoJSON FeatureCollection."""
    text = resources.files("ukg_aid").joinpath("data/member_prefectures.geojson").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def islands() -> dict[str, Any]:
    """Supplementary island outlines (approximate, see the module docstring)."""
    text = resources.files("ukg_aid").joinpath("data/islands.geojson").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


_BUILDING = threading.Lock()


def union_area_km(buffer_km: float) -> BaseGeometry:
    """The union (in local km coordinates) buffered by ``buffer_km``, built once per process and
    buffer; threads asking at the same time wait for the one build (see ``japan_area``)."""
    with _BUILDING:
        return _build_area_km(buffer_km)


def ready(buffer_km: float) -> bool:
    """Whether the area for ``buffer_km`` is built."""
    return buffer_km in _BUILT


_BUILT: set[float] = set()


@lru_cache(maxsize=8)
def _build_area_km(buffer_km: float) -> BaseGeometry:
    polys = []
    for feature in outlines()["features"] + islands()["features"]:
        geom = shape(feature["geometry"]).buffer(0)  # repairs the self-intersecting rings
        polys.append(shapely.transform(geom, _array_to_km))
    area = unary_union(polys).buffer(buffer_km)
    shapely.prepare(area)  # point tests in microseconds
    _BUILT.add(buffer_km)
    return area


def contains(lat: float, lon: float, *, buffer_km: float = 15.0) -> bool:
    """Is the point inside the union's buffered area?"""
    x, y = _to_km(lon, lat)
    return bool(union_area_km(buffer_km).contains(Point(x, y)))


def members_feature_collection(
    members: list[tuple[str, str, str, float, float]],
) -> dict[str, Any]:
    """Outlines for prefectures, office points for every member."""
    by_code = {str(f["properties"]["code"]): f for f in outlines()["features"]}
    features: list[dict[str, Any]] = []
    for code, name, kind, lat, lon in members:
        props = {"code": code, "name_en": name, "kind": kind}
        if code in by_code:
            geom: Polygon = shape(by_code[code]["geometry"]).buffer(0)
            features.append(
                {
                    "type": "Feature",
                    "properties": {**props, "feature": "outline"},
                    "geometry": geom.__geo_interface__,
                }
            )
        features.append(
            {
                "type": "Feature",
                "properties": {**props, "feature": "office"},
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
        )
    return {"type": "FeatureCollection", "features": features}
