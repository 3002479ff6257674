"""Session fixtures for the seed-data checks (readers live in seed_files.py)."""

from __future__ import annotations

import pytest
from shapely.geometry.base import BaseGeometry

from tests.seed_data.seed_files import Row, load_outlines, read_rows


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
    return read_rows("examples/counterparts.example.csv")[1]


@pytest.fixture(scope="session")
def outlines() -> dict[str, BaseGeometry]:
    return load_outlines()
