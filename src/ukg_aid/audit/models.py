"""The append-only audit log of every state change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from ukg_aid.db import Base, JSONType


class AuditEvent(Base):
    """``at`` is when the action happened as reported (a drill's simulated time, or now);
    ``recorded_at`` is when the database stored it (its own clock; no client sets it)."""

    __tablename__ = "audit_events"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy reads a plain dict

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    recorded_at: Mapped[datetime] = mapped_column(server_default=func.now())
    actor: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(16))
    member_code: Mapped[str | None] = mapped_column(String(8), index=True, default=None)
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity: Mapped[str] = mapped_column(String(40), index=True)
    entity_id: Mapped[str] = mapped_column(String(60), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    note: Mapped[str | None] = mapped_column(String(500), default=None)
