"""A throwaway local instance for a drill: temporary SQLite database, migrated and seeded from
``data/stockpiles``, served in-process through ``httpx.ASGITransport``. Live stock is never
touched; everything is deleted afterwards.

The instance runs a simulated clock (``UKG_AID_CLOCK=simulated``): the drill sends every action's
``at`` on the scenario's timeline, which may be 1995 or next week. Its seed is dated at the
scenario's start, so the drill's first changes do not lie before the rows' own timeline.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import anyio
import httpx

from ukg_aid import migrate
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.client import UkgClient
from ukg_aid.clock import ClockMode
from ukg_aid.config import Settings
from ukg_aid.db import Database
from ukg_aid.principal import Role
from ukg_aid.seed import seed

LOCAL_BASE_URL = "http://ukg-aid.drill"


@asynccontextmanager
async def local_instance(seed_dir: Path, start: datetime) -> AsyncIterator[UkgClient]:
    """An admin client on a fresh instance seeded at ``start``, for as long as the context."""
    with tempfile.TemporaryDirectory(prefix="ukg-aid-drill-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'drill.db'}"
        await anyio.to_thread.run_sync(migrate.upgrade, url)
        db = Database(url, pool_size=1)
        try:
            async with db.transaction() as session:
                await seed(session, seed_dir, at=start)
                issued = await auth_service.create_token(
                    session,
                    name="drill-admin",
                    role=Role.admin,
                    member_code=None,
                    expires_in_days=2,
                )
            # Generous solver limits: a drill's report must not depend on how busy the machine is.
            settings = Settings(
                database_url=url,
                seed_dir=seed_dir,
                clock=ClockMode.simulated,
                solver_time_limit_s=600,
                medevac_time_limit_s=600,
            )
            app = create_app(settings, database=db)
            client = UkgClient.connect(
                LOCAL_BASE_URL, issued.secret, transport=httpx.ASGITransport(app=app)
            )
            try:
                yield client
            finally:
                await client.aclose()
        finally:
            await db.dispose()
