"""Guest recipients (SPEC §10): registered by a coordinator or admin with a JIS code and an
office anywhere in Japan; desk tokens bind to them; they never supply; their delivery points lie
within the guest radius of the office; union members keep the union-area rule."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.api_helpers import assert_problem, count, error_locs, filing
from ukg_aid import matching
from ukg_aid.matching.problem import Priority, Problem, RequestLine, Supply
from ukg_aid.principal import Role

SUZU: dict[str, Any] = {
    "code": "17205",
    "name_en": "Suzu City",
    "name_ja": "珠洲市",
    "kind": "guest",
    "office": {"lat": 37.436389, "lon": 137.260278},
    "population": 12934,
}
SUZU_SHELTER = {"name": "珠洲市立飯田小学校", "lat": 37.43, "lon": 137.25}


async def register(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    resp = await client.post("/api/v1/members", json=SUZU, headers=headers)
    assert resp.status_code == 201, resp.text
    created: dict[str, Any] = resp.json()
    return created


@pytest.mark.sqlite
async def test_a_coordinator_registers_a_guest_and_a_desk_files_for_it(
    client: httpx.AsyncClient, tokens
) -> None:
    coord = await tokens.headers(Role.coordinator)
    guest = await register(client, coord)
    assert guest["kind"] == "guest" and guest["union_member"] is False
    union = (await client.get("/api/v1/members/27", headers=coord)).json()
    assert union["union_member"] is True
    desk = await tokens.headers(Role.desk, "17205")
    body = filing("17205", delivery=SUZU_SHELTER)
    resp = await client.post("/api/v1/aid-requests", json=body, headers=desk)
    assert resp.status_code == 201, resp.text
    assert resp.json()["member_code"] == "17205"


async def test_guest_bodies_are_checked(
    client: httpx.AsyncClient, tokens, session: AsyncSession
) -> None:
    coord = await tokens.headers(Role.coordinator)
    before = await count(session, "members")
    for bad, loc in (
        (SUZU | {"code": "1720"}, ("body", "code")),
        (SUZU | {"code": "48205"}, ("body", "code")),
        (SUZU | {"code": "28205"}, ("body", "code")),  # inside a union prefecture
        (SUZU | {"office": {"lat": 37.5, "lon": 127.0}}, ("body", "office")),  # Korea
        (SUZU | {"kind": "city"}, ("body", "kind")),
        (SUZU | {"population": "12934"}, ("body", "population")),
    ):
        body = assert_problem(await client.post("/api/v1/members", json=bad, headers=coord), 422)
        assert loc in [tuple(x[:2]) for x in error_locs(body)], body
    assert await count(session, "members") == before
    await register(client, coord)
    again = await client.post("/api/v1/members", json=SUZU, headers=coord)
    assert assert_problem(again, 409)["code"] == "duplicate-member"
    desk = await tokens.headers(Role.desk, "27")
    assert_problem(await client.post("/api/v1/members", json=SUZU, headers=desk), 403)


async def test_guest_delivery_points_lie_within_the_guest_radius(
    client: httpx.AsyncClient, tokens
) -> None:
    coord = await tokens.headers(Role.coordinator)
    await register(client, coord)
    desk = await tokens.headers(Role.desk, "17205")
    kanazawa = {"name": "Kanazawa", "lat": 36.5613, "lon": 136.6562}  # ~110 km away
    far = await client.post(
        "/api/v1/aid-requests", json=filing("17205", delivery=kanazawa), headers=desk
    )
    body = assert_problem(far, 422)
    assert body["errors"][0]["type"] == "outside_guest_radius"
    assert "40 km" in body["errors"][0]["msg"]
    # A union member's point in Noto stays outside the union's area.
    osaka = await tokens.headers(Role.desk, "27")
    noto = await client.post(
        "/api/v1/aid-requests", json=filing("27", delivery=SUZU_SHELTER), headers=osaka
    )
    assert assert_problem(noto, 422)["errors"][0]["type"] == "outside_union"


def test_guests_never_supply() -> None:
    """Even a guest's stock row (put there behind the API's back) is never drawn on."""
    supply = Supply(1, "17205", "water", 34.69, 135.52, 1000, 0, 0, True)
    line = RequestLine(1, 1, "27", "water", 10, Priority.HIGH, 34.70, 135.50)
    settings = matching.SolverSettings()
    guestless = matching.solve(Problem((supply,), (line,)), settings)
    assert sum(a.quantity for a in guestless.allocations) == 10
    result = matching.solve(Problem((supply,), (line,), guests=frozenset({"17205"})), settings)
    assert not result.allocations
    assert [u.cause for u in result.unmet] == ["no_stock"]
