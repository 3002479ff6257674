"""Shared helpers for the API tests: problem assertions, seeded depots, request bodies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.clock import JST, now
from ukg_aid.stockpiles.models import Depot, Stock

PROBLEM_JSON = "application/problem+json"

# A delivery point in central Osaka (well inside the union).
OSAKA_POINT = {"name": "Osaka Castle Park", "lat": 34.6873, "lon": 135.5262}


def hours_ago(hours: float) -> str:
    """Japan time ``hours`` before now, in whole seconds, as the API writes it: for tests on the
    live clock, whose ``at`` must lie inside the backdating window (a fixed date there fails
    once the real date has moved on)."""
    moment = (now() - timedelta(hours=hours)).astimezone(JST).replace(microsecond=0)
    return moment.isoformat()


def assert_problem(resp: httpx.Response, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with ``status``; returns its body."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith(PROBLEM_JSON), resp.headers
    body: dict[str, Any] = resp.json()
    for field in ("type", "title", "status", "detail"):
        assert field in body, body
    assert body["status"] == status
    assert "Traceback" not in resp.text
    return body


def error_locs(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The ``loc`` of every field error in a 422 problem."""
    return [tuple(e["loc"]) for e in body["errors"]]


async def depot_of(session: AsyncSession, member: str) -> Depot:
    """The member's first seeded depot."""
    depot = await session.scalar(
        select(Depot).where(Depot.member_code == member).order_by(Depot.id).limit(1)
    )
    assert depot is not None, f"no seeded depot for member {member}"
    return depot


async def stock_row(session: AsyncSession, depot_id: int, item: str) -> Stock | None:
    """The stock row as the database has it now.

    Commits the test session first: on SQLite an open read transaction would keep showing the
    snapshot taken before the app's writes; ``populate_existing`` bypasses the identity map.
    """
    await session.commit()
    return await session.scalar(
        select(Stock)
        .where(Stock.depot_id == depot_id, Stock.item_code == item)
        .execution_options(populate_existing=True)
    )


def filing(member: str = "27", **overrides: Any) -> dict[str, Any]:
    """A valid aid request body for ``member``; ``overrides`` replace top-level fields."""
    body: dict[str, Any] = {
        "member_code": member,
        "delivery": dict(OSAKA_POINT),
        "priority": "high",
        "lines": [
            {"item_code": "water", "quantity": 1000},
            {"item_code": "blankets", "quantity": 200},
        ],
        "note": "evacuation centre, 400 people",
    }
    body.update(overrides)
    return body


async def new_depot(
    client: httpx.AsyncClient, headers: dict[str, str], member: str = "27", **fields: Any
) -> dict[str, Any]:
    """Create a depot through the API (so it starts with no stock) and return it."""
    body = {"member_code": member, "name": "Test warehouse", "lat": 34.70, "lon": 135.50}
    body.update(fields)
    resp = await client.post("/api/v1/depots", json=body, headers=headers)
    assert resp.status_code == 201, resp.text
    created: dict[str, Any] = resp.json()
    return created


async def count(session: AsyncSession, table: str) -> int:
    """Rows in ``table`` as committed now (see :func:`stock_row` on why the commit)."""
    await session.commit()
    result = await session.execute(text(f"SELECT count(*) FROM {table}"))
    return int(result.scalar_one())
