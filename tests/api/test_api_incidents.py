"""Incidents (SPEC §10, §14): open, list, read, close; requests, plans and missions join one;
lists filter by it; counterparts per incident are set, audited and frozen into plans."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.api_helpers import assert_problem, count, error_locs, filing, hours_ago
from ukg_aid.principal import Role

URL = "/api/v1/incidents"
STARTED = hours_ago(10)
DRILL = {"name": "Drill: uemachi-fault", "kind": "drill", "started_at": STARTED}


@pytest.fixture
async def coord(tokens) -> dict[str, str]:
    headers: dict[str, str] = await tokens.headers(Role.coordinator)
    return headers


async def _default_id(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    found = (await client.get(URL, params={"status": "active"}, headers=headers)).json()
    assert found["total"] == 1, found
    incident_id: int = found["items"][0]["id"]
    return incident_id


async def _open(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any] | None = None
) -> dict[str, Any]:
    resp = await client.post(URL, json=body or DRILL, headers=headers)
    assert resp.status_code == 201, resp.text
    created: dict[str, Any] = resp.json()
    return created


@pytest.mark.sqlite
async def test_the_seed_opens_one_active_real_incident_and_requests_join_it(
    client: httpx.AsyncClient, tokens
) -> None:
    desk = await tokens.headers(Role.desk, "27")
    listed = (await client.get(URL, headers=desk)).json()
    assert listed["total"] == 1
    (default,) = listed["items"]
    assert default["kind"] == "real" and default["status"] == "active"
    resp = await client.post("/api/v1/aid-requests", json=filing(), headers=desk)
    assert resp.status_code == 201, resp.text
    assert resp.json()["incident_id"] == default["id"]
    assert resp.json()["kind"] == "pull"


async def test_open_read_and_close_an_incident_audited(
    client: httpx.AsyncClient, coord: dict[str, str], session: AsyncSession
) -> None:
    created = await _open(client, coord)
    assert created["kind"] == "drill" and created["status"] == "active"
    assert created["started_at"] == STARTED
    got = (await client.get(f"{URL}/{created['id']}", headers=coord)).json()
    assert got == created
    closing = hours_ago(1)
    resp = await client.patch(
        f"{URL}/{created['id']}",
        json={"status": "closed", "note": "drill over", "at": closing},
        headers=coord,
    )
    assert resp.status_code == 200, resp.text
    closed = resp.json()
    assert closed["status"] == "closed" and closed["note"] == "drill over"
    assert closed["closed_at"] == closing
    await session.commit()
    actions = list(
        await session.scalars(
            text("SELECT action FROM audit_events WHERE entity = 'incident' AND entity_id = :i"),
            {"i": str(created["id"])},
        )
    )
    assert actions == ["incident.open", "incident.close"]
    drills = (await client.get(URL, params={"kind": "drill"}, headers=coord)).json()
    assert [i["id"] for i in drills["items"]] == [created["id"]]


async def test_closing_before_it_started_is_refused(
    client: httpx.AsyncClient, coord: dict[str, str]
) -> None:
    created = await _open(client, coord)
    resp = await client.patch(
        f"{URL}/{created['id']}",
        json={"status": "closed", "at": hours_ago(11)},
        headers=coord,
    )
    assert_problem(resp, 422)


async def test_several_active_and_none_named_is_a_422_naming_them(
    client: httpx.AsyncClient, coord: dict[str, str], tokens, session: AsyncSession
) -> None:
    default_id = await _default_id(client, coord)
    drill = await _open(client, coord)
    desk = await tokens.headers(Role.desk, "27")
    before = await count(session, "aid_requests")
    body = assert_problem(
        await client.post("/api/v1/aid-requests", json=filing(), headers=desk), 422
    )
    assert body["code"] == "incident-ambiguous"
    assert [i["id"] for i in body["active_incidents"]] == [default_id, drill["id"]]
    assert ("body", "incident_id") in error_locs(body)
    assert await count(session, "aid_requests") == before
    plan = assert_problem(await client.post("/api/v1/plans", json={}, headers=coord), 422)
    assert plan["code"] == "incident-ambiguous"
    named = await client.post(
        "/api/v1/aid-requests", json=filing(incident_id=drill["id"]), headers=desk
    )
    assert named.status_code == 201 and named.json()["incident_id"] == drill["id"]


async def test_a_closed_or_unknown_incident_takes_nothing_new(
    client: httpx.AsyncClient, coord: dict[str, str], tokens
) -> None:
    drill = await _open(client, coord)
    await client.patch(f"{URL}/{drill['id']}", json={"status": "closed"}, headers=coord)
    desk = await tokens.headers(Role.desk, "27")
    closed = await client.post(
        "/api/v1/aid-requests", json=filing(incident_id=drill["id"]), headers=desk
    )
    assert assert_problem(closed, 422)["code"] == "incident-closed"
    unknown = await client.post(
        "/api/v1/aid-requests", json=filing(incident_id=999_999), headers=desk
    )
    assert assert_problem(unknown, 422)["code"] == "unknown-incident"


async def test_no_active_incident_is_a_422_that_says_to_open_one(
    client: httpx.AsyncClient, coord: dict[str, str], tokens
) -> None:
    default_id = await _default_id(client, coord)
    await client.patch(f"{URL}/{default_id}", json={"status": "closed"}, headers=coord)
    desk = await tokens.headers(Role.desk, "27")
    body = assert_problem(
        await client.post("/api/v1/aid-requests", json=filing(), headers=desk), 422
    )
    assert body["code"] == "no-active-incident"
    assert "POST /api/v1/incidents" in body["detail"]


async def test_lists_filter_by_incident_and_plans_cover_one_incident(
    client: httpx.AsyncClient, coord: dict[str, str], tokens
) -> None:
    default_id = await _default_id(client, coord)
    drill = await _open(client, coord)
    desk = await tokens.headers(Role.desk, "27")
    ids = {}
    for incident_id in (default_id, drill["id"]):
        resp = await client.post(
            "/api/v1/aid-requests", json=filing(incident_id=incident_id), headers=desk
        )
        ids[incident_id] = resp.json()["id"]
    listed = await client.get(
        "/api/v1/aid-requests", params={"incident": drill["id"]}, headers=desk
    )
    assert [r["id"] for r in listed.json()["items"]] == [ids[drill["id"]]]
    resp = await client.post("/api/v1/plans", json={"incident_id": drill["id"]}, headers=coord)
    assert resp.status_code == 201, resp.text
    plan = resp.json()
    assert plan["incident_id"] == drill["id"] and plan["request_ids"] == [ids[drill["id"]]]
    plans = await client.get("/api/v1/plans", params={"incident": drill["id"]}, headers=coord)
    assert [p["id"] for p in plans.json()["items"]] == [plan["id"]]
    mixed = await client.post(
        "/api/v1/plans",
        json={"incident_id": drill["id"], "request_ids": [ids[default_id]]},
        headers=coord,
    )
    assert assert_problem(mixed, 422)["code"] == "incident-mismatch"
    missing = await client.get("/api/v1/aid-requests", params={"incident": 999_999}, headers=desk)
    assert_problem(missing, 404)


async def test_medevac_missions_join_the_incident(
    client: httpx.AsyncClient, coord: dict[str, str], tokens
) -> None:
    default_id = await _default_id(client, coord)
    ems = await tokens.headers(Role.ems)
    body = {
        "member_code": "27",
        "scene": {"lat": 34.7, "lon": 135.5},
        "severity": "red",
        "patients": 1,
    }
    resp = await client.post("/api/v1/medevac-missions", json=body, headers=ems)
    assert resp.status_code == 201, resp.text
    assert resp.json()["incident_id"] == default_id
    listed = await client.get(
        "/api/v1/medevac-missions", params={"incident": default_id}, headers=ems
    )
    assert resp.json()["id"] in [m["id"] for m in listed.json()["items"]]


async def test_bad_incident_bodies_are_422_and_change_nothing(
    client: httpx.AsyncClient, coord: dict[str, str], session: AsyncSession
) -> None:
    before = await count(session, "incidents")
    for bad in ({}, {"name": ""}, {"name": "x", "kind": "exercise"}, {"name": "x", "foo": 1}):
        assert_problem(await client.post(URL, json=bad, headers=coord), 422)
    assert await count(session, "incidents") == before


async def test_allocations_filter_by_the_incident_of_their_plan(
    client: httpx.AsyncClient, coord: dict[str, str], tokens
) -> None:
    """One approved plan per incident: ``?incident=`` lists each plan's allocations and no
    other's (with the other filters too); an unknown incident is a 404, a bad id a 422."""
    default_id = await _default_id(client, coord)
    drill = await _open(client, coord)
    desk = await tokens.headers(Role.desk, "27")
    planned: dict[int, set[int]] = {}
    for incident_id in (default_id, drill["id"]):
        filed = await client.post(
            "/api/v1/aid-requests", json=filing(incident_id=incident_id), headers=desk
        )
        assert filed.status_code == 201, filed.text
        body = {"incident_id": incident_id, "request_ids": [filed.json()["id"]]}
        plan = (await client.post("/api/v1/plans", json=body, headers=coord)).json()
        approved = await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
        assert approved.status_code == 200, approved.text
        planned[incident_id] = {a["id"] for a in approved.json()["allocations"]}
        assert planned[incident_id], plan
    for incident_id, ids in planned.items():
        listed = await client.get(
            "/api/v1/allocations", params={"incident": incident_id, "limit": 1000}, headers=desk
        )
        assert listed.status_code == 200, listed.text
        assert {a["id"] for a in listed.json()["items"]} == ids
        assert listed.json()["total"] == len(ids)
    both = await client.get(
        "/api/v1/allocations",
        params={"incident": drill["id"], "requester": "27", "status": "planned"},
        headers=desk,
    )
    assert {a["id"] for a in both.json()["items"]} == planned[drill["id"]]
    missing = await client.get("/api/v1/allocations", params={"incident": 999_999}, headers=desk)
    assert assert_problem(missing, 404)["code"] == "unknown-incident"
    for bad in ("x", "-1", "1.5"):
        resp = await client.get("/api/v1/allocations", params={"incident": bad}, headers=desk)
        assert_problem(resp, 422)
