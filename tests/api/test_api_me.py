"""GET /api/v1/me: the console asks who its token is, to follow the role and member."""

from __future__ import annotations

import httpx
import pytest

from tests.api.api_helpers import assert_problem
from ukg_aid.principal import Role


@pytest.mark.sqlite
async def test_me_names_the_desk_and_its_member(client: httpx.AsyncClient, tokens) -> None:
    resp = await client.get("/api/v1/me", headers=await tokens.headers(Role.desk, "27100"))
    assert resp.status_code == 200
    body = resp.json()
    assert body["role"] == "desk"
    assert body["member_code"] == "27100"
    assert body["name"].startswith("desk-27100-")
    assert body["expires_at"].endswith("+09:00")


@pytest.mark.parametrize("role", ["coordinator", "ems", "observer", "admin"])
async def test_me_for_union_wide_roles_has_no_member(
    client: httpx.AsyncClient, tokens, role: str
) -> None:
    body = (await client.get("/api/v1/me", headers=await tokens.headers(role))).json()
    assert body["role"] == role
    assert body["member_code"] is None


async def test_me_needs_a_valid_token(client: httpx.AsyncClient) -> None:
    assert assert_problem(await client.get("/api/v1/me"), 401)["code"] == "missing-token"
    bad = {"Authorization": "Bearer ukg_not-a-real-one"}
    assert assert_problem(await client.get("/api/v1/me", headers=bad), 401)["code"] == (
        "invalid-token"
    )
