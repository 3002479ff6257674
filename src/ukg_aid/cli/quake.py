"""`ukg-aid quake ...`: intensity estimates and built-in scenario impact from the pure core."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ukg_aid.quake.areas import Depot, load_guests, load_members, load_municipalities
from ukg_aid.quake.impact import DEFAULT_RULES, Impact, MemberImpact, assess_impact
from ukg_aid.quake.model import DEFAULT_AVS30, Event, FaultType, intensity_at
from ukg_aid.quake.scenarios import (
    Scenario,
    UnknownScenarioError,
    list_scenarios,
    load_scenario,
)

quake_app = typer.Typer(
    help="Earthquake intensity estimates (Si & Midorikawa 1999 → JMA intensity) and scenarios.",
    no_args_is_help=True,
)

_SHOWN_CLASSES = ("4", "5-", "5+", "6-", "6+", "7")


def _event(
    lat: float,
    lon: float,
    depth_km: float,
    mj: float | None,
    mw: float | None,
    fault_type: FaultType,
) -> Event:
    if (mj is None) == (mw is None):
        raise typer.BadParameter("give exactly one of --mj or --mw", param_hint="--mj/--mw")
    try:
        return Event(lat=lat, lon=lon, depth_km=depth_km, mj=mj, mw=mw, fault_type=fault_type)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def _read_points(path: Path, default_avs30: float) -> list[tuple[str, float, float, float]]:
    """Rows of a `name,lat,lon[,avs30]` CSV with a header; BadParameter on any bad row."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc}", param_hint="--points") from exc
    points = []
    for number, row in enumerate(rows, start=2):
        try:
            name, lat, lon = row["name"], float(row["lat"]), float(row["lon"])
            avs30 = float(row.get("avs30") or default_avs30)
        except (KeyError, TypeError, ValueError) as exc:
            message = f"{path}, line {number}: need name,lat,lon[,avs30] with numbers ({exc})"
            raise typer.BadParameter(message, param_hint="--points") from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            message = f"{path}, line {number}: lat/lon out of range"
            raise typer.BadParameter(message, param_hint="--points")
        points.append((name, lat, lon, avs30))
    if not points:
        raise typer.BadParameter(f"{path} has no rows", param_hint="--points")
    return points


def _point_results(event: Event, points: list[tuple[str, float, float, float]]) -> list[Any]:
    out = []
    for name, lat, lon, avs30 in points:
        try:
            shaking = intensity_at(event, lat, lon, avs30)
        except ValueError as exc:
            raise typer.BadParameter(f"{name}: {exc}", param_hint="--points") from exc
        out.append(
            {
                "name": name,
                "lat": lat,
                "lon": lon,
                "intensity": round(shaking.intensity, 2),
                "jma_class": shaking.jma_class,
                "pgv": round(shaking.pgv, 2),
                "avs30": avs30,
            }
        )
    return out


def _member_json(m: MemberImpact, *, detail: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": m.member_code,
        "name_en": m.name_en,
        "office_intensity": round(m.office.intensity, 2),
        "office_class": m.office.jma_class,
        "office_pgv": round(m.office.pgv, 2),
        "max_intensity": round(m.max_intensity, 2),
        "max_class": m.max_class,
        "population": m.population,
        "exposed": {e.jma_class: e.population for e in m.exposure},
    }
    if detail:
        data |= {
            "evacuees": m.evacuees,
            "exposed_6_lower_expected": m.exposed_6_lower_expected,
            "needs_per_day": {n.item_code: n.per_day for n in m.needs},
            "needs_initial": {n.item_code: n.initial for n in m.needs if n.initial},
            "depots": {d.depot_id: d.status for d in m.depots},
            "medevac": {"red": m.medevac_red, "yellow": m.medevac_yellow},
            "medevac_by_hour": [[h.hour, h.red, h.yellow] for h in m.medevac],
        }
    return data


def _exposure_table(impact: Impact, title: str) -> Table:
    """Office and maximum intensity, and population (thousands) per JMA class."""
    table = Table(title=title, caption="population in thousands by JMA intensity class")
    table.add_column("member", no_wrap=True)
    for column in ("office", "max", *_SHOWN_CLASSES):
        table.add_column(column, justify="right", no_wrap=True)
    for m in impact.members + impact.guests:
        table.add_row(
            _label(m),
            f"{m.office.intensity:.2f} {m.office.jma_class}",
            f"{m.max_intensity:.2f} {m.max_class}",
            *(_thousands(m.exposed(c)) for c in _SHOWN_CLASSES),
        )
    return table


def _label(m: MemberImpact) -> str:
    name = m.name_en or m.member_code
    return f"{name} (guest)" if m.recipient_kind == "guest" else name


def _thousands(population: int) -> str:
    return "-" if population == 0 else f"{population / 1000:,.0f}"


