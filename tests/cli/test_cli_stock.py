"""``ukg-aid stock export|import`` against a real ``ukg-aid serve`` process (PostgreSQL)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from tests.app_support import served
from ukg_aid.auth import service as auth_service
from ukg_aid.cli import app as cli_app
from ukg_aid.cli import commands  # noqa: F401 - registers the sub-commands
from ukg_aid.db import Database
from ukg_aid.principal import Role


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli_app, list(args), env={"COLUMNS": "200"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


async def test_export_edit_preview_apply(live_db: Database, tmp_path: Path) -> None:
    async with live_db.transaction() as s:
        issued = await auth_service.create_token(
            s, name="shiga-desk", role=Role.desk, member_code="25", expires_in_days=1
        )
    token = issued.secret
    exported = tmp_path / "shiga.csv"
    with served(live_db.url) as url:
        auth = ("--url", url, "--token", token)
        code, _, errout = await asyncio.to_thread(
            _cli, "stock", "export", *auth, "--member", "25", "--out", str(exported)
        )
        assert code == 0, errout
        raw = exported.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        lines = raw.decode("utf-8").splitlines()
        cells = lines[1].split(",")
        cells[6] = str(int(cells[6]) + 10)  # on_hand of the first row
        lines[1] = ",".join(cells)
        edited = tmp_path / "edited.csv"
        edited.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")

        preview = await asyncio.to_thread(
            _cli, "stock", "import", str(edited), *auth, "--reason", "stocktake"
        )
        assert preview[0] == 0, preview[2]
        assert f"1 changed, {len(lines) - 2} unchanged (preview only" in preview[1]
        applied = await asyncio.to_thread(
            _cli, "stock", "import", str(edited), *auth, "--reason", "stocktake", "--apply"
        )
        assert applied[0] == 0 and "(applied)" in applied[1], applied
        again = await asyncio.to_thread(
            _cli, "stock", "import", str(edited), *auth, "--reason", "stocktake"
        )
        assert f"0 changed, {len(lines) - 1} unchanged" in again[1]

        cells = lines[2].split(",")
        cells[6] = "many"
        lines[2] = ",".join(cells)
        edited.write_text("\n".join(lines), encoding="utf-8")
        bad = await asyncio.to_thread(
            _cli, "stock", "import", str(edited), *auth, "--reason", "x", "--apply"
        )
        assert bad[0] == 1
        assert "line 3 [on_hand]: 'many' is not a whole number" in bad[2]

        sjis = tmp_path / "sjis.csv"
        sjis.write_bytes("\r\n".join(lines).removeprefix("\ufeff").encode("cp932"))
        refused = await asyncio.to_thread(
            _cli, "stock", "import", str(sjis), *auth, "--reason", "x"
        )
        assert refused[0] == 2 and "Shift-JIS" in refused[2]
