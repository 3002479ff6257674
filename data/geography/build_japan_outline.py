"""Build `src/ukg_aid/data/japan_outline.geojson`: Japan's main areas plus its island offices.

Sources (both fetched with pip, the ordinary client, into a temporary folder):

- PyPI `japanmap` 0.6.0 (Apache-2.0), `japanmap/japan.json`: for each of the 47 prefectures the
  boundary of the area holding its prefectural office ("県庁所在地を含むエリア"); every other
  island is absent (Awaji, Sado, Tsushima, the Izu and Ogasawara islands, Okinawa's outer
  islands, ...). The 47 areas are merged into one Japan-wide outline, simplified by
  SIMPLIFY_DEG (about 1 km; the service buffers the outline by tens of km, see
  `ukg_aid.japan_area`) and rounded to 4 decimals (about 10 m).
- PyPI `japancode` 0.1.0 (MIT; its data is code4fukui/localgovjp, CC0),
  `japancode/data/municipalities.json`: the office position of every municipality and ward.
  Offices more than ISLAND_OFFICE_MIN_KM from the merged outline are kept as points: they are
  the island municipalities the outline omits (Sado city, Tsushima city, Hachijō town,
  Ogasawara village, Yonaguni town, ...).

It also writes every office (1,916 municipalities and wards) to
`tests/geography/municipal_offices_japancode.csv`, which the tests use to check that each one is
inside Japan as the service defines it.

Run from anywhere (needs shapely and pip; writes both outputs, or compares with them):

    python data/geography/build_japan_outline.py            # rewrite the outputs
    python data/geography/build_japan_outline.py --check    # exit 1 if one is stale
"""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, mapping
from shapely.ops import unary_union

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "src" / "ukg_aid" / "data" / "japan_outline.geojson"
OFFICES = REPO / "tests" / "geography" / "municipal_offices_japancode.csv"
JAPANMAP = "japanmap==0.6.0"
JAPANCODE = "japancode==0.1.0"
SIMPLIFY_DEG = 0.01
ISLAND_OFFICE_MIN_KM = 10.0
DECIMALS = 4


def fetch(requirement: str, member: str, folder: Path) -> Any:
    """One JSON file out of a wheel downloaded with pip (no install, no dependencies)."""
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", requirement]
    subprocess.run([*command, "--dest", str(folder)], check=True)  # noqa: S603 - fixed args
    name = requirement.split("==", maxsplit=1)[0]
    (wheel,) = folder.glob(f"{name}-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        return json.loads(zf.read(member))


def main_areas(japan_json: Any) -> MultiPolygon:
    """japanmap's 47 prefecture areas merged: ``qp`` is a point list, ``qo[k]`` lists
    (neighbour code, point indices) boundary pieces of prefecture k + 1."""
    points, prefectures = japan_json
    polygons = []
    for pieces in prefectures:
        ring = [points[i][0] for _neighbour, indices in pieces for i in indices]
        polygons.append(Polygon(ring).buffer(0))  # a few rings self-intersect once
    merged = unary_union(polygons).simplify(SIMPLIFY_DEG, preserve_topology=True)
    merged = shapely.transform(merged, lambda c: np.round(c, DECIMALS)).buffer(0)
    parts = list(getattr(merged, "geoms", [merged]))
    return MultiPolygon([p for p in parts if isinstance(p, Polygon) and not p.is_empty])


def distance_km(outline: MultiPolygon, lat: float, lon: float) -> float:
    """Distance from a point to the outline in a local equirectangular projection."""
    kx, ky = 111.320 * math.cos(math.radians(lat)), 110.574
    local = shapely.transform(outline, lambda c: (c - [lon, lat]) * [kx, ky])
    return float(local.distance(Point(0.0, 0.0)))


def island_offices(outline: MultiPolygon, municipalities: list[dict[str, Any]]) -> list[Any]:
    features = []
    for m in municipalities:
        km = distance_km(outline, m["lat"], m["lng"])
        if km <= ISLAND_OFFICE_MIN_KM:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kind": "island_office",
                    "lgcode": m["lgcode"],
                    "name_ja": f"{m['pref']} {m['city']}",
                    "km_from_outline": round(km, 1),
                    "source": "PyPI japancode 0.1.0 municipalities.json (MIT; data "
                    "code4fukui/localgovjp, CC0)",
                },
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(m["lng"], DECIMALS), round(m["lat"], DECIMALS)],
                },
            }
        )
    return sorted(features, key=lambda f: f["properties"]["lgcode"])


def offices_csv(municipalities: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["lgcode", "name_ja", "lat", "lon"])
    for m in sorted(municipalities, key=lambda m: m["lgcode"]):
        writer.writerow([m["lgcode"], f"{m['pref']} {m['city']}", m["lat"], m["lng"]])
    return out.getvalue()


def build() -> tuple[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        outline = main_areas(fetch(JAPANMAP, "japanmap/japan.json", Path(tmp)))
        offices = fetch(JAPANCODE, "japancode/data/municipalities.json", Path(tmp))
    main = {
        "type": "Feature",
        "properties": {
            "kind": "main_areas",
            "source": "PyPI japanmap 0.6.0 japan.json (Apache-2.0): the 47 prefectures' "
            f"main areas merged, simplified by {SIMPLIFY_DEG} degrees",
        },
        "geometry": mapping(outline),
    }
    features = [main, *island_offices(outline, offices)]
    collection = {"type": "FeatureCollection", "features": features}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"
    return text, offices_csv(offices)


def main(argv: list[str]) -> int:
    outputs = dict(zip((OUTPUT, OFFICES), build(), strict=True))
    if "--check" in argv:
        stale = [p for p, text in outputs.items() if p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path} is stale; run {Path(__file__).name}", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
