"""Readers for the seed-data checks: the CSV files of `data/stockpiles/` as plain dicts.

A uniquely named module (not `conftest`) so that test modules can import it even when other
test areas have their own conftest.py.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data" / "stockpiles"
OUTLINES = REPO / "src" / "ukg_aid" / "data" / "member_prefectures.geojson"
ISLANDS = REPO / "src" / "ukg_aid" / "data" / "islands.geojson"

Row = dict[str, str]


def read_rows(name: str) -> tuple[list[str], list[Row]]:
    """Header and rows of one seed CSV (UTF-8, header row)."""
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def load_outlines() -> dict[str, BaseGeometry]:
    """Prefecture code → outline (lon/lat), self-intersections repaired with buffer(0), with the
    service's supplementary island outlines (Awaji, approximate) joined to their prefecture."""
    outlines: dict[str, BaseGeometry] = {}
    for path in (OUTLINES, ISLANDS):
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
            code, geom = str(f["properties"]["code"]), shape(f["geometry"]).buffer(0)
            outlines[code] = outlines[code].union(geom) if code in outlines else geom
    return outlines
