"""Helpers shared by test modules (a uniquely named module: ``conftest`` names are ambiguous when
several test folders have one)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from ukg_aid.auth import service as auth_service
from ukg_aid.clock import JST, ClockMode
from ukg_aid.config import Settings
from ukg_aid.db import Database, wire
from ukg_aid.principal import Role

REPO = Path(__file__).resolve().parents[1]
SEED_DIR = REPO / "data" / "stockpiles"
SEEDED_AT = datetime(1990, 1, 1, tzinfo=JST)
"""When the test databases' seed rows are dated: before every date a test or a built-in drill
scenario replays (the oldest is 1995-01-17), so no test depends on the day it runs (SPEC §9:
an entity's timeline only moves forward from its seeded state)."""


WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
"""This process's name in a distributed run (``gw0``, ``gw1``… under pytest-xdist; ``main`` when
the suite runs in one process)."""
RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)[:6]
"""The run this process belongs to (every xdist worker of one run shares it)."""


def database_name(kind: str) -> str:
    """A fresh name for a database a test creates: ``ukg_aid_test_<kind>_<worker>_<run>_<random>``.
    Names never collide (the random part alone sees to that); the worker and run say whose a
    database is, so a leftover or a busy connection in ``pg_stat_activity`` can be traced to the
    run and the worker that made it (bench/suite_time.py counts one run's connections by them)."""
    return f"ukg_aid_test_{kind}_{WORKER}_{RUN}_{uuid.uuid4().hex[:6]}"


def json_object(value: object) -> dict[str, Any]:
    """A decoded JSON object (``resp.json()`` is ``Any``): checked, so the helpers that return
    one say so truthfully."""
    assert isinstance(value, dict), value
    return value


def make_settings(url: str, *, clock: ClockMode = ClockMode.live) -> Settings:
    """Settings for an app under test on ``url`` with the repository's seed data. The clock is
    live (the deployment default) unless a test replays fixed dates on a simulated one."""
    return Settings(database_url=url, seed_dir=SEED_DIR, clock=clock)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(
    database_url: str, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[str]:
    """``ukg-aid serve`` as a real process on 127.0.0.1 (loopback only); yields its base URL.

    ``env`` adds settings (``UKG_AID_*``) for this server only.
    """
    with serve_process(database_url, workers=workers, env=env) as (url, _proc):
        yield url


START_TIMEOUT_S = 180
POLL_TIMEOUT_S = 10
"""How long one start-up poll of ``/healthz`` waits for its answer. A server that is not
listening refuses at once; one that accepted is waited for, not abandoned: an abandoned poll is
still answered, and counted in ``/metrics``, after the test has moved on (seen: 61 of 60)."""

STARTED: list[subprocess.Popen[bytes]] = []
"""The server processes this process started (each in a session of its own); the ones still
running when pytest unconfigures are stopped then (tests/conftest.py), so a teardown that never
ran (an interrupted run, a worker told to stop) leaves no server behind."""


def spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start ``args`` in a session of its own (its process group can be signalled whole),
    remembered in :data:`STARTED`."""
    proc = subprocess.Popen(args, env=env, cwd=REPO, start_new_session=True)
    STARTED[:] = [p for p in STARTED if p.poll() is None]
    STARTED.append(proc)
    return proc


def kill_run_processes(run_uid: str) -> list[int]:
    """SIGKILL every process whose environment says it belongs to the xdist run ``run_uid``.
    xdist gives each worker ``PYTEST_XDIST_TESTRUNUID`` and all they start inherits it: what an
    interrupted run's killed workers left behind (servers, solver pools, browsers) is found by it,
    and nothing of another run is."""
    marker = f"PYTEST_XDIST_TESTRUNUID={run_uid}".encode()
    killed = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        pid = int(environ.parent.name)
        try:
            found = marker in environ.read_bytes().split(b"\0")
        except OSError:
            continue
        if found and pid != os.getpid():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            killed.append(pid)
    return killed


def stop_leftovers() -> None:
    """SIGKILL the process group of every started server still running."""
    for proc in STARTED:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    STARTED.clear()


def wait_until_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    """Until ``ukg-aid serve`` at ``url`` answers ``/readyz`` with 200. Starting takes seconds
    alone but over a minute on a loaded 2-core machine (importing the app alone took 25 s
    there); a server that died is reported at once. Ready, not only up: until its warm-up is
    done a process answers late (``app._warm``)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=POLL_TIMEOUT_S).status_code == 200:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"ukg-aid serve was not ready within {START_TIMEOUT_S} s")
        except httpx.TransportError:
            if proc.poll() is not None:
                raise RuntimeError(f"ukg-aid serve exited with {proc.returncode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"ukg-aid serve did not start within {START_TIMEOUT_S} s"
                ) from None
        time.sleep(0.2)


@contextmanager
def serve_process(
    database_url: str, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Like :func:`served`, also yielding the ``ukg-aid serve`` process (the supervisor when
    ``workers > 1``), for tests that kill it or its workers."""
    port = _free_port()
    env = (
        os.environ
        | {"UKG_AID_DATABASE_URL": database_url, "UKG_AID_LOG_LEVEL": "warning"}
        | (env or {})
    )
    cli = Path(sys.executable).with_name("ukg-aid")
    proc = spawn([str(cli), "serve", "--port", str(port), "--workers", str(workers)], env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, proc)
        yield url, proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


class StatementCounter:
    """Counts the SQL statements an engine executes while the ``with`` block runs, those the ORM
    and Core send through SQLAlchemy and those sent straight on the driver (``ukg_aid.db.wire``;
    on any engine: the block is the test's own)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine.sync_engine
        self.statements: list[str] = []
        self.executions = 0
        """Statements as the server sees them: an ``executemany`` of n rows (what the ORM's
        flush makes of n changed objects) counts n times, one ``Execute`` each on the wire."""

    def _count(self, *args: object) -> None:
        self.statements.append(str(args[2]))
        params, many = args[3], args[5]
        self.executions += len(params) if many and isinstance(params, Sequence) else 1

    def _count_wire(self, sql: str) -> None:
        self.statements.append(sql)
        self.executions += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._count)
        wire.SENT.append(self._count_wire)  # statements sent on the driver, past the engine
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)
        wire.SENT.remove(self._count_wire)

    @property
    def count(self) -> int:
        return len(self.statements)


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc), e.g. a supervisor's workers."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def workers(supervisor: int) -> list[int]:
    """The uvicorn worker processes of a ``ukg-aid serve --workers N`` supervisor (not
    multiprocessing's resource tracker, its other child)."""
    found = []
    for pid in children(supervisor):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            found.append(pid)
    return found


def wait_for_workers(supervisor: int, n: int, timeout_s: float = 60) -> list[int]:
    """Block until the supervisor has ``n`` workers (each imports the whole app first)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = workers(supervisor)
        if len(found) == n:
            return found
        time.sleep(0.2)
    raise AssertionError(f"expected {n} workers, found {workers(supervisor)}")


class Tokens:
    """Issues tokens in the test's database and returns ready-made auth headers."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def headers(
        self, role: Role | str, member: str | None = None, *, expires_in_days: int = 30
    ) -> dict[str, str]:
        role = Role(role)
        name = f"{role.value}-{member or 'union'}-{uuid.uuid4().hex[:6]}"
        async with self.db.transaction() as s:
            issued = await auth_service.create_token(
                s,
                name=name,
                role=role,
                member_code=member,
                expires_in_days=expires_in_days,
            )
        return {"Authorization": f"Bearer {issued.secret}"}
