"""A drill against a running deployment (--url): real HTTP, role tokens issued over the API; only
a training deployment (simulated clock, nothing dated after the scenario's start) is driven."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from tests.app_support import make_settings, served
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.client import UkgClient
from ukg_aid.clock import JST, ClockMode
from ukg_aid.db import Database
from ukg_aid.drills.run import DrillOptions, DrillSetupError, check_training_deployment, run_drill
from ukg_aid.principal import Role
from ukg_aid.quake.scenarios import load_scenario


async def test_drill_drives_a_training_deployment_over_http(live_db: Database) -> None:
    async with live_db.transaction() as s:
        admin = await auth_service.create_token(
            s, name="trainer", role=Role.admin, member_code=None, expires_in_days=1
        )
    with served(live_db.url, env={"UKG_AID_CLOCK": "simulated"}) as url:
        opts = DrillOptions(
            scenario="hyogo-nanbu-1995",
            seed=3,
            hours=12,  # shipments travel on trucks: the first arrive some hours in
            url=url,
            token=admin.secret,
            policies=("optimized",),
        )
        result = await run_drill(opts)
    figures = result["policies"]["optimized"]
    assert figures["requested_units"] > 0
    assert figures["delivered_units"] > 0
    assert figures["medevac"]["filed"] > 0
    async with live_db.transaction() as s:
        names = {t.name for t in await auth_service.list_tokens(s)}
    assert any(n.startswith("drill-optimized-") and n.endswith("-coordinator-union") for n in names)


async def test_a_drill_on_a_deployment_needs_an_admin_token() -> None:
    opts = DrillOptions(scenario="hyogo-nanbu-1995", url="http://127.0.0.1:9", token=None)
    with pytest.raises(ValueError, match="admin token"):
        await run_drill(opts)


async def test_a_drill_refuses_a_live_deployment_before_changing_anything(
    pg_url: str, pg_database: Database
) -> None:
    with served(pg_url) as url:  # the deployment default: the live clock
        opts = DrillOptions(
            scenario="hyogo-nanbu-1995",
            hours=1,
            url=url,
            token="the check comes before any authenticated call",
            policies=("optimized",),
        )
        with pytest.raises(DrillSetupError, match="runs the live clock") as caught:
            await run_drill(opts)
    assert "UKG_AID_CLOCK=simulated" in str(caught.value)
    async with pg_database.transaction() as s:
        assert not [t for t in await auth_service.list_tokens(s) if t.name.startswith("drill-")]


async def test_a_drill_plays_one_policy_per_run_on_a_deployment() -> None:
    opts = DrillOptions(scenario="hyogo-nanbu-1995", url="http://127.0.0.1:9", token="x")
    with pytest.raises(DrillSetupError, match="one policy per run"):
        await run_drill(opts)


async def test_a_deployment_dated_after_the_scenario_start_is_refused(db: Database, tokens) -> None:
    app = create_app(make_settings(db.url, clock=ClockMode.simulated), database=db)
    secret = (await tokens.headers(Role.admin))["Authorization"].removeprefix("Bearer ")
    client = UkgClient.connect("http://training", secret, transport=httpx.ASGITransport(app=app))
    try:
        kobe = load_scenario("hyogo-nanbu-1995").start_time
        await check_training_deployment(client, kobe)  # seeded before 1995: fine
        depot = (await client.depots(member="28"))[0]
        await client.set_depot_status(depot.id, "damaged", at=datetime(2026, 12, 1, tzinfo=JST))
        with pytest.raises(DrillSetupError, match="dated up to 2026-12-01") as caught:
            await check_training_deployment(client, kobe)
        assert "ukg-aid seed --at 1995-01-17T05:46:00+09:00" in str(caught.value)
    finally:
        await client.aclose()
