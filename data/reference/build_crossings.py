"""Build ``crossings.csv`` and ``crossings_landmask.geojson`` (sea crossings, issue 13).

Inputs that are facts (sources in README.md): each bridge's centre point (Wikipedia infobox),
length and span layout (operator figures quoted by several pages) and the localities at its two
ends. Derived here (estimates, labelled so): the axis bearing and the two end points.

Method: along every bearing through the centre, find the first land on both sides with the
PyPI package ``roaring-landmask`` 0.11.0 (MIT; landmask from GSHHG + OpenStreetMap coastlines).
The bridge axis is taken as the bearing of the *shortest* shore-to-shore crossing through the
centre (long suspension bridges span a strait at its narrowest), and the ends are placed along it
by the span layout. Then every end is checked: on land per the landmask, and inside or outside
the outlines the service ships (``src/ukg_aid/data``).

``crossings_landmask.geojson``: the landmask polygonised on a 0.001° grid (about 100 m) and
simplified by 0.0005°, for Awaji Island and the Naruto side (大毛島 and the Shikoku shore,
clipped to a box). Derived from GSHHG (LGPL) and OpenStreetMap (© OpenStreetMap contributors,
ODbL) — if shipped, it needs that attribution and the ODbL share-alike terms for the file.

Run (needs ``pip install roaring-landmask==0.11.0 shapely numpy``, ~100 MB, build time only):
``python data/reference/build_crossings.py``.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
from roaring_landmask import RoaringLandmask
from shapely.geometry import Point, box, mapping, shape
from shapely.ops import unary_union

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "src" / "ukg_aid" / "data"
MASK = RoaringLandmask.new()

# key: (name_ja, name_en, centre lat, lon, spans from end A to end B in m, end A, end B,
#        bearings to search)
BRIDGES = {
    "akashi-kaikyo": (
        "明石海峡大橋",
        "Akashi Kaikyō Bridge",
        34.61694,
        135.02111,
        (960, 1991, 960),
        ("神戸市垂水区東舞子町 (Honshu)", 28100),
        ("淡路市岩屋 (松帆, Awaji)", 28),
        range(0, 180, 1),
    ),
    "onaruto": (
        "大鳴門橋",
        "Ōnaruto Bridge",
        34.23861,
        134.65139,
        (93, 330, 876, 330),
        ("南あわじ市福良丙 (門崎, Awaji)", 28),
        ("鳴門市鳴門町土佐泊浦 (大毛島孫崎, Shikoku side)", 36),
        range(0, 180, 1),
    ),
}
KM_PER_DEG_LAT = 110.574


CONFIDENCE = "low (estimate, ±300 m: derived axis, see build_crossings.py)"


def _land(lat: float, lon: float) -> bool:
    return bool(MASK.contains_many(np.array([lon]), np.array([lat]))[0])


def _at(lat0: float, lon0: float, bearing: float, d_km: float) -> tuple[float, float]:
    b = math.radians(bearing)
    km_per_deg_lon = 111.320 * math.cos(math.radians(lat0))
    return lat0 + d_km * math.cos(b) / KM_PER_DEG_LAT, lon0 + d_km * math.sin(b) / km_per_deg_lon


def _first_land(lat0: float, lon0: float, bearing: float) -> float | None:
    d = 0.0
    while d < 6.0:
        if _land(*_at(lat0, lon0, bearing, d)):
            return d
        d += 0.005
    return None


def _axis(lat0: float, lon0: float, bearings: range) -> tuple[int, float, float]:
    best: tuple[float, int, float, float] | None = None
    for b in bearings:
        a, c = _first_land(lat0, lon0, b), _first_land(lat0, lon0, b + 180)
        if a is None or c is None:
            continue
        if best is None or a + c < best[0]:
            best = (a + c, b, a, c)
    assert best is not None
    return best[1], best[2], best[3]


def _outlines() -> dict[str, object]:
    feats = json.loads((DATA / "member_prefectures.geojson").read_text())["features"]
    out = {f"pref {f['properties']['code']}": shape(f["geometry"]).buffer(0) for f in feats}
    isl = json.loads((DATA / "islands.geojson").read_text())["features"][0]
    out["islands.geojson Awaji"] = shape(isl["geometry"])
    return out


def _landmask_polygons() -> dict[str, object]:
    step = 0.001
    lats = np.arange(34.13, 34.66, step)
    lons = np.arange(134.55, 135.08, step)
    xx, yy = np.meshgrid(lons, lats)
    m = MASK.contains_many(xx.ravel().astype(float), yy.ravel().astype(float))
    cells = [
        box(x - step / 2, y - step / 2, x + step / 2, y + step / 2).buffer(
            step * 0.02, join_style=2
        )
        for x, y, ok in zip(xx.ravel(), yy.ravel(), m, strict=True)
        if ok
    ]
    union = unary_union(cells).buffer(-step * 0.02, join_style=2)
    parts = list(getattr(union, "geoms", [union]))
    awaji = next(p for p in parts if p.contains(Point(134.895556, 34.3425)))  # 洲本市役所
    naruto = unary_union([p for p in parts if p.intersects(box(134.55, 34.13, 134.66, 34.25))])
    naruto = naruto.intersection(box(134.55, 34.13, 134.70, 34.25)).difference(awaji)
    return {
        "Awaji Island (淡路島)": awaji.simplify(0.0005),
        "Naruto side (大毛島・鳴門, clipped 134.55–134.70 E, 34.13–34.25 N)": naruto.simplify(
            0.0005
        ),
    }


def main() -> None:
    outlines = _outlines()
    rows = []
    for key, (ja, en, lat0, lon0, spans, end_a, end_b, bearings) in BRIDGES.items():
        bearing, shore_a, shore_b = _axis(lat0, lon0, bearings)
        total = sum(spans) / 1000
        # Centre given by the infobox is taken as the centre of the main span.
        main_idx = spans.index(max(spans))
        to_a = (sum(spans[:main_idx]) + spans[main_idx] / 2) / 1000
        to_b = total - to_a
        for label, end, dist, shore, brg in (
            ("A", end_a, to_a, shore_a, bearing),
            ("B", end_b, to_b, shore_b, bearing + 180),
        ):
            d = max(dist, shore + 0.1)  # at least 100 m inland of the landmask shore
            lat, lon = _at(lat0, lon0, brg, d)
            p = Point(lon, lat)
            inside = [n for n, g in outlines.items() if g.contains(p)]  # type: ignore[attr-defined]
            rows.append(
                {
                    "crossing": key,
                    "name_ja": ja,
                    "name_en": en,
                    "end": label,
                    "locality_ja": end[0],
                    "member_code": end[1],
                    "lat": round(lat, 5),
                    "lon": round(lon, 5),
                    "axis_bearing_deg": brg % 360,
                    "dist_from_centre_km": round(d, 3),
                    "shore_from_centre_km": round(shore, 3),
                    "on_land_landmask": _land(lat, lon),
                    "inside_shipped_outlines": ";".join(inside) or "NONE",
                    "length_m": int(total * 1000),
                    "coord_confidence": CONFIDENCE,
                }
            )
    with (HERE / "crossings.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    feats = [
        {
            "type": "Feature",
            "properties": {
                "name": n,
                "source": "PyPI roaring-landmask 0.11.0 "
                "(GSHHG, LGPL; OpenStreetMap, © OpenStreetMap contributors, ODbL); 0.001° grid, "
                "simplified 0.0005°",
            },
            "geometry": mapping(g),
        }
        for n, g in _landmask_polygons().items()
    ]
    (HERE / "crossings_landmask.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False)
    )


if __name__ == "__main__":
    main()
