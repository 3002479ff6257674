"""Bearer tokens (401) and who may do what (403): SPEC §1, §7; issue 2 acceptance "Tokens"."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.api_helpers import assert_problem, depot_of, filing, stock_row
from ukg_aid import clock
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.principal import Role

MEMBERS_URL = "/api/v1/members"


async def _issue(db: Database, name: str, **kw: object) -> str:
    async with db.transaction() as s:
        issued = await auth_service.create_token(
            s,
            name=name,
            role=kw.pop("role", Role.observer),  # type: ignore[arg-type]
            member_code=kw.pop("member_code", None),  # type: ignore[arg-type]
            expires_in_days=kw.pop("expires_in_days", 30),  # type: ignore[arg-type]
            **kw,  # type: ignore[arg-type]
        )
    return issued.secret


@pytest.mark.sqlite
async def test_missing_token_is_401_problem(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get(MEMBERS_URL), 401)
    assert body["code"] == "missing-token"


@pytest.mark.sqlite
@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "ukg_abc",
        "Token ukg_abc",
        "Bearer ukg_not-a-real-one",
    ],
)
async def test_malformed_or_unknown_token_is_401(client: httpx.AsyncClient, header: str) -> None:
    resp = await client.get(MEMBERS_URL, headers={"Authorization": header})
    assert_problem(resp, 401)
    assert resp.headers.get("www-authenticate") == "Bearer"


@pytest.mark.sqlite
async def test_valid_token_gets_in(client: httpx.AsyncClient, db: Database) -> None:
    secret = await _issue(db, "valid-observer")
    resp = await client.get(MEMBERS_URL, headers={"Authorization": f"Bearer {secret}"})
    assert resp.status_code == 200, resp.text


@pytest.mark.sqlite
async def test_revoked_token_is_401(client: httpx.AsyncClient, db: Database) -> None:
    secret = await _issue(db, "soon-revoked")
    headers = {"Authorization": f"Bearer {secret}"}
    assert (await client.get(MEMBERS_URL, headers=headers)).status_code == 200
    async with db.transaction() as s:
        await auth_service.revoke_token(s, name="soon-revoked")
    body = assert_problem(await client.get(MEMBERS_URL, headers=headers), 401)
    assert body["code"] == "revoked-token"


async def test_expired_token_is_401(client: httpx.AsyncClient, db: Database) -> None:
    secret = await _issue(db, "expired", expires_in_days=1, at=clock.now() - timedelta(days=2))
    resp = await client.get(MEMBERS_URL, headers={"Authorization": f"Bearer {secret}"})
    body = assert_problem(resp, 401)
    assert body["code"] == "expired-token"


async def test_token_secret_is_stored_hashed(db: Database) -> None:
    async with db.transaction() as s:
        issued = await auth_service.create_token(
            s, name="hashed", role=Role.observer, member_code=None, expires_in_days=None
        )
    assert issued.token.token_hash != issued.secret
    assert issued.secret not in issued.token.token_hash
    assert issued.token.token_hash == auth_service.hash_token(issued.secret)


@pytest.mark.sqlite
async def test_desk_may_not_write_another_members_stock(
    client: httpx.AsyncClient, tokens, session: AsyncSession
) -> None:
    hyogo = await depot_of(session, "28")
    before = await stock_row(session, hyogo.id, "water")
    headers = await tokens.headers(Role.desk, "27")
    resp = await client.put(
        f"/api/v1/depots/{hyogo.id}/stock/water", json={"on_hand": 1}, headers=headers
    )
    assert assert_problem(resp, 403)["code"] == "wrong-member"
    adj = await client.post(
        f"/api/v1/depots/{hyogo.id}/stock/water/adjustments",
        json={"delta": -1, "reason": "not mine"},
        headers=headers,
    )
    assert_problem(adj, 403)
    after = await stock_row(session, hyogo.id, "water")
    assert before is not None
    assert after is not None
    assert after.on_hand == before.on_hand


@pytest.mark.sqlite
async def test_desk_may_not_file_for_another_member(client: httpx.AsyncClient, tokens) -> None:
    headers = await tokens.headers(Role.desk, "27")
    resp = await client.post("/api/v1/aid-requests", json=filing("28"), headers=headers)
    assert assert_problem(resp, 403)["code"] == "wrong-member"
    listed = await client.get("/api/v1/aid-requests", params={"member": "28"}, headers=headers)
    assert listed.json()["total"] == 0


async def test_desk_may_not_create_a_depot_for_another_member(
    client: httpx.AsyncClient, tokens
) -> None:
    headers = await tokens.headers(Role.desk, "27")
    body = {"member_code": "28", "name": "Not ours", "lat": 34.69, "lon": 135.18}
    assert_problem(await client.post("/api/v1/depots", json=body, headers=headers), 403)


@pytest.mark.sqlite
async def test_observer_may_not_write(
    client: httpx.AsyncClient, tokens, session: AsyncSession
) -> None:
    headers = await tokens.headers(Role.observer)
    depot = await depot_of(session, "27")
    attempts = [
        client.put(f"/api/v1/depots/{depot.id}/stock/water", json={"on_hand": 5}, headers=headers),
        client.post(
            f"/api/v1/depots/{depot.id}/stock/water/adjustments",
            json={"delta": 1, "reason": "x"},
            headers=headers,
        ),
        client.post("/api/v1/aid-requests", json=filing("27"), headers=headers),
        client.post(
            "/api/v1/depots",
            json={"member_code": "27", "name": "x", "lat": 34.7, "lon": 135.5},
            headers=headers,
        ),
        client.patch(f"/api/v1/depots/{depot.id}", json={"status": "damaged"}, headers=headers),
    ]
    for attempt in attempts:
        body = assert_problem(await attempt, 403)
        assert body["code"] == "wrong-role"


@pytest.mark.parametrize("role", [Role.coordinator, Role.admin, Role.observer])
async def test_audit_log_readers(client: httpx.AsyncClient, tokens, role: Role) -> None:
    resp = await client.get("/api/v1/audit-events", headers=await tokens.headers(role))
    assert resp.status_code == 200, resp.text
    assert {"items", "total", "limit", "offset"} <= resp.json().keys()


@pytest.mark.parametrize(("role", "member"), [(Role.desk, "27"), (Role.ems, None)])
async def test_audit_log_is_closed_to_desks_and_ems(
    client: httpx.AsyncClient, tokens, role: Role, member: str | None
) -> None:
    resp = await client.get("/api/v1/audit-events", headers=await tokens.headers(role, member))
    assert_problem(resp, 403)
