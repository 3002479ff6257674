"""Token issue, lookup and revocation. Tokens are random; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import clock
from ukg_aid.auth.models import ApiToken
from ukg_aid.db import wire
from ukg_aid.errors import Conflict, NotFound, Unauthorized, Unprocessable
from ukg_aid.principal import Principal, Role

TOKEN_PREFIX = "ukg_"  # noqa: S105 - a visible prefix, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: ApiToken
    secret: str


async def _member_exists(session: AsyncSession, code: str) -> bool:
    """Whether the row the token's ``member_code`` foreign key points to exists. Read through the
    key itself so identity (this package) does not depend on the members package above it."""
    (key,) = ApiToken.__table__.c.member_code.foreign_keys
    found = await session.scalar(select(key.column).where(key.column == code))
    return found is not None


async def create_token(
    session: AsyncSession,
    *,
    name: str,
    role: Role,
    member_code: str | None,
    expires_in_days: int | None,
    at: datetime | None = None,
) -> IssuedToken:
    """Issue a token. Desks must name their member; other roles must not."""
    now = clock.resolve_at(at)
    if role is Role.desk and not member_code:
        raise Unprocessable("a desk token must be bound to a member (--member CODE)")
    if role is not Role.desk and member_code:
        raise Unprocessable(f"a {role.value} token is union-wide and takes no member")
    if member_code and not await _member_exists(session, member_code):
        raise NotFound(f"member {member_code} does not exist")
    if await session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise Conflict(f"a token named '{name}' already exists", code="duplicate-name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        role=role,
        member_code=member_code,
        token_hash=hash_token(secret),
        prefix=secret[:10],
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(token)
    await session.flush()
    return IssuedToken(token=token, secret=secret)


_TOKEN_BY_HASH = select(
    ApiToken.id,
    ApiToken.name,
    ApiToken.role,
    ApiToken.member_code,
    ApiToken.revoked_at,
    ApiToken.expires_at,
).where(ApiToken.token_hash == bindparam("token_hash"))


async def authenticate(session: AsyncSession, raw: str) -> Principal:
    """The principal behind a bearer secret, or 401 (unknown, revoked or expired). Read from the
    database on every request, never cached: a revoked token is refused at once, in every process.
    Every request pays this, so it goes straight to the driver (:mod:`ukg_aid.db.wire`)."""
    token = await wire.first(session, _TOKEN_BY_HASH, {"token_hash": hash_token(raw)})
    if token is None:
        raise Unauthorized("the bearer token is not valid", code="invalid-token")
    if token["revoked_at"] is not None:
        raise Unauthorized("the bearer token has been revoked", code="revoked-token")
    if token["expires_at"] is not None and token["expires_at"] <= clock.now():
        raise Unauthorized("the bearer token has expired", code="expired-token")
    return Principal(
        token_id=token["id"],
        name=token["name"],
        role=Role(token["role"]),
        member_code=token["member_code"],
    )


async def get_token(session: AsyncSession, token_id: int) -> ApiToken:
    token = await session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"no token with id {token_id}")
    return token


async def is_active(session: AsyncSession, token_id: int) -> bool:
    """The token exists, is not revoked and has not expired."""
    token = await session.get(ApiToken, token_id, populate_existing=True)
    if token is None or token.revoked_at is not None:
        return False
    return token.expires_at is None or token.expires_at > clock.now()


async def revoke_token(session: AsyncSession, *, name: str) -> ApiToken:
    token = await session.scalar(select(ApiToken).where(ApiToken.name == name))
    if token is None:
        raise NotFound(f"no token named '{name}'")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        await session.flush()
    return token


async def list_tokens(session: AsyncSession) -> list[ApiToken]:
    return list(await session.scalars(select(ApiToken).order_by(ApiToken.id)))
