"""Medevac surfaces (SPEC §12) under hostile or sleepless input on the live clock: a visiting
aircraft whose daylight window ends before it starts, holds and stagings over long ago, blank or
control-character names. Each is a 422 problem that changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.api_helpers import error_locs
from tests.api.matrix_medevac import STAGING, VISITING
from tests.hostile.hostile_support import refused_unchanged, snapshot
from ukg_aid.clock import JST
from ukg_aid.principal import Role


@pytest.fixture
async def ems(tokens) -> dict[str, str]:
    headers: dict[str, str] = await tokens.headers(Role.ems)
    return headers


async def _first_helicopter(client: httpx.AsyncClient, ems: dict[str, str]) -> int:
    page = (await client.get("/api/v1/helicopters", headers=ems)).json()
    rows = page["items"] if isinstance(page, dict) else page
    return int(rows[0]["id"])


def _period(hours_ago_from: float, hours_ago_until: float) -> dict[str, str]:
    now = datetime.now(JST)
    return {
        "from": (now - timedelta(hours=hours_ago_from)).isoformat(),
        "until": (now - timedelta(hours=hours_ago_until)).isoformat(),
    }


@pytest.mark.parametrize(
    ("window", "loc"),
    [
        ({"daylight_start": "16:00", "daylight_fixed_end": "09:00"}, "daylight_fixed_end"),
        ({"daylight_fixed_end": "08:30"}, "daylight_fixed_end"),  # the default start is 08:30
        ({"daylight_fixed_end": "07:00"}, "daylight_fixed_end"),
    ],
    ids=["end before start", "end at the default start", "end before the default start"],
)
async def test_a_daylight_window_that_ends_before_it_starts_is_422(
    client: httpx.AsyncClient, ems: dict[str, str], session: AsyncSession, window: Any, loc: str
) -> None:
    before = await snapshot(session)
    resp = await client.post("/api/v1/helicopters", json=VISITING | window, headers=ems)
    problem = await refused_unchanged(session, before, resp, 422)
    assert ("body", loc) in error_locs(problem), problem


async def test_a_visiting_window_with_an_early_fixed_end_is_kept(
    client: httpx.AsyncClient, ems: dict[str, str]
) -> None:
    body = VISITING | {"daylight_start": "08:00", "daylight_fixed_end": "17:15"}
    resp = await client.post("/api/v1/helicopters", json=body, headers=ems)
    assert resp.status_code == 201, resp.text
    assert (resp.json()["daylight_start"], resp.json()["daylight_fixed_end"]) == ("08:00", "17:15")


async def test_a_weather_hold_over_long_ago_is_422_on_the_live_clock(
    client: httpx.AsyncClient, ems: dict[str, str], session: AsyncSession
) -> None:
    heli = await _first_helicopter(client, ems)
    hold = {"base_helicopter_id": heli, "reason": "fog"}
    before = await snapshot(session)
    for period in (
        _period(30, 27),
        {"from": "2001-12-02T09:00:00+09:00", "until": "2001-12-02T12:00:00+09:00"},
    ):
        resp = await client.post("/api/v1/weather-holds", json=hold | period, headers=ems)
        problem = await refused_unchanged(session, before, resp, 422)
        assert ("body", "until") in error_locs(problem), problem
    recent = await client.post("/api/v1/weather-holds", json=hold | _period(3, 1), headers=ems)
    assert recent.status_code == 201, recent.text  # recorded afterwards, within the 24 h window


async def test_a_staging_over_long_ago_is_422_on_the_live_clock(
    client: httpx.AsyncClient, ems: dict[str, str], session: AsyncSession
) -> None:
    url = f"/api/v1/helicopters/{await _first_helicopter(client, ems)}/stagings"
    before = await snapshot(session)
    resp = await client.post(url, json=STAGING | _period(80, 74), headers=ems)
    problem = await refused_unchanged(session, before, resp, 422)
    assert ("body", "until") in error_locs(problem), problem
    recent = await client.post(url, json=STAGING | _period(5, 2), headers=ems)
    assert recent.status_code == 201, recent.text


@pytest.mark.simulated_clock
async def test_a_drill_still_replays_a_hold_in_1995(
    client: httpx.AsyncClient, ems: dict[str, str]
) -> None:
    heli = await _first_helicopter(client, ems)
    body = {
        "base_helicopter_id": heli,
        "reason": "snow",
        "from": "1995-01-17T09:00:00+09:00",
        "until": "1995-01-17T12:00:00+09:00",
    }
    resp = await client.post("/api/v1/weather-holds", json=body, headers=ems)
    assert resp.status_code == 201, resp.text


def _bodies(heli_id: int) -> dict[str, tuple[str, dict[str, Any], tuple[str, ...]]]:
    mission = {"member_code": "27", "severity": "red", "patients": 1}
    hold = {"base_helicopter_id": heli_id} | _period(1, -2)
    return {
        "scene name": (
            "/api/v1/medevac-missions",
            mission | {"scene": {"lat": 34.69, "lon": 135.52, "name": "  "}},
            ("body", "scene", "name"),
        ),
        "hold reason": ("/api/v1/weather-holds", hold | {"reason": " \u3000 "}, ("body", "reason")),
        "staging name": (
            f"/api/v1/helicopters/{heli_id}/stagings",
            STAGING | {"name": "Miki\n"},
            ("body", "name"),
        ),
        "callsign": (
            "/api/v1/helicopters",
            VISITING | {"callsign": "JA\u202e01"},
            ("body", "callsign"),
        ),
    }


@pytest.mark.parametrize("case", ["scene name", "hold reason", "staging name", "callsign"])
async def test_blank_or_control_character_names_are_422(
    client: httpx.AsyncClient, ems: dict[str, str], session: AsyncSession, case: str
) -> None:
    url, body, loc = _bodies(await _first_helicopter(client, ems))[case]
    before = await snapshot(session)
    problem = await refused_unchanged(
        session, before, await client.post(url, json=body, headers=ems), 422
    )
    assert loc in error_locs(problem), problem


async def test_a_replayed_weather_hold_is_recorded_once(
    client: httpx.AsyncClient, ems: dict[str, str], session: AsyncSession
) -> None:
    """A retried POST recorded a second hold; the replay now answers the first response, with
    its ``from`` field spelled as the API spells it."""
    body = {"base_helicopter_id": await _first_helicopter(client, ems), "reason": "fog"}
    body |= _period(1, -2)
    key = ems | {"Idempotency-Key": "fog-over-the-base"}
    first = await client.post("/api/v1/weather-holds", json=body, headers=key)
    assert first.status_code == 201, first.text
    before = await snapshot(session)
    again = await client.post("/api/v1/weather-holds", json=body, headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert "from" in again.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert await snapshot(session) == before
    other = await client.post("/api/v1/weather-holds", json=body | {"reason": "snow"}, headers=key)
    assert (await refused_unchanged(session, before, other, 422))[
        "code"
    ] == "idempotency-key-reused"
