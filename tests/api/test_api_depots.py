"""Depots: create, change status (audited), who may, and lists (SPEC §2, §7)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.api_helpers import assert_problem, count, depot_of, new_depot
from ukg_aid.principal import Role


@pytest.fixture
async def desk(tokens) -> dict[str, str]:
    headers: dict[str, str] = await tokens.headers(Role.desk, "27")
    return headers


@pytest.mark.sqlite
async def test_desk_creates_a_depot_for_its_member(
    client: httpx.AsyncClient, desk: dict[str, str]
) -> None:
    depot = await new_depot(client, desk, name="Sakai port warehouse", lat=34.58, lon=135.46)
    assert depot == depot | {
        "member_code": "27",
        "name": "Sakai port warehouse",
        "lat": 34.58,
        "lon": 135.46,
        "status": "operational",
    }
    fetched = await client.get(f"/api/v1/depots/{depot['id']}", headers=desk)
    assert fetched.json() == depot


async def test_depot_create_is_idempotent_with_a_key(
    client: httpx.AsyncClient, desk: dict[str, str], session: AsyncSession
) -> None:
    body = {"member_code": "27", "name": "Keyed", "lat": 34.7, "lon": 135.5}
    headers = desk | {"Idempotency-Key": "depot-keyed"}
    first = await client.post("/api/v1/depots", json=body, headers=headers)
    depots = await count(session, "depots")
    second = await client.post("/api/v1/depots", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert await count(session, "depots") == depots


async def test_owner_marks_depot_damaged_and_it_is_audited(
    client: httpx.AsyncClient, desk: dict[str, str], tokens
) -> None:
    depot = await new_depot(client, desk)
    resp = await client.patch(
        f"/api/v1/depots/{depot['id']}",
        json={"status": "damaged", "note": "roof collapsed"},
        headers=desk,
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "damaged"
    assert resp.json()["name"] == depot["name"]
    events = await client.get(
        "/api/v1/audit-events",
        params={"entity": "depot", "entity_id": str(depot["id"])},
        headers=await tokens.headers(Role.coordinator),
    )
    latest, created = events.json()["items"]
    assert created["action"] == "depot.create"
    assert latest["action"] == "depot.status"
    assert latest["before"]["status"] == "operational"
    assert latest["after"]["status"] == "damaged"
    assert latest["after"]["note"] == "roof collapsed"
    damaged = await client.get(
        "/api/v1/depots", params={"member": "27", "status": "damaged"}, headers=desk
    )
    assert [d["id"] for d in damaged.json()["items"]] == [depot["id"]]


@pytest.mark.sqlite
async def test_another_desk_may_not_change_a_depot(
    client: httpx.AsyncClient, tokens, session: AsyncSession
) -> None:
    hyogo = await depot_of(session, "28")
    resp = await client.patch(
        f"/api/v1/depots/{hyogo.id}",
        json={"status": "unreachable"},
        headers=await tokens.headers(Role.desk, "27"),
    )
    assert assert_problem(resp, 403)["code"] == "wrong-member"
    admin = await client.patch(
        f"/api/v1/depots/{hyogo.id}",
        json={"status": "unreachable"},
        headers=await tokens.headers(Role.admin),
    )
    assert admin.json()["status"] == "unreachable"


@pytest.mark.parametrize(
    "body",
    [{"status": "flooded"}, {"status": 3}, {"lat": 95}, {"name": ""}, {"colour": "red"}],
)
async def test_bad_patches_are_422(
    client: httpx.AsyncClient, desk: dict[str, str], body: dict[str, object]
) -> None:
    depot = await new_depot(client, desk)
    resp = await client.patch(f"/api/v1/depots/{depot['id']}", json=body, headers=desk)
    assert_problem(resp, 422)
    unchanged = await client.get(f"/api/v1/depots/{depot['id']}", headers=desk)
    assert unchanged.json() == depot


async def test_patch_unknown_depot_is_404(client: httpx.AsyncClient, tokens) -> None:
    resp = await client.patch(
        "/api/v1/depots/876543",
        json={"status": "damaged"},
        headers=await tokens.headers(Role.admin),
    )
    assert_problem(resp, 404)


async def test_create_depot_for_unknown_member_is_404(client: httpx.AsyncClient, tokens) -> None:
    body = {"member_code": "13", "name": "Tokyo", "lat": 35.68, "lon": 139.76}
    resp = await client.post("/api/v1/depots", json=body, headers=await tokens.headers(Role.admin))
    assert_problem(resp, 404)


async def test_depot_list_filters_and_pages(client: httpx.AsyncClient, tokens) -> None:
    headers = await tokens.headers(Role.observer)
    everything = (await client.get("/api/v1/depots", headers=headers)).json()
    osaka = (await client.get("/api/v1/depots", params={"member": "27"}, headers=headers)).json()
    assert 0 < osaka["total"] < everything["total"]
    assert {d["member_code"] for d in osaka["items"]} == {"27"}
    page = await client.get("/api/v1/depots", params={"limit": 2, "offset": 1}, headers=headers)
    assert [d["id"] for d in page.json()["items"]] == [d["id"] for d in everything["items"][1:3]]
    assert_problem(
        await client.get("/api/v1/depots", params={"status": "lost"}, headers=headers), 422
    )
