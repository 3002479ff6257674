from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ukg_aid.principal import Role
from ukg_aid.schemas import InputModel, JsonInt, OutputModel


class TokenCreate(InputModel):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[\w.@:-]+$")
    role: Role
    member_code: str | None = Field(default=None, max_length=8)
    expires_in_days: JsonInt | None = Field(default=90, ge=1, le=3650)


class TokenRead(OutputModel):
    id: int
    name: str
    role: Role
    member_code: str | None
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenIssued(TokenRead):
    token: str = Field(description="the secret; shown once, store it now")


class Me(OutputModel):
    """The caller's own token, so a client (the console) can follow its role and member."""

    name: str
    role: Role
    member_code: str | None = Field(description="the member a desk token is bound to")
    expires_at: datetime | None
