from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from ukg_aid.schemas import OutputModel


class AuditEventRead(OutputModel):
    id: int
    at: datetime = Field(description="when the action happened, as reported (or now)")
    recorded_at: datetime = Field(description="when the server stored it (its own clock)")
    actor: str
    role: str
    member_code: str | None
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str | None = Field(description="the note the actor sent with the action")
