"""Weather holds, stagings and visiting aircraft belong to an incident (SPEC §10, §12): the only
active one by default, listed per incident, a visitor flies only its incident's missions, and
closing the incident ends all three, audited (PostgreSQL, through the ASGI app)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.app_support import Tokens
from tests.medevac.medevac_helpers import WINTER_MORNING, assign, by_callsign, fleet
from ukg_aid.principal import Role

pytestmark = pytest.mark.simulated_clock

HOLD = {
    "from": "2026-12-21T09:00:00+09:00",
    "until": "2026-12-21T12:00:00+09:00",
    "reason": "fog",
    "area": {
        "type": "Polygon",
        "coordinates": [
            [[134.35, 35.15], [135.05, 35.15], [135.05, 35.70], [134.35, 35.70], [134.35, 35.15]]
        ],
    },
}
STAGING = {
    "name": "Miki forward base",
    "lat": 34.80,
    "lon": 135.01,
    "from": "2026-12-21T09:00:00+09:00",
    "until": "2026-12-21T18:00:00+09:00",
}
VISITOR = {
    "callsign": "OKAYAMA-1",
    "visiting_from": "岡山県ドクターヘリ",
    "base": {"name": "Kawasaki Medical School", "lat": 34.59, "lon": 133.77},
    "aircraft_type": "EC135",
    "cruise_kmh": 220,
    "range_km": 635,
    "at": "2026-12-21T08:00:00+09:00",
}
DRILL = {"name": "Drill: medevac", "kind": "drill", "started_at": "2026-12-21T07:00:00+09:00"}
CLOSING = "2026-12-21T11:00:00+09:00"


@pytest.fixture
async def ems(tokens: Tokens) -> dict[str, str]:
    return await tokens.headers(Role.ems)


@pytest.fixture
async def coord(tokens: Tokens) -> dict[str, str]:
    return await tokens.headers(Role.coordinator)


async def _active_id(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    found = await client.get("/api/v1/incidents", params={"status": "active"}, headers=headers)
    (only,) = found.json()["items"]
    incident_id: int = only["id"]
    return incident_id


async def _open_drill(client: httpx.AsyncClient, coord: dict[str, str]) -> int:
    resp = await client.post("/api/v1/incidents", json=DRILL, headers=coord)
    assert resp.status_code == 201, resp.text
    incident_id: int = resp.json()["id"]
    return incident_id


async def _record_all(
    client: httpx.AsyncClient, ems: dict[str, str], heli_id: int, **incident: int
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    hold = await client.post("/api/v1/weather-holds", json=HOLD | incident, headers=ems)
    staging = await client.post(
        f"/api/v1/helicopters/{heli_id}/stagings", json=STAGING | incident, headers=ems
    )
    visitor = await client.post("/api/v1/helicopters", json=VISITOR | incident, headers=ems)
    for resp in (hold, staging, visitor):
        assert resp.status_code == 201, resp.text
    return hold.json(), staging.json(), visitor.json()


async def _file(client: httpx.AsyncClient, ems: dict[str, str], incident_id: int) -> Any:
    """A red mission near Yonago (Tottori) for ``incident_id``."""
    body = {
        "member_code": "31",
        "scene": {"lat": 35.43, "lon": 133.33, "name": "Yonago"},
        "severity": "red",
        "patients": 1,
        "at": WINTER_MORNING,
        "incident_id": incident_id,
    }
    resp = await client.post("/api/v1/medevac-missions", json=body, headers=ems)
    assert resp.status_code == 201, resp.text
    return resp.json()


async def _count(session: AsyncSession, sql: str, **params: Any) -> int:
    return int((await session.execute(text(sql), params)).scalar_one())


async def test_they_join_the_only_active_incident_and_list_per_incident(
    client: httpx.AsyncClient, ems: dict[str, str], coord: dict[str, str]
) -> None:
    default_id = await _active_id(client, ems)
    mozu = by_callsign(await fleet(client, ems), "KANSAI-MOZU")
    hold, staging, visitor = await _record_all(client, ems, mozu["id"])
    assert hold["incident_id"] == staging["incident_id"] == visitor["incident_id"] == default_id
    drill_id = await _open_drill(client, coord)

    async def listed(path: str, incident: int) -> list[int]:
        resp = await client.get(f"/api/v1/{path}", params={"incident": incident}, headers=ems)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        return [x["id"] for x in (body["items"] if isinstance(body, dict) else body)]

    assert await listed("weather-holds", default_id) == [hold["id"]]
    assert await listed("weather-holds", drill_id) == []
    assert await listed("helicopters/stagings", default_id) == [staging["id"]]
    assert await listed("helicopters/stagings", drill_id) == []
    union = [h["id"] for h in await fleet(client, ems) if h["member_code"] is not None]
    assert await listed("helicopters", default_id) == [*union, visitor["id"]]
    assert await listed("helicopters", drill_id) == union
    for path in ("weather-holds", "helicopters/stagings", "helicopters", "helicopters/coverage"):
        missing = await client.get(f"/api/v1/{path}", params={"incident": 999999}, headers=ems)
        assert missing.status_code == 404, (path, missing.text)
        assert missing.json()["code"] == "unknown-incident"


async def test_several_active_and_none_named_is_a_422_that_records_nothing(
    client: httpx.AsyncClient, ems: dict[str, str], coord: dict[str, str], session: AsyncSession
) -> None:
    await _open_drill(client, coord)
    mozu = by_callsign(await fleet(client, ems), "KANSAI-MOZU")
    holds = "SELECT count(*) FROM weather_holds"
    stagings = "SELECT count(*) FROM helicopter_stagings"
    helis = "SELECT count(*) FROM helicopters"
    before = [await _count(session, q) for q in (holds, stagings, helis)]
    for path, body in (
        ("weather-holds", HOLD),
        (f"helicopters/{mozu['id']}/stagings", STAGING),
        ("helicopters", VISITOR),
    ):
        resp = await client.post(f"/api/v1/{path}", json=body, headers=ems)
        assert resp.status_code == 422, (path, resp.text)
        assert resp.json()["code"] == "incident-ambiguous"
        assert resp.headers["content-type"].startswith("application/problem+json")
    assert [await _count(session, q) for q in (holds, stagings, helis)] == before


async def test_a_visitor_flies_only_its_incidents_missions(
    client: httpx.AsyncClient, ems: dict[str, str], coord: dict[str, str]
) -> None:
    default_id = await _active_id(client, ems)
    drill_id = await _open_drill(client, coord)
    added = await client.post(
        "/api/v1/helicopters", json=VISITOR | {"incident_id": drill_id}, headers=ems
    )
    visitor = added.json()
    real = await _file(client, ems, default_id)
    refused = await assign(client, ems, real["id"], helicopter_id=visitor["id"])
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["reason"] == "other_incident"
    assert f"visiting for incident {drill_id}, not {default_id}" in refused.text
    drill = await _file(client, ems, drill_id)
    flown = await assign(client, ems, drill["id"], helicopter_id=visitor["id"])
    assert flown.status_code == 200, flown.text
    # by default (no aircraft named) the real mission gets a union aircraft, never the visitor
    best = await assign(client, ems, real["id"])
    assert best.status_code == 200, best.text
    assert best.json()["helicopter_id"] != visitor["id"]


async def _close_is_refused_while_the_visitor_flies(
    client: httpx.AsyncClient,
    coord: dict[str, str],
    ems: dict[str, str],
    incident_id: int,
    hold_id: int,
) -> None:
    close = {"status": "closed", "at": CLOSING, "note": "drill over"}
    refused = await client.patch(f"/api/v1/incidents/{incident_id}", json=close, headers=coord)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "visiting-aircraft-on-mission"
    assert "OKAYAMA-1" in refused.json()["detail"]
    still = (await client.get(f"/api/v1/incidents/{incident_id}", headers=coord)).json()
    assert still["status"] == "active"
    hold = (await client.get(f"/api/v1/weather-holds/{hold_id}", headers=ems)).json()
    assert hold["lifted_at"] is None


async def test_closing_the_incident_ends_holds_stagings_and_visitors_audited(
    client: httpx.AsyncClient, ems: dict[str, str], coord: dict[str, str], session: AsyncSession
) -> None:
    default_id = await _active_id(client, ems)
    drill_id = await _open_drill(client, coord)
    mozu = by_callsign(await fleet(client, ems), "KANSAI-MOZU")
    hold, _, visitor = await _record_all(client, ems, mozu["id"], incident_id=drill_id)
    other = await client.post(
        "/api/v1/weather-holds", json=HOLD | {"incident_id": default_id}, headers=ems
    )
    filed = await _file(client, ems, drill_id)
    flying = await assign(client, ems, filed["id"], helicopter_id=visitor["id"])
    assert flying.status_code == 200, flying.text
    close = {"status": "closed", "at": CLOSING, "note": "drill over"}
    await _close_is_refused_while_the_visitor_flies(client, coord, ems, drill_id, hold["id"])
    await client.post(
        f"/api/v1/medevac-missions/{filed['id']}/cancel",
        json={"at": WINTER_MORNING},
        headers=ems,
    )
    closed = await client.patch(f"/api/v1/incidents/{drill_id}", json=close, headers=coord)
    assert closed.status_code == 200, closed.text
    lifted = (await client.get(f"/api/v1/weather-holds/{hold['id']}", headers=ems)).json()
    assert lifted["lifted_at"] is not None
    kept = (await client.get(f"/api/v1/weather-holds/{other.json()['id']}", headers=ems)).json()
    assert kept["lifted_at"] is None
    assert (
        await client.get("/api/v1/helicopters/stagings", params={"incident": drill_id}, headers=ems)
    ).json() == []
    gone = (await client.get(f"/api/v1/helicopters/{visitor['id']}", headers=ems)).json()
    assert gone["left_at"] is not None and gone["status"] == "off_duty"
    assert all(h["id"] != visitor["id"] for h in await fleet(client, ems))
    audited = await session.execute(
        text("SELECT action, entity_id FROM audit_events WHERE note = :note ORDER BY id"),
        {"note": f"incident {drill_id} ({DRILL['name']}) closed"},
    )
    assert [tuple(r) for r in audited] == [
        ("helicopter.status", str(visitor["id"])),  # off duty, then out of the fleet
        ("helicopter.leave", str(visitor["id"])),
        ("helicopter.unstage", str(mozu["id"])),
        ("weather_hold.lift", str(hold["id"])),
    ]
    late = await client.post(
        "/api/v1/weather-holds", json=HOLD | {"incident_id": drill_id}, headers=ems
    )
    assert late.status_code == 422 and late.json()["code"] == "incident-closed"
