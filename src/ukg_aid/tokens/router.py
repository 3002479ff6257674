"""Token administration routes and ``GET /me``. They sit above ``auth`` (identity) and ``audit``
because they record audit events and use the request dependencies, which themselves use ``auth``."""

from __future__ import annotations

from fastapi import status

from ukg_aid.audit import service as audit
from ukg_aid.auth import service as auth_service
from ukg_aid.auth.schemas import Me, TokenCreate, TokenIssued, TokenRead
from ukg_aid.deps import Admin, CurrentPrincipal, Session, api_router

router = api_router(prefix="/tokens", tags=["tokens"])
me_router = api_router(tags=["tokens"])


@me_router.get("/me", summary="Who this token is: its name, role, member and expiry (any token)")
async def who_am_i(session: Session, principal: CurrentPrincipal) -> Me:
    token = await auth_service.get_token(session, principal.token_id)
    return Me(
        name=principal.name,
        role=principal.role,
        member_code=principal.member_code,
        expires_at=token.expires_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Issue a token (admin); the secret is in the response, once",
)
async def create_token(body: TokenCreate, session: Session, principal: Admin) -> TokenIssued:
    issued = await auth_service.create_token(
        session,
        name=body.name,
        role=body.role,
        member_code=body.member_code,
        expires_in_days=body.expires_in_days,
    )
    read = TokenRead.model_validate(issued.token)
    await audit.record(
        session,
        principal=principal,
        action="token.create",
        entity="token",
        entity_id=issued.token.name,
        after=read.model_dump(mode="json"),
    )
    return TokenIssued(**read.model_dump(), token=issued.secret)


@router.get("", summary="Tokens (admin); never their secrets")
async def list_tokens(session: Session, _: Admin) -> list[TokenRead]:
    return [TokenRead.model_validate(t) for t in await auth_service.list_tokens(session)]


@router.post("/{name}/revoke", summary="Revoke a token by name (admin)")
async def revoke_token(name: str, session: Session, principal: Admin) -> TokenRead:
    token = await auth_service.revoke_token(session, name=name)
    read = TokenRead.model_validate(token)
    await audit.record(
        session,
        principal=principal,
        action="token.revoke",
        entity="token",
        entity_id=name,
        after=read.model_dump(mode="json"),
    )
    return read
