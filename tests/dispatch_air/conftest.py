"""Fixtures for the medevac core tests (data in heli_fixtures.py)."""

from __future__ import annotations

import pytest

from tests.dispatch_air.heli_fixtures import BASES, base_hospitals, make_aircraft
from ukg_aid.dispatch_air import Aircraft, Hospital


@pytest.fixture
def fleet() -> list[Aircraft]:
    return [make_aircraft(name) for name in BASES]


@pytest.fixture
def hospitals() -> list[Hospital]:
    return base_hospitals()
