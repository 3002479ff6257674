"""``ukg-aid drill``: list scenarios, run one against a local instance or a training deployment."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ukg_aid.config import get_settings
from ukg_aid.quake.scenarios import UnknownScenarioError, list_scenarios, load_scenario

if TYPE_CHECKING:
    from ukg_aid.drills.run import DrillOptions

POLICIES = ("optimized", "baseline")

drill_app = typer.Typer(help="Earthquake drills on a simulated clock.", no_args_is_help=True)
err = Console(stderr=True)


@drill_app.command("list")
def drill_list() -> None:
    """Built-in scenarios."""
    table = Table("name", "title", "start")
    for name in list_scenarios():
        sc = load_scenario(name)
        table.add_row(name, sc.title, sc.start_time.isoformat())
    Console().print(table)


def _checked(scenario: str, policy: list[str] | None) -> tuple[str, ...]:
    """The policies to play, after checking the scenario and policy names (exit 2 if wrong)."""
    try:
        load_scenario(scenario)
    except UnknownScenarioError as exc:
        err.print(f"[red]error:[/red] {exc}; known: {', '.join(list_scenarios())}")
        raise typer.Exit(2) from exc
    policies = tuple(policy or POLICIES)
    if any(p not in POLICIES for p in policies):
        err.print(f"[red]error:[/red] --policy must be one of {', '.join(POLICIES)}")
        raise typer.Exit(2)
    return policies


def _play(opts: DrillOptions, report: Path | None) -> dict[str, Any]:
    """Run the drill with one progress bar per policy; exit 1 if the API or the input refuse."""
    from ukg_aid.client import ApiError  # noqa: PLC0415
    from ukg_aid.drills.run import run_drill  # noqa: PLC0415

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} h"),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        tasks = {
            p: bar.add_task(f"{opts.scenario} [{p}]", total=opts.hours + 1) for p in opts.policies
        }
        try:
            result = asyncio.run(
                run_drill(
                    opts, out=report, progress=lambda p, h: bar.update(tasks[p], completed=h + 1)
                )
            )
        except ApiError as exc:
            err.print(f"[red]the API refused a drill step:[/red] {exc}")
            raise typer.Exit(1) from exc
        except (ValueError, httpx.TransportError) as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from exc
    return result


# The what-if options of a drill run (activation, medevac, road), named once here.
CounterpartsOpt = Annotated[
    bool,
    typer.Option(
        "--counterparts/--no-counterparts",
        help="set the scenario's real counterpart pairs (noto-2024) on the drill's incident",
    ),
]
PushHoursOpt = Annotated[
    int,
    typer.Option(
        min=0,
        max=336,
        help="push-type support for the first N hours: the coordinator files the model's "
        "estimate on the stricken desks' behalf; they file from then on (0: none)",
    ),
]
HospitalDamageOpt = Annotated[
    bool, typer.Option(help="damage hospitals where the shaking reaches 6強 (quake/damage.py)")
]
DamageHospitalOpt = Annotated[
    list[str] | None, typer.Option(help="also damage this hospital (key; repeatable)")
]
WeatherOpt = Annotated[bool, typer.Option(help="record the scenario's weather holds")]
CloseOpt = Annotated[
    list[str] | None,
    typer.Option(help="also close this crossing from the start (akashi-kaikyo, onaruto)"),
]
ShakingClosuresOpt = Annotated[
    bool, typer.Option(help="close the crossings the shaking closes (震度5弱 at either end)")
]


@drill_app.command("run")
def drill_run(
    scenario: Annotated[str, typer.Option(help="scenario name (see 'drill list')")],
    url: Annotated[
        str | None, typer.Option(help="training deployment; default: a local throwaway instance")
    ] = None,
    token: Annotated[
        str | None, typer.Option(envvar="UKG_AID_TOKEN", help="admin token for --url")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="write report.json/.md and charts here")
    ] = None,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same report)")] = 1,
    hours: Annotated[int, typer.Option(min=1, max=336, help="simulated hours")] = 72,
    plan_every: Annotated[int, typer.Option(min=1, help="hours between plans")] = 3,
    policy: Annotated[list[str] | None, typer.Option(help="optimized and/or baseline")] = None,
    counterparts: CounterpartsOpt = True,
    push_hours: PushHoursOpt = 0,
    hospital_damage: HospitalDamageOpt = True,
    damage_hospital: DamageHospitalOpt = None,
    weather: WeatherOpt = True,
    close: CloseOpt = None,
    shaking_closures: ShakingClosuresOpt = True,
) -> None:
    """Play a scenario under the optimized and the baseline policy and compare them."""
    policies = _checked(scenario, policy)
    # The drill stack (matplotlib, the app) loads only when a drill runs: the CLI stays quick.
    from ukg_aid.drills.run import DrillOptions  # noqa: PLC0415

    opts = DrillOptions(
        scenario=scenario,
        seed=seed,
        hours=hours,
        plan_every=plan_every,
        hospital_damage=hospital_damage,
        damaged_hospitals=tuple(damage_hospital or ()),
        weather=weather,
        url=url,
        token=token or os.environ.get("UKG_AID_TOKEN"),
        seed_dir=get_settings().seed_dir,
        policies=policies,
        counterparts=counterparts,
        push_hours=push_hours,
        close=tuple(close or ()),
        shaking_closures=shaking_closures,
    )
    result = _play(opts, report)
    _print_summary(result)
    if report:
        err.print(f"report written to {report}/report.md")


def _print_summary(result: dict[str, object]) -> None:
    policies = result["policies"]
    assert isinstance(policies, dict)
    table = Table("figure", *policies)
    for key in (
        "fill_rate_24h",
        "fill_rate_72h",
        "median_hours_to_first_delivery",
        "delivered_units",
        "delivered_haul_km_units",
    ):
        table.add_row(key, *(str(v.get(key)) for v in policies.values()))
    table.add_row("medevac served", *(str(v["medevac"]["served"]) for v in policies.values()))
    Console().print(table)
