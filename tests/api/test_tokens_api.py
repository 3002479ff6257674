"""Tokens through the API (admin only): issue, use, list without secrets, revoke."""

from __future__ import annotations

import httpx
import pytest

from ukg_aid.principal import Role

pytestmark = pytest.mark.sqlite


async def test_admin_issues_lists_and_revokes_tokens(client: httpx.AsyncClient, tokens) -> None:
    admin = await tokens.headers(Role.admin)
    resp = await client.post(
        "/api/v1/tokens",
        headers=admin,
        json={"name": "drill-desk-27", "role": "desk", "member_code": "27"},
    )
    assert resp.status_code == 201, resp.text
    secret = resp.json()["token"]
    desk = {"Authorization": f"Bearer {secret}"}
    assert (await client.get("/api/v1/members", headers=desk)).status_code == 200

    listed = (await client.get("/api/v1/tokens", headers=admin)).json()
    assert "drill-desk-27" in {t["name"] for t in listed}
    assert all("token" not in t and secret not in str(t) for t in listed)

    assert (
        await client.post("/api/v1/tokens/drill-desk-27/revoke", headers=admin)
    ).status_code == 200
    assert (await client.get("/api/v1/members", headers=desk)).status_code == 401


async def test_only_admins_issue_and_desk_tokens_need_a_member(
    client: httpx.AsyncClient, tokens
) -> None:
    coord = await tokens.headers(Role.coordinator)
    denied = await client.post("/api/v1/tokens", headers=coord, json={"name": "x", "role": "admin"})
    assert denied.status_code == 403
    admin = await tokens.headers(Role.admin)
    bad = await client.post("/api/v1/tokens", headers=admin, json={"name": "y", "role": "desk"})
    assert bad.status_code == 422
    dup = {"name": "twice", "role": "observer"}
    assert (await client.post("/api/v1/tokens", headers=admin, json=dup)).status_code == 201
    assert (await client.post("/api/v1/tokens", headers=admin, json=dup)).status_code == 409
