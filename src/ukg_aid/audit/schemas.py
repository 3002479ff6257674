from __future__ import annotations

from datetime import datetime
from typing import Any

from ukg_aid.schemas import OutputModel


class AuditEventRead(OutputModel):
    id: int
    at: datetime
    actor: str
    role: str
    member_code: str | None
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
