"""Reads the logistics package data (``ukg_aid/logistics/data/*.csv``, sources in each row)."""

from __future__ import annotations

import csv
import io
from importlib import resources


def read_rows(name: str) -> list[dict[str, str]]:
    """The rows of one package-data CSV file, as strings."""
    text = resources.files("ukg_aid.logistics").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))
