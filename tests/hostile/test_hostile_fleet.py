"""The fleet's creates and changes under retries and stale screens (SPEC §7, §12): a retried
staging or visiting-aircraft create with its Idempotency-Key gets the first answer again (it was
a 409 ``staging-overlap`` / ``callsign-taken``), and a visiting aircraft that has left the fleet
cannot be changed by PATCH any more (409 ``helicopter-left``, nothing changed)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.matrix_medevac import STAGING, VISITING
from tests.hostile.hostile_support import refused_unchanged, snapshot
from ukg_aid.principal import Role


@pytest.fixture
async def ems(tokens) -> dict[str, str]:
    headers: dict[str, str] = await tokens.headers(Role.ems)
    return headers


async def _visitor(client: httpx.AsyncClient, ems: dict[str, str]) -> int:
    resp = await client.post("/api/v1/helicopters", json=VISITING, headers=ems)
    assert resp.status_code == 201, resp.text
    return int(resp.json()["id"])


async def test_a_retried_visiting_aircraft_create_replays_its_first_answer(
    client: httpx.AsyncClient, ems: dict[str, str], session: AsyncSession
) -> None:
    keyed = ems | {"Idempotency-Key": "okayama-joins"}
    first = await client.post("/api/v1/helicopters", json=VISITING, headers=keyed)
    assert first.status_code == 201, first.text
    before = await snapshot(session)
    again = await client.post("/api/v1/helicopters", json=VISITING, headers=keyed)
    assert again.status_code == 201, again.text
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert await snapshot(session) == before
    other = VISITING | {"callsign": "OKAYAMA-2"}
    reused = await client.post("/api/v1/helicopters", json=other, headers=keyed)
    assert (await refused_unchanged(session, before, reused, 422))[
        "code"
    ] == "idempotency-key-reused"


async def test_a_retried_staging_replays_its_first_answer(
    client: httpx.AsyncClient, ems: dict[str, str], session: AsyncSession
) -> None:
    heli = await _visitor(client, ems)
    url = f"/api/v1/helicopters/{heli}/stagings"
    keyed = ems | {"Idempotency-Key": "stage-at-miki"}
    first = await client.post(url, json=STAGING, headers=keyed)
    assert first.status_code == 201, first.text
    before = await snapshot(session)
    again = await client.post(url, json=STAGING, headers=keyed)
    assert again.status_code == 201, again.text
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert "from" in again.json()  # spelled as the API spells it, not the field's own name
    assert await snapshot(session) == before
    # without the key the same staging is a second one, which overlaps the first
    unkeyed = await client.post(url, json=STAGING, headers=ems)
    assert (await refused_unchanged(session, before, unkeyed, 409))["code"] == "staging-overlap"


@pytest.mark.parametrize(
    "body",
    [{"status": "available"}, {"status": "maintenance"}, {"status": "off_duty", "note": "x"}],
    ids=["back to available", "maintenance", "a note on its last status"],
)
async def test_a_visitor_that_has_left_cannot_be_patched(
    client: httpx.AsyncClient, ems: dict[str, str], session: AsyncSession, body: dict[str, str]
) -> None:
    heli = await _visitor(client, ems)
    left = await client.post(f"/api/v1/helicopters/{heli}/leave", json={}, headers=ems)
    assert left.status_code == 200, left.text
    shown = (await client.get(f"/api/v1/helicopters/{heli}", headers=ems)).json()
    before = await snapshot(session)
    resp = await client.patch(f"/api/v1/helicopters/{heli}", json=body, headers=ems)
    problem = await refused_unchanged(session, before, resp, 409)
    assert problem["code"] == "helicopter-left" and str(heli) in problem["detail"]
    assert (await client.get(f"/api/v1/helicopters/{heli}", headers=ems)).json() == shown
