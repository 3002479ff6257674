"""Helpers shared by test modules (a uniquely named module: ``conftest`` names are ambiguous when
several test folders have one)."""

from __future__ import annotations

from pathlib import Path

from ukg_aid.config import Settings

SEED_DIR = Path(__file__).resolve().parents[1] / "data" / "stockpiles"


def make_settings(url: str) -> Settings:
    """Settings for an app under test on ``url`` with the repository's seed data."""
    return Settings(database_url=url, seed_dir=SEED_DIR)
