"""The land model: no route crosses the sea except over a bridge (SPEC §11).

Places are drawn inside the model's land outlines on both sides of the Akashi Strait and of the
Naruto Strait (hypothesis: a grid of land points in a box around each strait, jittered). For every
pair, each leg of its route either is a bridge (its two ends, in the order of the route's
crossings) or joins two places on the same land without touching another land; and the estimate's
km is the via-bridge distance, recomputed here from the bridge ends alone.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from itertools import pairwise
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString
from shapely.geometry import Point as ShapelyPoint

from ukg_aid.geo import Point, distance_km
from ukg_aid.matching import EstimateTravel
from ukg_aid.routing import Side, land_model

LAND = land_model()
TRAVEL = EstimateTravel()
# (side, lat from, lat to, lon from, lon to): land on each shore of the two straits.
SHORES = {
    "akashi-honshu": (Side.HONSHU, 34.62, 34.78, 134.85, 135.20),
    "akashi-awaji": (Side.AWAJI, 34.42, 34.62, 134.85, 135.05),
    "naruto-awaji": (Side.AWAJI, 34.17, 34.36, 134.64, 134.86),
    "naruto-shikoku": (Side.SHIKOKU, 34.02, 34.25, 134.42, 134.67),
}
STRAITS = [
    ("akashi-honshu", "akashi-awaji"),
    ("naruto-awaji", "naruto-shikoku"),
    ("akashi-honshu", "naruto-shikoku"),
]


@cache
def _grid(shore: str) -> tuple[tuple[float, float], ...]:
    side, lat0, lat1, lon0, lon1 = SHORES[shore]
    outline = LAND.outlines[side]
    return tuple(
        (float(lat), float(lon))
        for lat in np.arange(lat0, lat1, 0.01)
        for lon in np.arange(lon0, lon1, 0.01)
        if outline.contains(ShapelyPoint(lon, lat))
    )


@st.composite
def places(draw: st.DrawFn, shore: str) -> Point:
    lat, lon = draw(st.sampled_from(_grid(shore)))
    point = Point(lat + draw(st.floats(-0.005, 0.005)), lon + draw(st.floats(-0.005, 0.005)))
    assume(LAND.outlines[SHORES[shore][0]].contains(ShapelyPoint(point.lon, point.lat)))
    return point


@st.composite
def strait_pairs(draw: st.DrawFn) -> tuple[Point, Point]:
    near, far = draw(st.sampled_from(STRAITS))
    a, b = draw(places(near)), draw(places(far))
    return (a, b) if draw(st.booleans()) else (b, a)


def _land_of(p: Point) -> set[Side]:
    return {
        s for s, outline in LAND.outlines.items() if outline.intersects(ShapelyPoint(p.lon, p.lat))
    }


def _legs(points: tuple[Point, ...]) -> list[tuple[Point, Point]]:
    return list(pairwise(points))


PAIRS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PAIRS
@given(strait_pairs())
def test_no_route_crosses_the_sea_except_over_a_bridge(pair: tuple[Point, Point]) -> None:
    origin, destination = pair
    route = LAND.route(origin, destination)
    assert route.points[0] == origin and route.points[-1] == destination
    bridges = [c.ends for c in route.crossings]
    bridge_legs = {frozenset(ends) for ends in bridges}
    used = []
    for a, b in _legs(route.points):
        if frozenset((a, b)) in bridge_legs:
            used.append(frozenset((a, b)))
            continue
        lands = _land_of(a) & _land_of(b)
        assert lands, f"leg {a} → {b} joins two lands without a bridge"
        leg = LineString([(a.lon, a.lat), (b.lon, b.lat)])
        for other in set(Side) - lands:
            assert not leg.intersects(LAND.outlines[other]), f"leg {a} → {b} touches {other.name}"
    assert used == [frozenset(ends) for ends in bridges]
    assert _land_of(origin) != _land_of(destination)
    assert route.crossings, "places on two lands need a crossing"


def _via_bridges_km(origin: Point, destination: Point) -> float:
    """Straight legs over the bridge ends only (no transit waypoints), from the crossings data."""
    akashi, onaruto = LAND.crossing("akashi-kaikyo"), LAND.crossing("onaruto")
    sides = (LAND.side_of(origin), LAND.side_of(destination))
    chain = {
        frozenset({Side.HONSHU, Side.AWAJI}): [akashi],
        frozenset({Side.AWAJI, Side.SHIKOKU}): [onaruto],
        frozenset({Side.HONSHU, Side.SHIKOKU}): [akashi, onaruto],
    }[frozenset(sides)]
    if sides[0] is not Side.HONSHU and sides[1] is not Side.SHIKOKU:
        chain = chain[::-1]
    stops = [origin]
    for c in chain:
        here = c.sides.index(LAND.side_of(stops[-1]))
        stops += [c.ends[here], c.ends[1 - here]]
    stops.append(destination)
    return sum(distance_km(a, b) for a, b in _legs(tuple(stops)))


@PAIRS
@given(strait_pairs())
def test_the_estimate_drives_over_the_bridges(pair: tuple[Point, Point]) -> None:
    origin, destination = pair
    km = TRAVEL.distances_km([origin], [destination])[0][0]
    assert km == pytest.approx(TRAVEL.circuity * LAND.route(origin, destination).straight_km)
    assert km >= TRAVEL.circuity * _via_bridges_km(origin, destination) * (1 - 1e-9)
    assert km > TRAVEL.circuity * distance_km(origin, destination)


def test_bulk_matrix_equals_each_route() -> None:
    """The vectorised estimate (one numpy matrix per item) equals the one-pair routes."""
    shores = [p for shore in SHORES for p in _grid(shore)[::15]]
    points = [Point(lat, lon) for lat, lon in shores]
    table = TRAVEL.matrix(points, points)
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            expected = TRAVEL.circuity * LAND.route(a, b).straight_km
            assert table[i, j] == pytest.approx(expected, rel=1e-9, abs=1e-9)


# Offices: shared/reference members.csv and municipalities.csv (GSI; code4fukui/localgovjp), and
# data/reference/guests.csv for Ishikawa.
@pytest.mark.parametrize(
    ("name", "lat", "lon", "side"),
    [
        ("大阪府庁", 34.686389, 135.52, Side.HONSHU),
        ("兵庫県庁", 34.691389, 135.183056, Side.HONSHU),
        ("明石市役所", 34.643056, 134.9975, Side.HONSHU),
        ("和歌山市役所", 34.230556, 135.170833, Side.HONSHU),
        ("淡路市役所", 34.44, 134.914722, Side.AWAJI),
        ("洲本市役所", 34.3425, 134.895556, Side.AWAJI),
        ("南あわじ市役所", 34.294417, 134.779952, Side.AWAJI),
        ("鳴門市役所", 34.1725, 134.608889, Side.SHIKOKU),
        ("徳島県庁", 34.065833, 134.559444, Side.SHIKOKU),
        ("石川県庁 (a guest recipient)", 36.594682, 136.625573, Side.HONSHU),
    ],
)
def test_places_are_on_the_land_they_are_on(name: str, lat: float, lon: float, side: Side) -> None:
    assert LAND.side_of(Point(lat, lon)) is side, name


def test_a_place_offshore_counts_on_the_nearest_land() -> None:
    """A fifth of the way from the Akashi bridge's Awaji end to its Honshu end, over the water."""
    awaji_end, honshu_end = (
        LAND.crossing("akashi-kaikyo").ends[1],
        LAND.crossing("akashi-kaikyo").ends[0],
    )
    at = Point(
        awaji_end.lat + 0.2 * (honshu_end.lat - awaji_end.lat),
        awaji_end.lon + 0.2 * (honshu_end.lon - awaji_end.lon),
    )
    assert not _land_of(at)
    assert LAND.side_of(at) is Side.AWAJI


