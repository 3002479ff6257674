"""Shared by the hostile tests: a snapshot of every table's row count (what "changes nothing"
means here), and the active incident's id."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.api_helpers import assert_problem

PUBLIC_TABLES = text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")


async def snapshot(session: AsyncSession) -> dict[str, int]:
    """Rows per table (PostgreSQL), read in the test's transaction after the app's writes."""
    await session.commit()
    tables = sorted((await session.execute(PUBLIC_TABLES)).scalars())
    counts = ", ".join(f'(SELECT count(*) FROM "{t}") AS "{t}"' for t in tables)
    row = (await session.execute(text(f"SELECT {counts}"))).mappings().one()
    return {t: int(row[t]) for t in tables}


async def refused_unchanged(
    session: AsyncSession, before: dict[str, int], resp: httpx.Response, status: int
) -> dict[str, Any]:
    """``resp`` is a ``status`` problem and no table gained or lost a row."""
    body = assert_problem(resp, status)
    after = await snapshot(session)
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    assert not changed, f"a refused call changed rows: {changed}"
    return body


async def active_incident(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    page = await client.get("/api/v1/incidents", params={"status": "active"}, headers=headers)
    assert page.status_code == 200, page.text
    (incident,) = page.json()["items"]
    return int(incident["id"])


async def open_drill(client: httpx.AsyncClient, headers: dict[str, str], name: str) -> int:
    resp = await client.post(
        "/api/v1/incidents", json={"name": name, "kind": "drill"}, headers=headers
    )
    assert resp.status_code == 201, resp.text
    return int(resp.json()["id"])


async def close_incident(client: httpx.AsyncClient, headers: dict[str, str], incident: int) -> None:
    resp = await client.patch(
        f"/api/v1/incidents/{incident}", json={"status": "closed"}, headers=headers
    )
    assert resp.status_code == 200, resp.text
