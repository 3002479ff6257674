"""Positions of the seed depots and helicopter bases against the shipped prefecture outlines
(and the approximate Awaji outline the service adds)."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from tests.seed_data.seed_files import Row, read_rows
from ukg_aid.geo import haversine_km

BUFFER_KM = 15.0
CITY_RADIUS_KM = 25.0
KM_PER_DEG_LAT = 6371.0 * math.pi / 180


def _km_outside(outline: BaseGeometry, lat: float, lon: float) -> float:
    """Distance in km from a point to an outline (0 inside).

    Both are projected on a local equirectangular grid centred on the point (x = lon·cos(lat),
    y = lat, in km); over the ~100 km that matter here the error is well under 1 %.
    """
    kx = KM_PER_DEG_LAT * math.cos(math.radians(lat))

    def to_km(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(((coords[:, 0] - lon) * kx, (coords[:, 1] - lat) * KM_PER_DEG_LAT))

    return float(shapely.transform(outline, to_km).distance(Point(0.0, 0.0)))


def _prefecture_of(code: str, members: list[Row]) -> str:
    member = next(m for m in members if m["code"] == code)
    return member["parent_code"] or member["code"]


def test_every_depot_lies_within_its_prefecture_buffered_by_15_km(
    depots: list[Row], members: list[Row], outlines: dict[str, BaseGeometry]
) -> None:
    for d in depots:
        outline = outlines[_prefecture_of(d["member_code"], members)]
        assert _km_outside(outline, float(d["lat"]), float(d["lon"])) <= BUFFER_KM, d["key"]


def test_every_seeded_depot_is_on_land(
    depots: list[Row], outlines: dict[str, BaseGeometry]
) -> None:
    land = unary_union(list(outlines.values()))
    for d in depots:
        assert land.contains(Point(float(d["lon"]), float(d["lat"]))), d["key"]


def test_city_depots_lie_near_their_city_hall(depots: list[Row], members: list[Row]) -> None:
    halls = {m["code"]: m for m in members if m["kind"] == "city"}
    for d in depots:
        hall = halls.get(d["member_code"])
        if hall is None:
            continue
        km = haversine_km(
            float(d["lat"]), float(d["lon"]), float(hall["office_lat"]), float(hall["office_lon"])
        )
        assert km <= CITY_RADIUS_KM, d["key"]


def test_unseeded_depots_are_really_outside_the_buffered_outline(
    members: list[Row], outlines: dict[str, BaseGeometry]
) -> None:
    """Only facilities the service would reject may be kept out of depots.csv."""
    _, rows = read_rows("depots_not_seeded.csv")
    for d in rows:
        outline = outlines[_prefecture_of(d["member_code"], members)]
        assert _km_outside(outline, float(d["lat"]), float(d["lon"])) > BUFFER_KM, d["key"]
        assert d["reason"].strip()


def test_heli_bases_lie_within_their_members_buffered_outline(
    helicopters: list[Row], members: list[Row], outlines: dict[str, BaseGeometry]
) -> None:
    for h in helicopters:
        outline = outlines[_prefecture_of(h["member_code"], members)]
        lat, lon = float(h["base_lat"]), float(h["base_lon"])
        assert _km_outside(outline, lat, lon) <= BUFFER_KM, h["callsign"]
