"""Names people type (incidents, shelters, guests, delivery points — a desk's and a push's —,
depots, catalog items and their units, visiting aircraft types, receiving hospitals given by
position) under hostile or sleepless input: blanks, line breaks, bells, zero-width and
right-to-left override characters are 422 problems that change nothing; a shelter update cannot
null a field it needs."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.api_helpers import error_locs, filing
from tests.api.matrix_bodies import GUEST, ITEM
from tests.api.matrix_medevac import VISITING
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
MISSION = {"member_code": "27", "scene": {"lat": 34.7, "lon": 135.5}, "severity": "red",
           "patients": 1}  # fmt: skip
PUSH = {"member_code": "27", "lines": [{"item_code": "water", "quantity": 100}]}

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
    "push delivery point": (
        "coordinator", None, "POST", "/api/v1/aid-requests/push",
        lambda n: PUSH | {"delivery": {"name": n, "lat": 34.6873, "lon": 135.5262}},
        ("body", "delivery", "name"),
    ),
    "item name": ("admin", None, "POST", "/api/v1/items", lambda n: ITEM | {"name_ja": n},
                  ("body", "name_ja")),
    "item unit": ("admin", None, "POST", "/api/v1/items", lambda n: ITEM | {"unit": n},
                  ("body", "unit")),
    "aircraft type": ("ems", None, "POST", "/api/v1/helicopters",
                      lambda n: VISITING | {"aircraft_type": n}, ("body", "aircraft_type")),
    "receiving hospital": (
        "ems", None, "POST", "/api/v1/medevac-missions",
        lambda n: MISSION | {"hospital": {"name": n, "lat": 34.69, "lon": 135.52}},
        ("body", "hospital", "name"),
    ),
}  # fmt: skip


def _keyed(headers: dict[str, str]) -> dict[str, str]:
    """Every create here is sent with a fresh Idempotency-Key (push-type support needs one)."""
    return headers | {"Idempotency-Key": uuid.uuid4().hex}


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
async def test_a_name_nobody_can_read_is_422(
    client: httpx.AsyncClient, tokens, session: AsyncSession, target: Target, name: str
) -> None:
    role, member, method, url, body, loc = target
    headers = await tokens.headers(Role(role), member)
    before = await snapshot(session)
    resp = await client.request(method, url, json=body(name), headers=_keyed(headers))
    problem = await refused_unchanged(session, before, resp, 422)
    assert loc in error_locs(problem), problem


@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
async def test_names_as_people_write_them_are_kept(
    client: httpx.AsyncClient, tokens, target: Target
) -> None:
    role, member, method, url, body, _ = target
    headers = await tokens.headers(Role(role), member)
    name = "避難所　第１（体育館）👍"  # an ideographic space inside, full-width digits, an emoji
    resp = await client.request(method, url, json=body(name), headers=_keyed(headers))
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


@pytest.mark.parametrize("field", ["name_en", "name_ja", "unit"])
async def test_an_item_cannot_be_renamed_to_what_nobody_can_read(
    client: httpx.AsyncClient, tokens, session: AsyncSession, field: str
) -> None:
    admin = await tokens.headers(Role.admin)
    shown = (await client.get("/api/v1/items/water", headers=admin)).json()
    for name in BAD_NAMES.values():
        before = await snapshot(session)
        resp = await client.patch("/api/v1/items/water", json={field: name}, headers=admin)
        problem = await refused_unchanged(session, before, resp, 422)
        assert ("body", field) in error_locs(problem), problem
    assert (await client.get("/api/v1/items/water", headers=admin)).json() == shown
