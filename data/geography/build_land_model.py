"""Build the land model the default travel estimate routes over (sea crossings, issue 13).

Writes `src/ukg_aid/data/land_model.json` and copies
`data/reference/crossings_landmask.geojson` unchanged to
`src/ukg_aid/data/crossings_landmask.geojson` (ODbL, see `src/ukg_aid/data/NOTICE.md`).

Inputs, all in this repository:

- `data/reference/crossings.csv`: the two ends of 明石海峡大橋 and 大鳴門橋 (estimated points on
  land, derivation and sources in `data/reference/README.md`), with the member each end lies in.
- `data/reference/crossings_landmask.geojson`: Awaji Island and the Naruto side (大毛島 and the
  Shikoku shore), polygonised from the GSHHG + OpenStreetMap landmask of PyPI `roaring-landmask`.
- `data/stockpiles/members.csv`: the prefectural offices of Osaka (大阪府庁) and Tokushima
  (徳島県庁), which pick Honshu's and Shikoku's part of the japanmap outline
  (`src/ukg_aid/data/japan_outline.geojson`).

Derived here: the transit across Awaji between its two bridge ends. The straight line from the
Akashi end (松帆) to the Ōnaruto end (門崎) leaves the island for about 1.3 km near 門崎 (the
bridge end sits on a thin peninsula), so the transit is the shortest path inside the landmask
outline, found on the visibility graph of the outline's vertices (shrunk by 0.0005°, about 50 m,
so that the path keeps off the coast). Its inner vertices are shipped as waypoints: geometry, not
a surveyed road.

Run from anywhere (needs shapely):

    python data/geography/build_land_model.py            # rewrite the outputs
    python data/geography/build_land_model.py --check    # exit 1 if one is stale
"""

from __future__ import annotations

import csv
import heapq
import json
import sys
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, shape
from shapely.prepared import prep

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "data" / "reference"
DATA = REPO / "src" / "ukg_aid" / "data"
OUTPUT = DATA / "land_model.json"
LANDMASK_COPY = DATA / "crossings_landmask.geojson"
SHRINK_DEG = 0.0005
SIMPLIFY_DEG = 0.0003
AWAJI_FEATURE = "Awaji Island (淡路島)"
NARUTO_FEATURE = "Naruto side (大毛島・鳴門, clipped 134.55–134.70 E, 34.13–34.25 N)"
# Which land each bridge end stands on (the locality column of crossings.csv says the same).
END_SIDES = {
    ("akashi-kaikyo", "A"): "honshu",
    ("akashi-kaikyo", "B"): "awaji",
    ("onaruto", "A"): "awaji",
    ("onaruto", "B"): "shikoku",
}


def _offices() -> dict[str, list[float]]:
    with (REPO / "data" / "stockpiles" / "members.csv").open(encoding="utf-8") as f:
        rows = {r["code"]: r for r in csv.DictReader(f)}
    return {
        code: [float(rows[code]["office_lon"]), float(rows[code]["office_lat"])]
        for code in ("27", "36")
    }


def _crossings() -> list[dict[str, Any]]:
    with (REFERENCE / "crossings.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    result: list[dict[str, Any]] = []
    for key in ("akashi-kaikyo", "onaruto"):
        ends = sorted((r for r in rows if r["crossing"] == key), key=lambda r: r["end"])
        result.append(
            {
                "id": key,
                "name_ja": ends[0]["name_ja"],
                "name_en": ends[0]["name_en"],
                "length_m": int(ends[0]["length_m"]),
                "ends": [
                    {
                        "side": END_SIDES[(key, r["end"])],
                        "locality_ja": r["locality_ja"],
                        "lon": float(r["lon"]),
                        "lat": float(r["lat"]),
                    }
                    for r in ends
                ],
                "source": "data/reference/crossings.csv; ends: " + ends[0]["coord_confidence"],
            }
        )
    return result


def _landmask() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REFERENCE / "crossings_landmask.geojson").read_text())
    return data


