"""Closures (SPEC §11, §14) under hostile input: areas that are not places in Japan, polygons
too detailed to be meant, a closed incident, a closure of another incident, replays. Each is a
clear 4xx problem and changes no row."""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.hostile.hostile_support import (
    active_incident,
    close_incident,
    open_drill,
    refused_unchanged,
    snapshot,
)
from ukg_aid.principal import Role

# A small box over central Osaka ([lon, lat], closed).
OSAKA_BOX = [[135.48, 34.66], [135.54, 34.66], [135.54, 34.71], [135.48, 34.71], [135.48, 34.66]]
AKASHI = {"kind": "crossing", "crossing": "akashi-kaikyo"}


def _area(*rings: list[list[float]]) -> dict[str, Any]:
    return {"kind": "area", "area": {"type": "Polygon", "coordinates": list(rings)}}


def _circle(n: int, lat: float = 34.69, lon: float = 135.51, r: float = 0.05) -> list[list[float]]:
    ring = [
        [lon + r * math.cos(2 * math.pi * k / n), lat + r * math.sin(2 * math.pi * k / n)]
        for k in range(n)
    ]
    return [*ring, ring[0]]


@pytest.fixture
async def coord(tokens) -> dict[str, str]:
    headers: dict[str, str] = await tokens.headers(Role.coordinator)
    return headers


def _url(incident: int) -> str:
    return f"/api/v1/incidents/{incident}/closures"


BAD_AREAS = {
    # Western hemisphere: the sign of the longitude dropped on a tired desk.
    "sign of longitude lost": _area([[-lon, lat] for lon, lat in OSAKA_BOX]),
    "over Paris": _area([[2.3, 48.8], [2.4, 48.8], [2.4, 48.9], [2.3, 48.9], [2.3, 48.8]]),
    "latitude and longitude swapped": _area([[lat, lon] for lon, lat in OSAKA_BOX]),
    "self-intersecting bow tie": _area(
        [[135.48, 34.66], [135.54, 34.71], [135.54, 34.66], [135.48, 34.71], [135.48, 34.66]]
    ),
    "ring not closed": _area(OSAKA_BOX[:-1]),
    "zero area": _area([[135.5, 34.7], [135.6, 34.7], [135.7, 34.7], [135.5, 34.7]]),
    "5,000 vertices": _area(_circle(5_000)),
    "a position with three numbers": _area([[*OSAKA_BOX[0], 10.0], *OSAKA_BOX[1:]]),
    "a crossing and an area": {"kind": "crossing", "crossing": "onaruto"} | _area(OSAKA_BOX),
    "no rings": {"kind": "area", "area": {"type": "Polygon", "coordinates": []}},
    "a LineString": {"kind": "area", "area": {"type": "LineString", "coordinates": OSAKA_BOX}},
    "unknown crossing": {"kind": "crossing", "crossing": "seto-ohashi"},
}


@pytest.mark.parametrize("body", BAD_AREAS.values(), ids=BAD_AREAS.keys())
async def test_an_area_that_is_no_usable_place_in_japan_is_422(
    client: httpx.AsyncClient, coord: dict[str, str], session: AsyncSession, body: dict[str, Any]
) -> None:
    url = _url(await active_incident(client, coord))
    before = await snapshot(session)
    problem = await refused_unchanged(
        session, before, await client.post(url, json=body, headers=coord), 422
    )
    assert problem["errors"], problem


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
async def test_non_finite_coordinates_are_422(
    client: httpx.AsyncClient, coord: dict[str, str], session: AsyncSession, literal: str
) -> None:
    url = _url(await active_incident(client, coord))
    ring = ",".join(f"[{lon},{lat}]" for lon, lat in OSAKA_BOX[1:])
    raw = (
        '{"kind":"area","area":{"type":"Polygon","coordinates":[[['
        + literal
        + ",34.66],"
        + ring
        + "]]}}"
    )
    before = await snapshot(session)
    resp = await client.post(url, content=raw, headers=coord | {"content-type": "application/json"})
    await refused_unchanged(session, before, resp, 422)


async def test_a_closed_incident_takes_no_new_closure_and_keeps_its_own(
    client: httpx.AsyncClient, coord: dict[str, str], session: AsyncSession
) -> None:
    drill = await open_drill(client, coord, "Hostile: closures of a closed drill")
    kept = await client.post(_url(drill), json=AKASHI, headers=coord)
    assert kept.status_code == 201, kept.text
    await close_incident(client, coord, drill)
    before = await snapshot(session)
    added = await client.post(_url(drill), json=_area(OSAKA_BOX), headers=coord)
    assert (await refused_unchanged(session, before, added, 409))["code"] == "incident-closed"
    reopened = await client.delete(f"{_url(drill)}/{kept.json()['id']}", headers=coord)
    assert (await refused_unchanged(session, before, reopened, 409))["code"] == "incident-closed"
    (closure,) = (await client.get(_url(drill), headers=coord)).json()
    assert closure["active"] is True


async def test_a_closure_is_not_reopened_through_another_incident(
    client: httpx.AsyncClient, coord: dict[str, str], session: AsyncSession
) -> None:
    own = await active_incident(client, coord)
    other = await open_drill(client, coord, "Hostile: the other incident")
    closure = (await client.post(_url(own), json=AKASHI, headers=coord)).json()
    before = await snapshot(session)
    resp = await client.delete(f"{_url(other)}/{closure['id']}", headers=coord)
    await refused_unchanged(session, before, resp, 404)
    assert [c["active"] for c in (await client.get(_url(own), headers=coord)).json()] == [True]


async def test_a_replayed_closure_is_recorded_once(
    client: httpx.AsyncClient, coord: dict[str, str], session: AsyncSession
) -> None:
    url = _url(await active_incident(client, coord))
    key = coord | {"Idempotency-Key": "close-akashi-once"}
    first = await client.post(url, json=AKASHI | {"note": "橋脚損傷"}, headers=key)
    assert first.status_code == 201, first.text
    before = await snapshot(session)
    again = await client.post(url, json=AKASHI | {"note": "橋脚損傷"}, headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert await snapshot(session) == before
    other = await client.post(url, json={"kind": "crossing", "crossing": "onaruto"}, headers=key)
    body = await refused_unchanged(session, before, other, 422)
    assert body["code"] == "idempotency-key-reused"
