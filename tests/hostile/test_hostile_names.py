"""Names a desk types (incidents, shelters, guests, delivery points, depots) under hostile or
sleepless input: blanks, line breaks, bells, zero-width and right-to-left override characters
are 422 problems that change nothing; a shelter update cannot null a field it needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.api_helpers import error_locs, filing
from tests.api.matrix_bodies import GUEST
from tests.hostile.hostile_support import refused_unchanged, snapshot
from ukg_aid.principal import Role

BAD_NAMES = {
    "only spaces": "   ",
    "only an ideographic space": "\u3000",
    "a line break": "避難所\n第二",
    "a tab": "a\tb",
    "a bell": "\x07bell",
    "zero-width space only": "\u200b",
    "right-to-left override": "Kobe \u202eevil",
}
SHELTER = {"member_code": "27", "name": "Shelter", "lat": 34.69, "lon": 135.52, "evacuees": 10}

# (role, member, method, url, body with the name set, where the name sits)
Target = tuple[str, str | None, str, str, Callable[[str], dict[str, Any]], tuple[str, ...]]
TARGETS: dict[str, Target] = {
    "incident": (
        "coordinator", None, "POST", "/api/v1/incidents",
        lambda n: {"name": n, "kind": "drill"}, ("body", "name"),
    ),
    "shelter": ("desk", "27", "POST", "/api/v1/shelters", lambda n: SHELTER | {"name": n},
                ("body", "name")),
    "guest": ("coordinator", None, "POST", "/api/v1/members", lambda n: GUEST | {"name_ja": n},
              ("body", "name_ja")),
    "delivery point": (
        "desk", "27", "POST", "/api/v1/aid-requests",
        lambda n: filing("27", delivery={"name": n, "lat": 34.6873, "lon": 135.5262}),
        ("body", "delivery", "name"),
    ),
    "depot": (
        "desk", "27", "POST", "/api/v1/depots",
        lambda n: {"member_code": "27", "name": n, "lat": 34.70, "lon": 135.50},
        ("body", "name"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
async def test_a_name_nobody_can_read_is_422(
    client: httpx.AsyncClient, tokens, session: AsyncSession, target: Target, name: str
) -> None:
    role, member, method, url, body, loc = target
    headers = await tokens.headers(Role(role), member)
    before = await snapshot(session)
    resp = await client.request(method, url, json=body(name), headers=headers)
    problem = await refused_unchanged(session, before, resp, 422)
    assert loc in error_locs(problem), problem


@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
async def test_names_as_people_write_them_are_kept(
    client: httpx.AsyncClient, tokens, target: Target
) -> None:
    role, member, method, url, body, _ = target
    headers = await tokens.headers(Role(role), member)
    name = "避難所　第１（体育館）👍"  # an ideographic space inside, full-width digits, an emoji
    resp = await client.request(method, url, json=body(name), headers=headers)
    assert resp.status_code == 201, resp.text


async def _shelter(client: httpx.AsyncClient, desk: dict[str, str]) -> dict[str, Any]:
    resp = await client.post("/api/v1/shelters", json=SHELTER | {"infants": 2}, headers=desk)
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


@pytest.mark.parametrize("field", ["name", "lat", "lon", "evacuees"])
async def test_a_shelter_update_cannot_null_what_it_needs(
    client: httpx.AsyncClient, tokens, session: AsyncSession, field: str
) -> None:
    """Was a 500 (evacuees: null compared with the infants) or an integrity 409 (name)."""
    desk = await tokens.headers(Role.desk, "27")
    shelter = await _shelter(client, desk)
    url = f"/api/v1/shelters/{shelter['id']}"
    before = await snapshot(session)
    resp = await client.patch(url, json={field: None}, headers=desk)
    problem = await refused_unchanged(session, before, resp, 422)
    assert ("body", field) in error_locs(problem), problem
    assert (await client.get(url, headers=desk)).json() == shelter


async def test_a_shelter_update_may_clear_an_optional_count(
    client: httpx.AsyncClient, tokens
) -> None:
    desk = await tokens.headers(Role.desk, "27")
    shelter = await _shelter(client, desk)
    resp = await client.patch(
        f"/api/v1/shelters/{shelter['id']}", json={"infants": None}, headers=desk
    )
    assert resp.status_code == 200 and resp.json()["infants"] is None, resp.text
