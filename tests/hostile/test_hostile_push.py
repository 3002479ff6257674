"""Push-type support (SPEC §10) under retries: one POST files a request per shelter from the
shelters' needs. With an Idempotency-Key a retry replays the first answer and files nothing; the
key stays optional (SPEC §7: creating POSTs *accept* it), so the console and the drills' client
always send one."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.hostile.hostile_support import refused_unchanged, snapshot
from ukg_aid.principal import Role

SHELTER = {"member_code": "27", "lat": 34.68, "lon": 135.51}
SHELTERS = [
    SHELTER | {"name": "大阪市立中央小学校", "evacuees": 300},
    SHELTER | {"name": "避難所 第二（体育館）", "lat": 34.66, "lon": 135.50, "evacuees": 120},
]
PUSH = "/api/v1/aid-requests/push"


@pytest.fixture
async def coord(client: httpx.AsyncClient, tokens) -> dict[str, str]:
    desk = await tokens.headers(Role.desk, "27")
    for shelter in SHELTERS:
        resp = await client.post("/api/v1/shelters", json=shelter, headers=desk)
        assert resp.status_code == 201, resp.text
    headers: dict[str, str] = await tokens.headers(Role.coordinator)
    return headers


async def _pushed(client: httpx.AsyncClient, coord: dict[str, str]) -> list[int]:
    page = await client.get("/api/v1/aid-requests", params={"kind": "push"}, headers=coord)
    return [r["id"] for r in page.json()["items"]]


async def test_a_push_retried_with_its_key_files_once(
    client: httpx.AsyncClient, coord: dict[str, str], session: AsyncSession
) -> None:
    keyed = coord | {"Idempotency-Key": "push-osaka-day-1"}
    first = await client.post(PUSH, json={"member_code": "27"}, headers=keyed)
    assert first.status_code == 201, first.text
    filed = [r["id"] for r in first.json()["requests"]]
    assert len(filed) == len(SHELTERS)
    before = await snapshot(session)
    again = await client.post(PUSH, json={"member_code": "27"}, headers=keyed)
    assert again.status_code == 201, again.text
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert await snapshot(session) == before
    assert sorted(await _pushed(client, coord)) == sorted(filed)
    other = await client.post(PUSH, json={"member_code": "27", "days": 5}, headers=keyed)
    assert (await refused_unchanged(session, before, other, 422))[
        "code"
    ] == "idempotency-key-reused"


async def test_a_desk_cannot_push(
    client: httpx.AsyncClient, coord: dict[str, str], tokens, session: AsyncSession
) -> None:
    """Only the coordinator files push-type support, keyed or not."""
    desk = await tokens.headers(Role.desk, "27")
    before = await snapshot(session)
    for headers in (desk, desk | {"Idempotency-Key": "desk-push"}):
        resp = await client.post(PUSH, json={"member_code": "27"}, headers=headers)
        await refused_unchanged(session, before, resp, 403)
    assert await _pushed(client, coord) == []
