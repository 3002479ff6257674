"""The package's assumption data: every member has a pool, counts are labelled assumptions, and
every source cited is one the reference data (data/reference/trucks.csv) already holds."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from ukg_aid.logistics import default_pools, pool_trucks
from ukg_aid.logistics._data import read_rows

REPO = Path(__file__).resolve().parents[2]
REFERENCE = (REPO / "data/reference/trucks.csv").read_text(encoding="utf-8")


def _union_members() -> set[str]:
    with (REPO / "data/stockpiles/members.csv").open(encoding="utf-8") as f:
        return {row["code"] for row in csv.DictReader(f)}


def test_every_union_member_has_an_equal_labelled_pool() -> None:
    pools = default_pools()
    assert set(pools) == _union_members()
    assert {p.counts.as_dict()["4t"] for p in pools.values()} == {4}
    assert {p.counts.as_dict()["10t"] for p in pools.values()} == {2}
    assert {p.count_basis for p in pools.values()} == {"ASSUMPTION"}


@pytest.mark.parametrize("code", ["27140", "31", "36", "27100"])
def test_members_without_a_found_agreement_say_so(code: str) -> None:
    assert "NOT FOUND" in default_pools()[code].agreement


def _urls(text: str) -> set[str]:
    return {u.rstrip(".,);") for u in re.findall(r"(?:https?://)?[\w.-]+\.\w{2,}/[^\s,;\"]*", text)}


@pytest.mark.parametrize(
    "name", ["truck_pools.csv", "truck_classes.csv", "driver_rules.csv", "haul_assumptions.csv"]
)
def test_sources_come_from_the_reference_data(name: str) -> None:
    cited = set()
    for row in read_rows(name):
        for value in row.values():
            cited |= _urls(value)
    assert cited or name == "haul_assumptions.csv"  # that file cites no page: all assumptions
    assert cited <= _urls(REFERENCE)


def test_package_data_names_its_bases() -> None:
    for row in read_rows("haul_assumptions.csv"):
        assert row["basis"] == "ASSUMPTION"
    for row in read_rows("driver_rules.csv"):
        assert (row["basis"], row["confidence"]) == ("sourced", "high")
    for row in read_rows("truck_classes.csv"):
        assert row["usable_fraction_basis"].startswith("ASSUMPTION")


def test_pool_trucks_have_stable_ids() -> None:
    trucks = pool_trucks("28", {"4t": 2, "10t": 1})
    assert [(t.truck_id, t.class_code) for t in trucks] == [
        ("28-10t-1", "10t"),
        ("28-4t-1", "4t"),
        ("28-4t-2", "4t"),
    ]
    assert all(t.free_at is None for t in trucks)
    with pytest.raises(ValueError, match="≥ 0"):
        pool_trucks("28", {"4t": -1})
