"""``inside_japan``: every municipal office of Japan is in, foreign places are out.

The offices (1,916 municipalities and wards, japancode 0.1.0) are sourced positions. Places
marked "approximate" are test probes written to about ±5 km; each is asserted with a margin
larger than that, so the verdict does not hang on the probe's precision.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
import shapely
from shapely import Point

from ukg_aid.japan_area import ISLAND_RADIUS_KM, OUTLINE_BUFFER_KM, inside_japan, japan_area

OFFICES = Path(__file__).with_name("municipal_offices_japancode.csv")
PROBE_KM = 5.0


def _offices() -> list[dict[str, str]]:
    with OFFICES.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def margin_km(lat: float, lon: float) -> float:
    """Signed distance to the edge of the accepted area: positive inside, negative outside."""
    kx, ky = 111.320 * math.cos(math.radians(lat)), 110.574
    local = shapely.transform(japan_area(), lambda c: (c - [lon, lat]) * [kx, ky])
    edge = float(local.boundary.distance(Point(0.0, 0.0)))
    return edge if inside_japan(lat, lon) else -edge


def test_every_municipal_office_in_japan_is_inside() -> None:
    offices = _offices()
    assert len(offices) == 1916
    outside = [o["name_ja"] for o in offices if not inside_japan(float(o["lat"]), float(o["lon"]))]
    assert outside == []


@pytest.mark.parametrize(
    "names",
    [
        ["兵庫県 洲本市", "兵庫県 淡路市", "兵庫県 南あわじ市"],  # Awaji
        ["新潟県 佐渡市"],
        ["長崎県 対馬市", "長崎県 壱岐市", "長崎県 五島市"],
        ["東京都 大島町", "東京都 利島村", "東京都 新島村", "東京都 神津島村", "東京都 三宅村"],
        ["東京都 御蔵島村", "東京都 八丈町", "東京都 青ヶ島村", "東京都 小笠原村"],  # Izu, Bonin
        ["沖縄県 那覇市", "沖縄県 宮古島市", "沖縄県 石垣市", "沖縄県 与那国町", "沖縄県 南大東村"],
    ],
)
def test_the_islands_the_outline_omits_are_inside(names: list[str]) -> None:
    by_name = {o["name_ja"]: o for o in _offices()}
    for name in names:
        office = by_name[name]
        assert margin_km(float(office["lat"]), float(office["lon"])) >= 20.0, name


@pytest.mark.parametrize(
    ("place", "lat", "lon"),
    [
        ("Tsushima, northern end (approximate)", 34.70, 129.44),
        ("Sado, western cape (approximate)", 38.09, 138.24),
        ("Sado, northern cape (approximate)", 38.33, 138.51),
        ("Hahajima, Ogasawara (approximate)", 26.64, 142.16),
        ("Hateruma (approximate)", 24.06, 123.78),
        ("Okinawa, Cape Hedo (approximate)", 26.87, 128.26),
        ("Rebun, northern end (approximate)", 45.45, 141.03),
    ],
)
def test_island_extremities_are_inside(place: str, lat: float, lon: float) -> None:
    assert margin_km(lat, lon) > PROBE_KM, place


@pytest.mark.parametrize(
    ("place", "lat", "lon"),
    [
        ("Null Island", 0.0, 0.0),
        ("New York", 40.71, -74.01),
        ("Seoul", 37.57, 126.98),
        ("Busan", 35.10, 129.04),
        ("Jeju", 33.50, 126.53),
        ("Shanghai", 31.23, 121.47),
        ("Taipei", 25.03, 121.56),
        ("Vladivostok", 43.12, 131.89),
        ("Korsakov, Sakhalin", 46.64, 142.77),
        ("lat/lon swapped (Osaka as 135.5 N is impossible; as 34.7 N 135.5 W)", 34.7, -135.5),
        ("sign lost (Osaka at 34.7 S)", -34.7, 135.5),
    ],
)
def test_foreign_places_are_outside(place: str, lat: float, lon: float) -> None:
    assert margin_km(lat, lon) < -PROBE_KM, place


def test_sakhalin_stays_outside_the_hokkaido_buffer() -> None:
    """Sakhalin's southern cape is about 43 km from Hokkaido's outline: the 40 km buffer must
    not reach it (a larger buffer would accept Russian soil)."""
    assert OUTLINE_BUFFER_KM < 43.0 < ISLAND_RADIUS_KM
    assert not inside_japan(45.90, 142.08)  # Cape Crillon (approximate)