def test_each_bridge_end_is_on_its_side_and_the_awaji_transit_stays_on_the_island() -> None:
    for c in LAND.crossings:
        assert tuple(LAND.side_of(end) for end in c.ends) == c.sides
    way = LAND.way(Side.HONSHU, Side.SHIKOKU)
    assert [c.id for c in way.crossings] == ["akashi-kaikyo", "onaruto"]
    on_awaji = LineString([(p.lon, p.lat) for p in way.points[1:-1]])
    assert LAND.outlines[Side.AWAJI].contains(on_awaji)
    assert LAND.way(Side.SHIKOKU, Side.HONSHU).points == way.points[::-1]


def test_wakayama_to_sumoto_goes_round_by_akashi_not_across_the_kii_channel() -> None:
    wakayama, sumoto = Point(34.230556, 135.170833), Point(34.3425, 134.895556)
    route = LAND.route(wakayama, sumoto)
    assert [c.name_ja for c in route.crossings] == ["明石海峡大橋"]
    assert route.straight_km > 2.5 * distance_km(wakayama, sumoto)


def _build_script() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "data" / "geography" / "build_land_model.py"
    spec = importlib.util.spec_from_file_location("build_land_model", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_land_data_is_the_reference_data() -> None:
    """The package's landmask copy and bridge ends come from data/reference unchanged (the build
    script's transit search is slow, so only its inputs are compared here)."""
    build = _build_script()
    assert (
        build.LANDMASK_COPY.read_bytes()
        == (build.REFERENCE / "crossings_landmask.geojson").read_bytes()
    )
    shipped = json.loads(build.OUTPUT.read_text(encoding="utf-8"))
    assert shipped["crossings"] == build._crossings()
    assert [s.lon for s in (c.ends[k] for c in LAND.crossings for k in (0, 1))] == [
        e["lon"] for c in shipped["crossings"] for e in c["ends"]
    ]
