"""Closures as plain data, and which ways they leave open (SPEC §11)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Polygon
from shapely.geometry import Point as ShapelyPoint

from ukg_aid.geo import Point
from ukg_aid.routing import Closures, Side, land_model, open_ways
from ukg_aid.routing.closures import NUMPY_EDGES, _edges, _segments_meet

LAND = land_model()
# Offices (shared/reference members.csv, municipalities.csv): Honshu, Awaji, Shikoku.
KOBE = (34.691389, 135.183056)
OSAKA = (34.686389, 135.52)
WAKAYAMA = (34.230556, 135.170833)
AWAJI_CITY = (34.44, 134.914722)
SUMOTO = (34.3425, 134.895556)
NARUTO = (34.1725, 134.608889)
TOKUSHIMA = (34.065833, 134.559444)
PLACES = [KOBE, OSAKA, WAKAYAMA, AWAJI_CITY, SUMOTO, NARUTO, TOKUSHIMA]
SIDE = {p: LAND.side_of(Point(*p)) for p in PLACES}


def _box(lon0: float, lat0: float, lon1: float, lat1: float) -> tuple[tuple[float, float], ...]:
    return ((lon0, lat0), (lon1, lat0), (lon1, lat1), (lon0, lat1), (lon0, lat0))


def _open(closures: Closures) -> dict[tuple[tuple[float, float], tuple[float, float]], bool]:
    grid = open_ways(LAND, closures, np.array(PLACES), np.array(PLACES))
    return {(a, b): bool(grid[i, j]) for i, a in enumerate(PLACES) for j, b in enumerate(PLACES)}


def test_no_closures_leave_every_way_open() -> None:
    assert all(_open(Closures()).values())


def test_a_closed_akashi_bridge_cuts_honshu_from_awaji_and_shikoku() -> None:
    ways = _open(Closures(frozenset({"akashi-kaikyo"})))
    for (a, b), is_open in ways.items():
        crosses_akashi = Side.HONSHU in {SIDE[a], SIDE[b]} and SIDE[a] is not SIDE[b]
        assert is_open is not crosses_akashi, (a, b)


def test_both_bridges_closed_leave_awaji_alone() -> None:
    ways = _open(Closures(frozenset({"akashi-kaikyo", "onaruto"})))
    for (a, b), is_open in ways.items():
        assert is_open is (SIDE[a] is SIDE[b]), (a, b)


def test_a_closed_area_cuts_the_ways_through_it_and_out_of_it() -> None:
    around_kobe = Closures(areas=((_box(135.10, 34.64, 135.25, 34.75),),))
    ways = _open(around_kobe)
    assert not ways[(KOBE, OSAKA)] and not ways[(OSAKA, KOBE)] and not ways[(KOBE, KOBE)]
    assert not ways[(OSAKA, AWAJI_CITY)], "Osaka → the Akashi bridge passes through Kobe"
    assert ways[(OSAKA, WAKAYAMA)] and ways[(AWAJI_CITY, TOKUSHIMA)] and ways[(OSAKA, OSAKA)]


def test_an_area_on_the_awaji_transit_cuts_honshu_from_shikoku_only() -> None:
    central_awaji = Closures(areas=((_box(134.70, 34.26, 134.95, 34.40),),))
    ways = _open(central_awaji)
    assert not ways[(OSAKA, TOKUSHIMA)] and not ways[(NARUTO, KOBE)]
    assert ways[(OSAKA, AWAJI_CITY)] and ways[(OSAKA, WAKAYAMA)] and ways[(NARUTO, TOKUSHIMA)]
    assert not ways[(SUMOTO, SUMOTO)], "a place inside a closed area is cut off"


def test_closures_round_trip_as_json() -> None:
    closures = Closures(
        frozenset({"onaruto"}),
        ((_box(135.1, 34.6, 135.2, 34.7), _box(135.12, 34.62, 135.13, 34.63)),),
    )
    data = json.loads(json.dumps(closures.to_dict()))
    assert data["areas"][0]["type"] == "Polygon"
    assert Closures.from_dict(data) == closures
    assert Closures.from_dict({}) == Closures() and Closures().is_empty


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"crossings": ["seto-ohashi"]}, "unknown crossings"),
        ({"areas": [{"type": "Point", "coordinates": [135.0, 34.0]}]}, "GeoJSON Polygon"),
        ({"areas": [{"type": "Polygon", "coordinates": [[[135, 34], [136, 34], [135, 35]]]}]}, "4"),
        (
            {
                "areas": [
                    {
                        "type": "Polygon",
                        "coordinates": [[[135, 34], [136, 35], [136, 34], [135, 35], [135, 34]]],
                    }
                ]
            },
            "not a valid polygon",
        ),
        (
            {
                "areas": [
                    {
                        "type": "Polygon",
                        "coordinates": [[[35, 135], [36, 135], [36, 136], [35, 136], [35, 135]]],
                    }
                ]
            },
            "degrees",
        ),
        ({"areas": [{"type": "Polygon", "coordinates": "nonsense"}]}, "rings"),
    ],
)
def test_malformed_closures_are_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Closures.from_dict(data).check(LAND)


coords = st.tuples(st.floats(33.9, 34.9), st.floats(134.4, 135.6))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(coords, min_size=1, max_size=5),
    st.lists(coords, min_size=1, max_size=5),
    st.sets(st.sampled_from(["akashi-kaikyo", "onaruto"])),
    st.tuples(coords, st.floats(0.02, 0.3), st.floats(0.02, 0.3)),
)
def test_open_ways_agree_with_each_route(
    origins: list[tuple[float, float]],
    destinations: list[tuple[float, float]],
    crossings: set[str],
    box: tuple[tuple[float, float], float, float],
) -> None:
    """The vectorised test equals the one-route test: a way is open unless it uses a closed
    crossing or its polyline meets the closed area."""
    (lat, lon), width, height = box
    area = _box(lon, lat, lon + width, lat + height)
    closures = Closures(frozenset(crossings), ((area,),))
    grid = open_ways(LAND, closures, np.array(origins), np.array(destinations))
    polygon = Polygon(area)
    for i, o in enumerate(origins):
        for j, d in enumerate(destinations):
            route = LAND.route(Point(*o), Point(*d))
            line = LineString([(p.lon, p.lat) for p in route.points])
            blocked = any(c.id in crossings for c in route.crossings) or line.intersects(polygon)
            assert bool(grid[i, j]) is not blocked


SHAPES = {
    "box": Polygon(_box(135.0, 34.5, 135.2, 34.6)),
    "concave L": Polygon(
        [(135.0, 34.5), (135.3, 34.5), (135.3, 34.55), (135.05, 34.55), (135.05, 34.8),
         (135.0, 34.8), (135.0, 34.5)]
    ),
    "ring with a hole": Polygon(_box(135.0, 34.5, 135.4, 34.9), [_box(135.1, 34.6, 135.3, 34.8)]),
    "detailed circle": ShapelyPoint(135.2, 34.7).buffer(0.15, quad_segs=40),
}  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(SHAPES)),
    st.lists(st.tuples(st.floats(34.3, 35.1), st.floats(134.8, 135.6)), min_size=1, max_size=8),
    st.lists(st.tuples(st.floats(34.3, 35.1), st.floats(134.8, 135.6)), min_size=1, max_size=8),
)
def test_segment_tests_agree_with_shapely(
    shape: str, origins: list[tuple[float, float]], destinations: list[tuple[float, float]]
) -> None:
    """Both exact tests (numpy edge by edge for plain areas, shapely for detailed ones) say what
    shapely says of each segment."""
    area = SHAPES[shape]
    assert (len(_edges(area)) <= NUMPY_EDGES) is (shape != "detailed circle")
    hits = _segments_meet(area, np.array(origins), np.array(destinations))
    for i, (o_lat, o_lon) in enumerate(origins):
        for j, (d_lat, d_lon) in enumerate(destinations):
            expected = LineString([(o_lon, o_lat), (d_lon, d_lat)]).intersects(area)
            assert bool(hits[i, j]) is expected
