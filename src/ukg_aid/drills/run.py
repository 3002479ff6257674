"""Run a drill end to end: scenario → impact → script → each policy against an instance → report."""

from __future__ import annotations

import dataclasses
import random
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ukg_aid.catalog.schemas import ItemRead
from ukg_aid.client import UkgClient
from ukg_aid.drills import activation, medevac_setup, metrics, report
from ukg_aid.drills.local import local_instance
from ukg_aid.drills.observations import RunLog
from ukg_aid.drills.runner import DrillRunner, make_actors
from ukg_aid.drills.script import DrillScript, build_script
from ukg_aid.members.schemas import MemberRead
from ukg_aid.quake import areas, impact
from ukg_aid.quake.damage import assess_damage, load_crossings
from ukg_aid.quake.scenarios import Scenario, load_scenario
from ukg_aid.stockpiles.schemas import DepotRead

POLICIES = ("optimized", "baseline")


@dataclass(frozen=True, slots=True)
class DrillOptions:
    scenario: str
    seed: int = 1
    hours: int = 72
    plan_every: int = 3
    url: str | None = None
    token: str | None = None
    seed_dir: Path | None = None
    policies: tuple[str, ...] = POLICIES
    counterparts: bool = True
    """Set the scenario's real counterpart pairs (if it has any) on the drill's incident."""
    push_hours: int = 0
    """Push-type support for the first N hours: the coordinator files the model's estimate on the
    stricken members' behalf, the desks file from then on (the push remainder is closed)."""
    hospital_damage: bool = True
    """Damage hospitals by the intensity at them (``drills.medevac_setup``)."""
    damaged_hospitals: tuple[str, ...] = ()
    """Hospital keys damaged whatever the shaking (a what-if)."""
    weather: bool = True
    """Record the scenario's weather holds."""
    close: tuple[str, ...] = ()
    """Crossings closed from the start besides those the shaking closes (e.g. akashi-kaikyo)."""
    shaking_closures: bool = True
    """Close the crossings the shaking closes (JB本四高速's 震度5弱 rule); off: only ``close``."""


Instance = Callable[[], AbstractAsyncContextManager[UkgClient]]


class DrillSetupError(ValueError):
    """The drill cannot run against this deployment (said before anything is changed)."""


async def check_training_deployment(client: UkgClient, start: datetime) -> None:
    """A deployment a drill may drive: it runs a simulated clock (a live one refuses the drill's
    times, and live stock is not for exercises), and nothing in it is dated after the scenario's
    start (its timelines would refuse the drill's first steps)."""
    health = await client.health()
    if health.get("clock") != "simulated":
        raise DrillSetupError(
            f"{client.http.base_url} runs the {health.get('clock', 'live')} clock: a drill only "
            "drives a training deployment (UKG_AID_CLOCK=simulated), never live stock"
        )
    dated = [d.updated_at for d in await client.depots()]
    dated += [h.updated_at for h in await client.helicopters()]
    dated += [row.updated_at for row in await client.stock()]
    latest = max(dated, default=None)
    if latest is not None and latest > start:
        raise DrillSetupError(
            f"{client.http.base_url} holds data dated up to {latest.isoformat()}, after the "
            f"scenario's start {start.isoformat()}: reset the training database and seed it at "
            f"the start (ukg-aid seed --at {start.isoformat()})"
        )


def _instance(opts: DrillOptions, start: datetime) -> Instance:
    if opts.url is None:
        if opts.seed_dir is None:
            raise ValueError("a local drill needs the seed data folder")
        seed_dir = opts.seed_dir
        return lambda: local_instance(seed_dir, start)
    if not opts.token:
        raise ValueError("--url needs an admin token (--token or UKG_AID_TOKEN)")
    if len(opts.policies) > 1:
        raise DrillSetupError(
            "against a deployment a drill plays one policy per run (--policy optimized or "
            "--policy baseline), resetting the training database in between: the second "
            "policy would start from the first one's timeline"
        )
    url, token = opts.url, opts.token

    @asynccontextmanager
    async def remote() -> AsyncIterator[UkgClient]:
        client = UkgClient.connect(url, token)
        try:
            await check_training_deployment(client, start)
            yield client
        finally:
            await client.aclose()

    return remote


