"""Test databases: real PostgreSQL (and SQLite for the smoke set), migrated and seeded once.

Where PostgreSQL comes from, in order: ``UKG_AID_TEST_DATABASE_URL``; the local server on
127.0.0.1:5432 (a fresh database per run, dropped after); otherwise (or with
``UKG_AID_TEST_OWN_CLUSTER=1``) a throwaway cluster started from the PostgreSQL binaries
(tests/throwaway_pg.py). Under pytest-xdist every worker makes its own databases (the names carry
the worker, tests/app_support.py ``database_name``) on that one server.

Isolation: each test runs inside one outer transaction that is rolled back; the app's own
commits become savepoints. Tests that need real commits across connections (concurrency) use
``live_db``, a database of their own per test (a copy of a migrated, seeded template).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from tests import throwaway_pg
from tests.app_support import (
    SEED_DIR,
    SEEDED_AT,
    WORKER,
    Tokens,
    database_name,
    kill_run_processes,
    make_settings,
    stop_leftovers,
)
from ukg_aid import migrate
from ukg_aid.app import create_app
from ukg_aid.clock import ClockMode
from ukg_aid.db import Database
from ukg_aid.db.session import READ_ONLY
from ukg_aid.seed import seed


def _pg_server_reachable(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _admin_sql(admin_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


OWN_CLUSTER_ENV = "UKG_AID_TEST_OWN_CLUSTER"
"""Set to 1 to run on a throwaway cluster even when a server is on 127.0.0.1:5432."""
_SERVER = pytest.StashKey[str]()
_WORKER_KEY = "ukg_aid_pg_server"
_RUN_UID = pytest.StashKey[str]()
OWN_CLUSTER_CONNECTIONS = 200
"""The throwaway cluster's ``max_connections``: the whole run's workers share it (a PostgreSQL
default server allows 100; README "Tests": the suite's connection budget)."""


def _server_for_run(config: pytest.Config) -> str:
    """The one server this run's databases live on, found (or started) once per run: in the
    only process, or in the xdist controller, which hands it to every worker. A throwaway
    cluster is the process's to stop, when pytest unconfigures (after the workers finished)."""
    if _SERVER not in config.stash:
        if _pg_server_reachable() and not os.environ.get(OWN_CLUSTER_ENV):
            config.stash[_SERVER] = "postgresql://postgres@127.0.0.1:5432"
        else:
            stack = ExitStack()
            config.add_cleanup(stack.close)
            cluster = stack.enter_context(
                throwaway_pg.throwaway_cluster(max_connections=OWN_CLUSTER_CONNECTIONS)
            )
            config.stash[_SERVER] = cluster.url.removesuffix("/postgres")
    return config.stash[_SERVER]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist, in the controller, before a worker starts: the worker will use this run's
    server (so a throwaway cluster is started once, not once per worker)."""
    node.workerinput[_WORKER_KEY] = _server_for_run(node.config)
    node.config.stash[_RUN_UID] = node.workerinput["testrunuid"]


def pytest_unconfigure(config: pytest.Config) -> None:
    """The last word of this process (each xdist worker, or the only process): no server it
    started outlives it. The xdist controller, after its workers ended, also kills what is left
    of the run (a worker killed on Ctrl-C runs no teardown)."""
    stop_leftovers()
    if _RUN_UID in config.stash:
        kill_run_processes(config.stash[_RUN_UID])
        _drop_run_databases(config.stash[_SERVER], config.stash[_RUN_UID][:6])


def _drop_run_databases(server: str, run: str) -> None:
    """Drop the databases of the run ``run`` that its workers did not (``database_name``)."""
    import psycopg

    pattern = f"ukg\\_aid\\_test\\_%\\_{run}\\_%"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (pattern,))
        for (name,) in rows.fetchall():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> str:
    """A ``postgresql://`` URL of a server we may create databases on (admin db ``postgres``)."""
    workerinput = getattr(request.config, "workerinput", None)
    if workerinput is not None:
        return str(workerinput[_WORKER_KEY])
    return _server_for_run(request.config)


async def _migrate_and_seed(url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url, pool_size=1)
    try:
        async with db.transaction() as session:
            await seed(session, SEED_DIR, at=SEEDED_AT)
    finally:
        await db.dispose()


@pytest.fixture(scope="session")
async def pg_url(pg_server: str) -> AsyncIterator[str]:
    """A migrated, seeded PostgreSQL database for this run."""
    explicit = os.environ.get("UKG_AID_TEST_DATABASE_URL")
    if explicit:
        if WORKER != "main":
            pytest.exit("UKG_AID_TEST_DATABASE_URL is one database: run it with -n 0", 4)
        await _migrate_and_seed(explicit)
        yield explicit
        return
    name = database_name("run")
    _admin_sql(f"{pg_server}/postgres", f'CREATE DATABASE "{name}"')
    try:
        await _migrate_and_seed(f"{pg_server}/{name}")
        yield f"{pg_server}/{name}"
    finally:
        _admin_sql(f"{pg_server}/postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
async def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    await _migrate_and_seed(f"sqlite+aiosqlite:///{path}")
    return path


class BoundDatabase(Database):
    """A Database whose sessions all live inside one outer, rolled-back transaction."""

    def __init__(self, base: Database, conn: AsyncConnection) -> None:
        self.url = base.url
        self.engine = base.engine
        self.conn = conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        async with AsyncSession(
            bind=self.conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """Inside the outer transaction too (it holds the test's uncommitted rows), and as
        strict as the real one: a write raises."""
        async with self.transaction() as session:
            session.info[READ_ONLY] = True
            yield session


@pytest.fixture(scope="session")
async def pg_database(pg_url: str) -> AsyncIterator[Database]:
    db = Database(pg_url, pool_size=5)
    yield db
    await db.dispose()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = ["postgresql"]
        if metafunc.definition.get_closest_marker("sqlite"):
            backends.append("sqlite")
        metafunc.parametrize("backend", backends)


@pytest.fixture
async def db(
    backend: str, pg_database: Database, sqlite_template: Path, tmp_path: Path
) -> AsyncIterator[Database]:
    """The database a test works in: rolled back (PostgreSQL) or a fresh copy (SQLite)."""
    if backend == "sqlite":
        copy = tmp_path / "test.db"
        shutil.copy(sqlite_template, copy)
        sqlite_db = Database(f"sqlite+aiosqlite:///{copy}", pool_size=1)
        yield sqlite_db
        await sqlite_db.dispose()
        return
    async with pg_database.engine.connect() as conn:
        outer = await conn.begin()
        yield BoundDatabase(pg_database, conn)
        await outer.rollback()


@pytest.fixture
async def session(db: Database) -> AsyncIterator[AsyncSession]:
    """A session for arranging and checking state directly (same transaction as the app)."""
    async with db.transaction() as s:
        yield s


@pytest.fixture
async def client(db: Database, request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    """The app through ASGI: on the live clock, or on a simulated one for tests marked
    ``simulated_clock`` (they replay fixed dates such as a December afternoon)."""
    simulated = request.node.get_closest_marker("simulated_clock") is not None
    clock = ClockMode.simulated if simulated else ClockMode.live
    app = create_app(make_settings(db.url, clock=clock), database=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest.fixture
def tokens(db: Database) -> Tokens:
    return Tokens(db)


@pytest.fixture(scope="session")
async def live_template(pg_server: str) -> AsyncIterator[str]:
    """A migrated, seeded database nobody connects to, that every committed database is copied
    from (``CREATE DATABASE … TEMPLATE``: a file copy, where running the migrations and the seed
    again took seconds for each test, half a minute on a loaded machine). The copy is what a
    fresh migrate + seed gives: same rows, same sequences (the seed is dated ``SEEDED_AT``)."""
    name = database_name("tmpl")
    _admin_sql(f"{pg_server}/postgres", f'CREATE DATABASE "{name}"')
    try:
        await _migrate_and_seed(f"{pg_server}/{name}")
        yield name
    finally:
        _admin_sql(f"{pg_server}/postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def _committed_database(pg_server: str, template: str) -> AsyncIterator[Database]:
    name = database_name("live")
    _admin_sql(f"{pg_server}/postgres", f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = f"{pg_server}/{name}"
    database = Database(url, pool_size=20)
    try:
        yield database
    finally:
        await database.dispose()
        _admin_sql(f"{pg_server}/postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def live_db(pg_server: str, live_template: str) -> AsyncIterator[Database]:
    """A committed database for concurrency tests: a fresh one, migrated and seeded, per test."""
    async with _committed_database(pg_server, live_template) as database:
        yield database


@pytest.fixture(scope="module")
async def module_live_db(pg_server: str, live_template: str) -> AsyncIterator[Database]:
    """Like ``live_db``, shared by one module's tests (each of them leaves it consistent)."""
    async with _committed_database(pg_server, live_template) as database:
        yield database


async def count_rows(session: AsyncSession, table: str) -> int:
    return int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
