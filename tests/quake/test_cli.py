"""`quake` CLI through Typer's CliRunner: JSON outputs and usage errors (exit code 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ukg_aid.cli.quake import quake_app

RUNNER = CliRunner()
OSAKA_2018 = ["intensity", "--lat", "34.843", "--lon", "135.622", "--depth-km", "13"]


def test_points_csv_prints_json_array(tmp_path: Path) -> None:
    points = tmp_path / "points.csv"
    points.write_text(
        "name,lat,lon,avs30\nTakatsuki,34.846111,135.617222,\nOtsu rock,35.017778,135.854722,600\n",
        encoding="utf-8",
    )
    result = RUNNER.invoke(quake_app, [*OSAKA_2018, "--mj", "6.1", "--points", str(points)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["name"] for r in rows] == ["Takatsuki", "Otsu rock"]
    assert {"name", "lat", "lon", "intensity", "pgv"} <= set(rows[0])
    # Takatsuki (AVS30 300 by default): X = 6.5 km → PGV ≈ 26.4 cm/s, I ≈ 5.13
    assert rows[0]["intensity"] == pytest.approx(5.13, abs=0.01)
    assert rows[0]["pgv"] == pytest.approx(26.4, abs=0.1)
    assert rows[0]["intensity"] == round(rows[0]["intensity"], 2)
    assert rows[1]["avs30"] == 600.0
    assert rows[1]["intensity"] < rows[0]["intensity"]


def test_points_without_avs30_column_use_the_option(tmp_path: Path) -> None:
    points = tmp_path / "points.csv"
    points.write_text("name,lat,lon\nA,34.846111,135.617222\n", encoding="utf-8")
    soft = RUNNER.invoke(quake_app, [*OSAKA_2018, "--mw", "5.929", "--points", str(points)])
    hard = RUNNER.invoke(
        quake_app, [*OSAKA_2018, "--mw", "5.929", "--points", str(points), "--avs30", "760"]
    )
    assert json.loads(hard.output)[0]["pgv"] < json.loads(soft.output)[0]["pgv"]


@pytest.mark.parametrize(
    "content",
    [
        "name,lat,lon\nA,north,135.6\n",
        "place,y,x\nA,34.8,135.6\n",
        "name,lat,lon\n",
        "name,lat,lon\nA,134.8,135.6\n",
        "name,lat,lon,avs30\nA,34.8,135.6,20\n",
    ],
)
def test_bad_points_csv_is_a_usage_error(tmp_path: Path, content: str) -> None:
    points = tmp_path / "bad.csv"
    points.write_text(content, encoding="utf-8")
    result = RUNNER.invoke(quake_app, [*OSAKA_2018, "--mj", "6.1", "--points", str(points)])
    assert result.exit_code == 2
    assert "--points" in result.output


def test_missing_points_file_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    result = RUNNER.invoke(quake_app, [*OSAKA_2018, "--mj", "6.1", "--points", str(missing)])
    assert result.exit_code == 2


@pytest.mark.parametrize("magnitudes", [[], ["--mj", "6.1", "--mw", "5.9"]])
def test_exactly_one_magnitude(magnitudes: list[str]) -> None:
    result = RUNNER.invoke(quake_app, [*OSAKA_2018, *magnitudes, "--json"])
    assert result.exit_code == 2
    assert "exactly one of --mj or --mw" in result.output


def test_per_member_json() -> None:
    result = RUNNER.invoke(quake_app, [*OSAKA_2018, "--mj", "6.1", "--json"])
    assert result.exit_code == 0, result.output
    members = json.loads(result.output)
    assert len(members) == 12
    osaka = next(m for m in members if m["code"] == "27")
    assert osaka["max_class"] == "5+"
    assert sum(osaka["exposed"].values()) == osaka["population"]


def test_per_member_table() -> None:
    result = RUNNER.invoke(
        quake_app, [*OSAKA_2018, "--mj", "6.1", "--fault-type", "crustal"], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    assert "Osaka City" in result.output


def test_scenario_json_is_deterministic(tmp_path: Path) -> None:
    depots = tmp_path / "depots.csv"
    depots.write_text("id,member_code,lat,lon\nd1,27100,34.687,135.526\n", encoding="utf-8")
    args = ["scenario", "uemachi-fault", "--json", "--seed", "5", "--depots", str(depots)]
    first, second = RUNNER.invoke(quake_app, args), RUNNER.invoke(quake_app, args)
    assert first.exit_code == 0, first.output
    assert first.output == second.output
    payload = json.loads(first.output)
    assert payload["scenario"] == "uemachi-fault"
    city = next(m for m in payload["members"] if m["code"] == "27100")
    assert city["depots"]["d1"] in {"damaged", "unreachable"}
    assert city["needs_per_day"]["water"] == 3 * city["evacuees"]


def test_scenario_table_and_list() -> None:
    table = RUNNER.invoke(quake_app, ["scenario", "nankai-trough"], terminal_width=200)
    assert table.exit_code == 0, table.output
    assert "Evacuees" in table.output
    listing = RUNNER.invoke(quake_app, ["list"])
    assert listing.output.split() == [
        "hyogo-nanbu-1995",
        "nankai-trough",
        "northern-osaka-2018",
        "noto-2024",
        "uemachi-fault",
    ]


def test_unknown_scenario_is_a_usage_error() -> None:
    result = RUNNER.invoke(quake_app, ["scenario", "tokai"])
    assert result.exit_code == 2
    assert "unknown scenario" in result.output


def test_noto_scenario_json_has_guests_and_quiet_members() -> None:
    result = RUNNER.invoke(quake_app, ["scenario", "noto-2024", "--json", "--seed", "1"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert all(m["evacuees"] == 0 for m in payload["members"])
    guests = {g["code"]: g for g in payload["guests"]}
    assert set(guests) == {"17", "17202", "17204", "17205", "17384", "17461", "17463"}
    wajima = guests["17204"]
    assert wajima["max_class"] == "6+"
    assert wajima["needs_per_day"]["water"] == 3 * wajima["evacuees"] > 0
    assert payload["total_evacuees"] == sum(g["evacuees"] for g in guests.values())
    table = RUNNER.invoke(quake_app, ["scenario", "noto-2024"], terminal_width=200)
    assert "Wajima City (guest)" in table.output
