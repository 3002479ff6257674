"""One committed database for this folder's tests (the bare app and the service must both see
it). The harness itself is the ``bench`` package, imported as ``bench.<module>``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import psycopg
import pytest

from tests.app_support import SEED_DIR, database_name
from ukg_aid import migrate
from ukg_aid.db import Database
from ukg_aid.seed import seed


def _admin(server: str, statement: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture(scope="module")
async def bench_db(pg_server: str) -> AsyncIterator[Database]:
    """A migrated, seeded, committed database shared by one module's tests (each test leaves
    its writes behind, so tests compare deltas and use fresh token names)."""
    name = database_name("bench")
    _admin(pg_server, f'CREATE DATABASE "{name}"')
    url = f"{pg_server}/{name}"
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        database = Database(url, pool_size=5)
        async with database.transaction() as session:
            await seed(session, SEED_DIR)
        yield database
        await database.dispose()
    finally:
        _admin(pg_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
