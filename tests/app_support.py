"""Helpers shared by test modules (a uniquely named module: ``conftest`` names are ambiguous when
several test folders have one)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from ukg_aid.clock import JST, ClockMode
from ukg_aid.config import Settings

REPO = Path(__file__).resolve().parents[1]
SEED_DIR = REPO / "data" / "stockpiles"
SEEDED_AT = datetime(1990, 1, 1, tzinfo=JST)
"""When the test databases' seed rows are dated: before every date a test or a built-in drill
scenario replays (the oldest is 1995-01-17), so no test depends on the day it runs (SPEC §9:
an entity's timeline only moves forward from its seeded state)."""


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
    ``env`` adds settings (e.g. ``UKG_AID_CLOCK``)."""
    port = _free_port()
    env = (
        os.environ
        | {"UKG_AID_DATABASE_URL": database_url, "UKG_AID_LOG_LEVEL": "warning"}
        | (env or {})
    )
    cli = Path(sys.executable).with_name("ukg-aid")
    proc = subprocess.Popen(
        [str(cli), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=REPO,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("ukg-aid serve did not start within 60 s") from None
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


class StatementCounter:
    """Counts the SQL statements an engine executes while the ``with`` block runs."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine.sync_engine
        self.statements: list[str] = []

    def _count(self, *args: object) -> None:
        self.statements.append(str(args[2]))

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def count(self) -> int:
        return len(self.statements)
