"""Stock CSV import against the same changes made one PUT at a time (the baseline), same run.

    python -m bench.stock_import [--pg postgresql://postgres@127.0.0.1:5432]

Makes a throwaway database on the PostgreSQL server, migrates and seeds it, and through the
ASGI app: exports the union's stock, adds 1 to every on_hand, then times the preview
(dry run), the import (one transaction) and, on a second copy of the changes, one
``PUT /depots/{id}/stock/{item}`` per row; SQL statements are counted for each. Prints the
figures and the ratios; the database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import time
import uuid
from collections.abc import Awaitable
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import event

from ukg_aid import migrate
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.config import Settings
from ukg_aid.db import Database
from ukg_aid.principal import Role
from ukg_aid.seed import seed

SEED_DIR = Path(__file__).resolve().parents[1] / "data" / "stockpiles"


def _bumped(text: str, by: int) -> tuple[str, list[dict[str, str]]]:
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    for r in rows:
        r["on_hand"] = str(int(r["on_hand"]) + by)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue(), rows


async def _measure(db: Database, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    statements = [0]

    def count(*_: object) -> None:
        statements[0] += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)

    async def timed(label: str, work: Awaitable[None]) -> float:
        statements[0] = 0
        started = time.perf_counter()
        await work
        seconds = time.perf_counter() - started
        print(f"{label:<34} {seconds:7.2f} s  {statements[0]:6d} statements")
        return seconds

    text = (await client.get("/api/v1/stock/export", headers=headers)).content.decode()
    body, rows = _bumped(text, 1)

    async def post(dry: bool) -> None:
        resp = await client.post(
            "/api/v1/stock/import",
            json={"csv": body, "reason": "bench", "dry_run": dry},
            headers=headers,
        )
        assert resp.status_code == 200, resp.text
        assert len(resp.json()["changes"]) == len(rows)

    async def puts() -> None:
        for r in rows:
            resp = await client.put(
                f"/api/v1/depots/{r['depot_id']}/stock/{r['item_code']}",
                json={"on_hand": int(r["on_hand"]) + 1, "reason": "bench"},
                headers=headers,
            )
            assert resp.status_code == 200, resp.text

    print(f"{len(rows)} stock rows (the whole seeded union), every on_hand changed")
    preview = await timed("import, dry run (preview)", post(True))
    applied = await timed("import, applied (one transaction)", post(False))
    one_by_one = await timed(f"{len(rows)} × PUT (baseline)", puts())
    print(f"applied import / PUTs: {applied / one_by_one:.2f}")
    print(f"preview / applied import: {preview / applied:.3f}")


async def main(server: str) -> None:
    name = f"ukg_aid_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{server}/{name}"
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(url, pool_size=2)
        async with db.transaction() as session:
            await seed(session, SEED_DIR)
            issued = await auth_service.create_token(
                session, name="bench", role=Role.admin, member_code=None, expires_in_days=1
            )
        app = create_app(Settings(database_url=url), database=db)
        headers = {"Authorization": f"Bearer {issued.secret}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=600
        ) as c:
            await _measure(db, c, headers)
        await db.dispose()
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    asyncio.run(main(parser.parse_args().pg))
