"""The service CLI: ``db upgrade``, ``seed``, ``token create|revoke|list``.

Commands run in-process (Typer's CliRunner) on a temporary SQLite file chosen with
``UKG_AID_DATABASE_URL``; one test runs the installed ``ukg-aid`` script as a subprocess, the way
an operator does. Settings are cached per process, so the cache is cleared around each run.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from ukg_aid.app import create_app
from ukg_aid.cli import app as cli_app
from ukg_aid.cli import commands  # noqa: F401 - registers the sub-commands
from ukg_aid.config import Settings, get_settings
from ukg_aid.db import Database

REPO = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).with_name("ukg-aid"))
TABLES = ("members", "items", "depots", "stock", "stock_ledger", "api_tokens")


def _env(db_file: Path) -> dict[str, str]:
    return {
        "UKG_AID_DATABASE_URL": f"sqlite:///{db_file}",
        "UKG_AID_SEED_DIR": str(REPO / "data" / "stockpiles"),
        "COLUMNS": "200",
    }


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_cli(db_file: Path, *args: str) -> Ran:
    """Run ``ukg-aid ARGS`` in-process against ``db_file``."""
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli_app, list(args), env=_env(db_file))
    finally:
        get_settings.cache_clear()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def run_script(db_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``ukg-aid`` script as a subprocess against ``db_file``."""
    return subprocess.run(  # noqa: PLW1510 - callers check the exit code themselves
        [CLI, *args],
        env=os.environ | _env(db_file),
        cwd=db_file.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


def counts(db_file: Path) -> dict[str, int]:
    with sqlite3.connect(db_file) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_file = tmp_path_factory.mktemp("cli") / "ukg-aid.db"
    for args in (("db", "upgrade"), ("seed",)):
        done = run_cli(db_file, *args)
        assert done.returncode == 0, done.stderr
    return db_file


@pytest.fixture
async def api(seeded: Path) -> AsyncIterator[httpx.AsyncClient]:
    url = f"sqlite+aiosqlite:///{seeded}"
    database = Database(url, pool_size=1)
    transport = httpx.ASGITransport(app=create_app(Settings(database_url=url), database=database))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://cli") as client:
            yield client
    finally:
        await database.dispose()


def test_upgrade_and_seed_are_idempotent(seeded: Path) -> None:
    first = counts(seeded)
    assert first["members"] == 12
    assert first["depots"] > 12
    assert first["stock"] > 0
    for args in (("db", "upgrade"), ("seed",), ("seed",)):
        done = run_cli(seeded, *args)
        assert done.returncode == 0, done.stderr
    assert counts(seeded) == first


async def test_created_token_works_until_revoked(seeded: Path, api: httpx.AsyncClient) -> None:
    done = await asyncio.to_thread(
        run_script, seeded, "token", "create", "--role", "desk", "--member", "27", "--name", "x"
    )
    assert done.returncode == 0, done.stderr
    secret = done.stdout.strip().splitlines()[-1]
    assert secret.startswith("ukg_")
    headers = {"Authorization": f"Bearer {secret}"}
    assert (await api.get("/api/v1/members", headers=headers)).status_code == 200
    listed = await asyncio.to_thread(run_cli, seeded, "token", "list")
    assert listed.returncode == 0
    assert "x" in listed.stdout
    assert secret not in listed.stdout
    revoked = await asyncio.to_thread(run_cli, seeded, "token", "revoke", "x")
    assert revoked.returncode == 0, revoked.stderr
    resp = await api.get("/api/v1/members", headers=headers)
    assert resp.status_code == 401
    assert resp.json()["code"] == "revoked-token"


def test_desk_token_without_member_fails_clearly(seeded: Path) -> None:
    before = counts(seeded)["api_tokens"]
    done = run_cli(seeded, "token", "create", "--role", "desk", "--name", "no-member")
    assert done.returncode != 0
    assert "--member" in done.stderr
    assert done.stdout.strip() == ""
    assert counts(seeded)["api_tokens"] == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--role", "observer", "--member", "27", "--name", "obs"), "takes no member"),
        (("--role", "desk", "--member", "13", "--name", "tokyo"), "member 13 does not exist"),
        (("--role", "pilot", "--name", "p"), "pilot"),
    ],
)
def test_bad_token_requests_fail(seeded: Path, args: tuple[str, ...], message: str) -> None:
    done = run_cli(seeded, "token", "create", *args)
    assert done.returncode != 0
    assert message in done.stderr


def test_duplicate_token_name_and_unknown_revoke_fail(seeded: Path) -> None:
    assert run_cli(seeded, "token", "create", "--role", "observer", "--name", "dup").returncode == 0
    again = run_cli(seeded, "token", "create", "--role", "observer", "--name", "dup")
    assert again.returncode != 0
    assert "already exists" in again.stderr
    missing = run_cli(seeded, "token", "revoke", "never-issued")
    assert missing.returncode != 0
    assert "no token named" in missing.stderr


def test_seed_at_dates_a_training_deployment_for_its_scenario(tmp_path: Path) -> None:
    db_file = tmp_path / "training.db"
    assert run_cli(db_file, "db", "upgrade").returncode == 0
    done = run_cli(db_file, "seed", "--at", "1995-01-17T05:46:00+0900")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db_file) as conn:
        for table in ("depots", "stock", "helicopters"):
            dates = {row[0] for row in conn.execute(f"SELECT DISTINCT updated_at FROM {table}")}
            assert dates == {"1995-01-16 20:46:00.000000"}, (table, dates)  # UTC
    absurd = run_cli(tmp_path / "other.db", "seed", "--at", "1900-01-01T00:00:00+0900")
    assert absurd.returncode == 1 and "not a date that can be meant" in absurd.stderr