@dataclass(frozen=True, slots=True)
class Setup:
    """What a policy's run starts from: the script and the names the report shows."""

    script: DrillScript
    members: list[areas.MemberArea]
    facts: dict[str, Any]  # names of members, items and failed depots; shaking per member


async def _script(client: UkgClient, scenario: Scenario, opts: DrillOptions) -> Setup:
    listed = [m for m in await client.members() if m.union_member]
    guests = areas.load_guests(scenario.guest_codes) if scenario.guest_codes else ()
    members = [
        areas.MemberArea(
            code=m.code,
            kind=m.kind.value,
            parent_code=m.parent_code,
            office_lat=m.office.lat,
            office_lon=m.office.lon,
            population=m.population,
            name_en=m.name_en,
        )
        for m in listed
    ]
    listed_depots = await client.depots()
    depots = [
        areas.Depot(id=str(d.id), member_code=d.member_code, lat=d.lat, lon=d.lon)
        for d in listed_depots
    ]
    municipalities = areas.load_municipalities()
    shaken = impact.assess_impact(
        scenario.event,
        members=members,
        municipalities=municipalities,
        depots=depots,
        rng=random.Random(opts.seed),
        guests=guests,
    )
    script = build_script(
        event=scenario.event,
        impact=shaken,
        members=members,
        municipalities=municipalities,
        start=scenario.start_time,
        hours=opts.hours,
        seed=opts.seed,
        guests=guests,
    )
    script, extra = await _medevac_setting(client, scenario, opts, script)
    everyone = await client.members()
    facts = _names_and_shaking(everyone, listed_depots, await client.items(), script, shaken)
    facts |= extra
    facts["closed_crossings"] = closed_crossings(scenario, opts)
    return Setup(script=script, members=members, facts=facts)


async def _medevac_setting(
    client: UkgClient, scenario: Scenario, opts: DrillOptions, script: DrillScript
) -> tuple[DrillScript, dict[str, Any]]:
    """Damaged hospitals and weather holds at the start (``drills.medevac_setup``)."""
    hospitals = await client.hospitals()
    changes = medevac_setup.hospital_changes(
        scenario,
        hospitals,
        seed=opts.seed,
        by_intensity=opts.hospital_damage,
        named=opts.damaged_hospitals,
    )
    holds = (
        medevac_setup.weather_holds(scenario, await client.helicopters()) if opts.weather else ()
    )
    names = {h.id: h for h in hospitals}
    facts: dict[str, Any] = {
        "hospitals_damaged": [
            {
                "key": c.key,
                "name": names[c.hospital_id].name,
                "name_ja": names[c.hospital_id].name_ja,
                "why": c.why,
                "heliport": names[c.hospital_id].heliport.value,
            }
            for c in changes
        ],
        "weather_holds": [
            {k: v for k, v in h.body.items() if k in ("from", "until", "reason")} for h in holds
        ],
    }
    return dataclasses.replace(script, hospitals=changes, holds=holds), facts


def closed_crossings(scenario: Scenario, opts: DrillOptions) -> list[str]:
    """Crossings the shaking closes (``quake.damage``: instrumental intensity ≥ 4.5 at either end,
    JB本四高速's 震度5弱 inspection rule, crossing_rules.csv; unless ``shaking_closures`` is off)
    and those the options close."""
    if not opts.shaking_closures:
        return sorted(set(opts.close))
    damage = assess_damage(scenario.event, rng=random.Random(opts.seed), crossings=load_crossings())
    return sorted(set(damage.closed_crossings) | set(opts.close))


def _names_and_shaking(
    listed: list[MemberRead],
    depots: list[DepotRead],
    items: list[ItemRead],
    script: DrillScript,
    shaken: impact.Impact,
) -> dict[str, Any]:
    """What the report names (members, items, failed depots) and each member's shaking."""
    by_id = {d.id: d for d in depots}
    return {
        "members": {m.code: {"name_ja": m.name_ja, "name_en": m.name_en} for m in listed},
        "items": {
            i.code: {"name_ja": i.name_ja, "name_en": i.name_en, "unit": i.unit} for i in items
        },
        "depots_failed": [
            {
                "depot_id": f.depot_id,
                "member_code": f.member_code,
                "name": by_id[f.depot_id].name,
                "name_ja": by_id[f.depot_id].name_ja,
                "status": f.status,
            }
            for f in script.failures
        ],
        "shaking": {
            mi.member_code: {
                "max_intensity": round(mi.max_intensity, 2),
                "max_class": mi.max_class,
                "evacuees": mi.evacuees,
            }
            for mi in (*shaken.members, *shaken.guests)
        },
    }


