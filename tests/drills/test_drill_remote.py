"""A drill against a running deployment (--url): real HTTP, role tokens issued over the API."""

from __future__ import annotations

import pytest

from app_support import served
from ukg_aid.auth import service as auth_service
from ukg_aid.auth.models import Role
from ukg_aid.db import Database
from ukg_aid.drills.run import DrillOptions, run_drill


async def test_drill_drives_a_training_deployment_over_http(live_db: Database) -> None:
    async with live_db.transaction() as s:
        admin = await auth_service.create_token(
            s, name="trainer", role=Role.admin, member_code=None, expires_in_days=1
        )
    with served(live_db.url, env={"UKG_AID_CLOCK": "simulated"}) as url:
        opts = DrillOptions(
            scenario="hyogo-nanbu-1995",
            seed=3,
            hours=6,
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
