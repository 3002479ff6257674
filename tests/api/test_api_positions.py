"""Positions must lie inside Japan, and a union member's things inside the union (issue 8).

Depots and receiving hospitals used to be accepted at 0,0, in New York or in Seoul. Now every
position is checked by ``japan_area.inside_japan``; depots, delivery points and medevac scenes
(a member's own things) also by the union area. A refusal is a 422 naming the field and its
``type`` (``outside_japan`` or ``outside_union``) and changes nothing.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.api_helpers import OSAKA_POINT, assert_problem, count, filing
from ukg_aid.principal import Role

ABROAD = {
    "null island": (0.0, 0.0),
    "New York": (40.71, -74.01),
    "Seoul": (37.57, 126.98),
}
TOKYO = (35.68, 139.77)  # in Japan, outside the union
OKAYAMA = (34.66, 133.93)  # a neighbouring prefecture's capital: in Japan, outside the union


def _refusal(resp: httpx.Response) -> tuple[tuple[Any, ...], str]:
    (error,) = assert_problem(resp, 422)["errors"]
    return tuple(error["loc"]), error["type"]


@pytest.fixture
async def desk(tokens) -> dict[str, str]:
    headers: dict[str, str] = await tokens.headers(Role.desk, "27")
    return headers


@pytest.mark.parametrize("place", [*ABROAD, "Tokyo"])
async def test_a_depot_outside_japan_or_the_union_is_refused(
    client: httpx.AsyncClient, session, desk: dict[str, str], place: str
) -> None:
    lat, lon = ABROAD.get(place, TOKYO)
    before = (await count(session, "depots"), await count(session, "audit_events"))
    body = {"member_code": "27", "name": "Faraway warehouse", "lat": lat, "lon": lon}
    resp = await client.post("/api/v1/depots", json=body, headers=desk)
    expected = "outside_union" if place == "Tokyo" else "outside_japan"
    assert _refusal(resp) == (("body", "lat"), expected)
    assert (await count(session, "depots"), await count(session, "audit_events")) == before


@pytest.mark.parametrize(
    "change",
    [
        {"lat": 0.0, "lon": 0.0},
        {"lat": 0.0},  # one coordinate alone: checked with the other one the depot has
        {"lon": -74.01},
        {"lat": TOKYO[0], "lon": TOKYO[1]},
    ],
)
async def test_moving_a_depot_out_of_the_union_is_refused(
    client: httpx.AsyncClient, session, desk: dict[str, str], change: dict[str, float]
) -> None:
    depots = (await client.get("/api/v1/depots", params={"member": "27"}, headers=desk)).json()
    depot = depots["items"][0]
    before = await count(session, "audit_events")
    resp = await client.patch(f"/api/v1/depots/{depot['id']}", json=change, headers=desk)
    assert _refusal(resp)[0] == ("body", "lat")
    assert await count(session, "audit_events") == before
    again = (await client.get(f"/api/v1/depots/{depot['id']}", headers=desk)).json()
    assert (again["lat"], again["lon"]) == (depot["lat"], depot["lon"])


async def test_a_depot_inside_the_union_can_still_move(
    client: httpx.AsyncClient, desk: dict[str, str]
) -> None:
    depots = (await client.get("/api/v1/depots", params={"member": "27"}, headers=desk)).json()
    depot_id = depots["items"][0]["id"]
    moved = await client.patch(
        f"/api/v1/depots/{depot_id}", json={"lat": 34.70, "lon": 135.50}, headers=desk
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["lat"], moved.json()["lon"]) == (34.70, 135.50)


@pytest.mark.parametrize("place", [*ABROAD, "Tokyo"])
async def test_a_delivery_point_outside_japan_or_the_union_is_refused(
    client: httpx.AsyncClient, session, desk: dict[str, str], place: str
) -> None:
    lat, lon = ABROAD.get(place, TOKYO)
    before = await count(session, "aid_requests")
    point = OSAKA_POINT | {"lat": lat, "lon": lon}
    resp = await client.post("/api/v1/aid-requests", json=filing(delivery=point), headers=desk)
    expected = "outside_union" if place == "Tokyo" else "outside_japan"
    assert _refusal(resp) == (("body", "delivery"), expected)
    assert await count(session, "aid_requests") == before


MISSION = {"member_code": "27", "scene": {"lat": 34.70, "lon": 135.50}, "severity": "red"}


@pytest.mark.parametrize("place", list(ABROAD))
async def test_a_receiving_hospital_outside_japan_is_refused(
    client: httpx.AsyncClient, session, tokens, place: str
) -> None:
    ems = await tokens.headers(Role.ems)
    lat, lon = ABROAD[place]
    before = (await count(session, "medevac_missions"), await count(session, "audit_events"))
    body = MISSION | {"patients": 1, "hospital": {"name": place, "lat": lat, "lon": lon}}
    resp = await client.post("/api/v1/medevac-missions", json=body, headers=ems)
    assert _refusal(resp) == (("body", "hospital"), "outside_japan")
    assert (
        await count(session, "medevac_missions"),
        await count(session, "audit_events"),
    ) == before


async def test_a_receiving_hospital_outside_the_union_but_in_japan_is_accepted(
    client: httpx.AsyncClient, tokens
) -> None:
    """Patients may be flown to a neighbouring prefecture's hospital: only Japan is required."""
    ems = await tokens.headers(Role.ems)
    hospital = {"name": "岡山市内の病院 (test)", "lat": OKAYAMA[0], "lon": OKAYAMA[1]}
    body = MISSION | {"patients": 1, "hospital": hospital}
    resp = await client.post("/api/v1/medevac-missions", json=body, headers=ems)
    assert resp.status_code == 201, resp.text
    assert resp.json()["requested_hospital"]["lat"] == OKAYAMA[0]


@pytest.mark.parametrize("place", list(ABROAD))
async def test_a_medevac_scene_outside_japan_is_refused(
    client: httpx.AsyncClient, session, tokens, place: str
) -> None:
    ems = await tokens.headers(Role.ems)
    lat, lon = ABROAD[place]
    before = await count(session, "medevac_missions")
    body = MISSION | {"patients": 1, "scene": {"lat": lat, "lon": lon}}
    resp = await client.post("/api/v1/medevac-missions", json=body, headers=ems)
    assert _refusal(resp) == (("body", "scene"), "outside_japan")
    assert await count(session, "medevac_missions") == before