def _shortest_inside(polygon: Any, start: tuple[float, float], end: tuple[float, float]) -> list:
    """Shortest path from `start` to `end` inside `polygon` (visibility graph, Dijkstra)."""
    inner = polygon.buffer(-SHRINK_DEG)
    inner = max(getattr(inner, "geoms", [inner]), key=lambda g: g.area).simplify(SIMPLIFY_DEG)
    points = [start, end, *list(inner.exterior.coords)[:-1]]
    inside = prep(polygon)
    edges: dict[int, list[tuple[int, float]]] = {k: [] for k in range(len(points))}
    for a in range(len(points)):
        for b in range(a + 1, len(points)):
            leg = LineString([points[a], points[b]])
            if inside.contains(leg):
                edges[a].append((b, leg.length))
                edges[b].append((a, leg.length))
    best, before, queue = {0: 0.0}, {}, [(0.0, 0)]
    while queue:
        d, u = heapq.heappop(queue)
        if u == 1:
            break
        if d > best[u]:
            continue
        for v, w in edges[u]:
            if d + w < best.get(v, float("inf")):
                best[v], before[v] = d + w, u
                heapq.heappush(queue, (d + w, v))
    path = [1]
    while path[-1] != 0:
        path.append(before[path[-1]])
    return [points[k] for k in reversed(path)]


def build() -> dict[str, Any]:
    crossings = _crossings()
    features = {f["properties"]["name"]: f for f in _landmask()["features"]}
    awaji = shape(features[AWAJI_FEATURE]["geometry"])
    akashi_end = next(e for e in crossings[0]["ends"] if e["side"] == "awaji")
    naruto_end = next(e for e in crossings[1]["ends"] if e["side"] == "awaji")
    path = _shortest_inside(
        awaji, (akashi_end["lon"], akashi_end["lat"]), (naruto_end["lon"], naruto_end["lat"])
    )
    offices = _offices()
    return {
        "about": "Land model of the default travel estimate (ukg_aid.routing); built by "
        "data/geography/build_land_model.py, explained in src/ukg_aid/data/NOTICE.md.",
        "sides": {
            "honshu": {
                "name_ja": "本州",
                "outline": "japan_outline.geojson main_areas: the part holding 大阪府庁",
                "anchor": offices["27"],
            },
            "awaji": {
                "name_ja": "淡路島",
                "outline": "crossings_landmask.geojson",
                "landmask_feature": AWAJI_FEATURE,
            },
            "shikoku": {
                "name_ja": "四国",
                "outline": "japan_outline.geojson main_areas: the part holding 徳島県庁, "
                "with crossings_landmask.geojson's Naruto side (大毛島 is absent from japanmap)",
                "anchor": offices["36"],
                "landmask_feature": NARUTO_FEATURE,
            },
        },
        "crossings": crossings,
        "transits": [
            {
                "side": "awaji",
                "between": ["akashi-kaikyo", "onaruto"],
                "waypoints": [[round(x, 5), round(y, 5)] for x, y in path[1:-1]],
                "basis": "shortest path inside the Awaji landmask outline (shrunk by 50 m) from "
                "the Akashi end to the Ōnaruto end; geometry, not a surveyed road",
            }
        ],
    }


def main() -> int:
    text = json.dumps(build(), ensure_ascii=False, indent=1) + "\n"
    mask = (REFERENCE / "crossings_landmask.geojson").read_bytes()
    if "--check" in sys.argv[1:]:
        stale = [
            p.name
            for p, want in ((OUTPUT, text.encode()), (LANDMASK_COPY, mask))
            if not p.exists() or p.read_bytes() != want
        ]
        if stale:
            print(f"stale: {', '.join(stale)}; run python {Path(__file__).relative_to(REPO)}")
        return 1 if stale else 0
    OUTPUT.write_text(text, encoding="utf-8")
    LANDMASK_COPY.write_bytes(mask)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
