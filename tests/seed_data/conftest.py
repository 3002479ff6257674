"""Fixtures for the seed-data checks: the CSV files of `data/stockpiles/` read as plain dicts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data" / "stockpiles"
OUTLINES = REPO / "src" / "ukg_aid" / "data" / "member_prefectures.geojson"

Row = dict[str, str]


def read_rows(name: str) -> tuple[list[str], list[Row]]:
    """Header and rows of one seed CSV (UTF-8, header row)."""
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@pytest.fixture(scope="session")
def members() -> list[Row]:
    return read_rows("members.csv")[1]


@pytest.fixture(scope="session")
def items() -> list[Row]:
    return read_rows("items.csv")[1]


@pytest.fixture(scope="session")
def depots() -> list[Row]:
    return read_rows("depots.csv")[1]


@pytest.fixture(scope="session")
def stock() -> list[Row]:
    return read_rows("stock.csv")[1]


@pytest.fixture(scope="session")
def helicopters() -> list[Row]:
    return read_rows("helicopters.csv")[1]


@pytest.fixture(scope="session")
def counterparts() -> list[Row]:
    return read_rows("counterparts.csv")[1]


@pytest.fixture(scope="session")
def outlines() -> dict[str, BaseGeometry]:
    """Prefecture code → outline (lon/lat), self-intersections repaired with buffer(0)."""
    data = json.loads(OUTLINES.read_text(encoding="utf-8"))
    return {str(f["properties"]["code"]): shape(f["geometry"]).buffer(0) for f in data["features"]}