def _impact(loaded: Scenario, depots: list[Depot], seed: int) -> Impact:
    return assess_impact(
        loaded.event,
        members=load_members(),
        municipalities=load_municipalities(),
        depots=depots,
        rng=random.Random(seed),
        guests=load_guests(loaded.guest_codes),
    )


def _read_depots(path: Path) -> list[Depot]:
    """Depots from a CSV with `member_code,lat,lon` and optionally `id` (else the row number)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        return [
            Depot(
                id=row.get("id") or str(number),
                member_code=row["member_code"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            for number, row in enumerate(rows, start=1)
        ]
    except (OSError, UnicodeDecodeError, csv.Error, KeyError, TypeError, ValueError) as exc:
        message = f"{path}: need member_code,lat,lon[,id] columns with numbers ({exc})"
        raise typer.BadParameter(message, param_hint="--depots") from exc


@quake_app.command()
def intensity(
    lat: Annotated[float, typer.Option(help="Epicentre latitude (degrees).")],
    lon: Annotated[float, typer.Option(help="Epicentre longitude (degrees).")],
    depth_km: Annotated[float, typer.Option("--depth-km", help="Hypocentre depth (km).")],
    mj: Annotated[float | None, typer.Option(help="JMA magnitude (Mw = Mj − 0.171).")] = None,
    mw: Annotated[float | None, typer.Option(help="Moment magnitude.")] = None,
    fault_type: Annotated[FaultType, typer.Option("--fault-type")] = FaultType.CRUSTAL,
    points: Annotated[
        Path | None, typer.Option(help="CSV with name,lat,lon[,avs30]; prints a JSON array.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
    avs30: Annotated[float, typer.Option(help="Site AVS30 (m/s).")] = DEFAULT_AVS30,
) -> None:
    """Median JMA intensity at points, or per member (office, max over area, exposure)."""
    event = _event(lat, lon, depth_km, mj, mw, fault_type)
    if points is not None:
        typer.echo(json.dumps(_point_results(event, _read_points(points, avs30)), indent=2))
        return
    try:
        impact = assess_impact(
            event,
            members=load_members(),
            municipalities=load_municipalities(),
            depots=(),
            rng=random.Random(0),
            rules=replace(DEFAULT_RULES, avs30=avs30),
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--avs30") from exc
    if as_json:
        typer.echo(json.dumps([_member_json(m, detail=False) for m in impact.members], indent=2))
        return
    title = f"M{event.moment_magnitude:.1f} (Mw) at {lat:.3f} N {lon:.3f} E, {depth_km:g} km"
    Console().print(_exposure_table(impact, title))


@quake_app.command()
def scenario(
    name: Annotated[str, typer.Argument(help="Built-in scenario name.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
    seed: Annotated[int, typer.Option(help="Random seed (depot failures, medevac).")] = 0,
    depots: Annotated[
        Path | None, typer.Option(help="Depots CSV: member_code,lat,lon[,id].")
    ] = None,
) -> None:
    """Per-member (and per-guest) impact summary of a built-in scenario."""
    try:
        loaded = load_scenario(name)
    except UnknownScenarioError as exc:
        raise typer.BadParameter(str(exc), param_hint="NAME") from exc
    impact = _impact(loaded, _read_depots(depots) if depots else [], seed)
    if as_json:
        members = [_member_json(m, detail=True) for m in impact.members]
        guests = [_member_json(g, detail=True) for g in impact.guests]
        payload = {
            "scenario": loaded.name,
            "title": loaded.title,
            "seed": seed,
            "start_time": loaded.start_time.isoformat(),
            "total_evacuees": impact.total_evacuees,
            "members": members,
            "guests": guests,
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    console = Console()
    console.print(_exposure_table(impact, f"{loaded.title} — {loaded.start_time.isoformat()}"))
    console.print(_needs_table(impact))


@quake_app.command("list")
def list_command() -> None:
    """Names of the built-in scenarios."""
    for name in list_scenarios():
        typer.echo(name)


def _needs_table(impact: Impact) -> Table:
    table = Table(title="Evacuees, needs, depots and medevac")
    table.add_column("member", no_wrap=True)
    for column in ("evacuees", "water L/day", "meals/day", "depots out", "red", "yellow"):
        table.add_column(column, justify="right", no_wrap=True)
    for m in impact.members + impact.guests:
        water, meals = m.need("water"), m.need("meals")
        out = sum(d.status != "operational" for d in m.depots)
        table.add_row(
            _label(m),
            f"{m.evacuees:,}",
            f"{water.per_day:,}" if water else "-",
            f"{meals.per_day:,}" if meals else "-",
            f"{out}/{len(m.depots)}",
            str(m.medevac_red),
            str(m.medevac_yellow),
        )
    return table