def _per_policy(
    progress: Callable[[str, int], None] | None, policy: str
) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda hour: progress(policy, hour)


async def _activate(
    admin: UkgClient, scenario: Scenario, opts: DrillOptions, policy: str
) -> list[tuple[str, str]]:
    """The drill's own ``kind: drill`` incident, its guests registered and its counterparts set
    through the API (SPEC §10); later calls of every actor name the incident. Returns the pairs
    set."""
    incident = await admin.open_incident(
        f"Drill {scenario.name} ({policy})", "drill", scenario.start_time
    )
    admin.incident_id = int(incident["id"])
    known = {m.code for m in await admin.members()}
    for guest in areas.load_guests(scenario.guest_codes) if scenario.guest_codes else ():
        if guest.code in known:
            continue
        await admin.register_guest(
            {
                "code": guest.code,
                "name_en": guest.name_en,
                "name_ja": guest.name_ja,
                "kind": "guest",
                "office": {"lat": guest.office_lat, "lon": guest.office_lon},
                "population": guest.population,
            }
        )
    if not (opts.counterparts and scenario.counterparts):
        return []
    pairs = [(p.supporter_code, p.recipient_code) for p in scenario.counterparts.pairs]
    await admin.set_counterparts(admin.incident_id, pairs)
    return pairs


async def run_drill(
    opts: DrillOptions,
    *,
    out: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, Any]:
    """Play the scenario once per policy and return (and optionally write) the report."""
    scenario = load_scenario(opts.scenario)
    instance = _instance(opts, scenario.start_time)
    runs: dict[str, RunLog] = {}
    setup: Setup | None = None
    for policy in opts.policies:
        async with instance() as admin:
            setup = await _script(admin, scenario, opts)
            pairs = await _activate(admin, scenario, opts, policy)
            tag = f"{policy}-{uuid.uuid4().hex[:6]}" if opts.url else policy
            desks = [m.code for m in setup.members] + list(scenario.guest_codes)
            actors = await make_actors(admin, desks, tag)
            runner = DrillRunner(
                actors,
                setup.script,
                policy=policy,
                plan_every=opts.plan_every,
                member_count=len(setup.members),
                push_hours=opts.push_hours,
                closures=tuple(setup.facts["closed_crossings"]),
            )
            runs[policy] = await runner.run(_per_policy(progress, policy))
            runs[policy].counterpart_pairs = pairs
    assert setup is not None
    facts = _report_facts(scenario, opts, setup)
    summaries = {
        p: metrics.summary(log, scenario.start_time, opts.hours) | activation.summary(log)
        for p, log in runs.items()
    }
    result = report.build(facts, runs, summaries, setup.facts["members"], setup.facts["items"])
    if out is not None:
        report.write(result, out)
    return result


def _report_facts(scenario: Scenario, opts: DrillOptions, setup: Setup) -> dict[str, Any]:
    """What the report says of the run's setting: scenario, shaking, damage, activation."""
    script = setup.script
    return {
        "name": scenario.name,
        "title": scenario.title,
        "title_ja": scenario.title_ja or scenario.title,
        "start_time": scenario.start_time.isoformat(),
        "hours": opts.hours,
        "seed": opts.seed,
        "filing_members": list(script.filing_members),
        "depots_failed": setup.facts["depots_failed"],
        "missions_called": len(script.missions),
        "missions_called_red": sum(1 for m in script.missions if m.severity == "red"),
        "shaking": setup.facts["shaking"],
        "hospitals_damaged": setup.facts["hospitals_damaged"],
        "weather_holds": setup.facts["weather_holds"],
        "closed_crossings": setup.facts["closed_crossings"],
        "sources": list(scenario.sources),
        "push_hours": opts.push_hours,
        "counterparts": len(scenario.counterparts.pairs)
        if opts.counterparts and scenario.counterparts
        else 0,
    }
