"""Aid requests filed by a stricken member's desk, and their lines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ukg_aid.aid_requests.enums import Priority, RequestKind, RequestStatus
from ukg_aid.db import Base


class AidRequest(Base):
    __tablename__ = "aid_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("members.code"), index=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id"), index=True, default=None
    )
    kind: Mapped[RequestKind] = mapped_column(
        Enum(RequestKind, native_enum=False, length=8),
        default=RequestKind.pull,
        server_default=RequestKind.pull.value,
    )
    delivery_name: Mapped[str] = mapped_column(String(200))
    delivery_lat: Mapped[float] = mapped_column(Float)
    delivery_lon: Mapped[float] = mapped_column(Float)
    priority: Mapped[Priority] = mapped_column(Enum(Priority, native_enum=False, length=16))
    needed_by: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[RequestStatus] = mapped_column(
        Enum(RequestStatus, native_enum=False, length=24), default=RequestStatus.open, index=True
    )
    note: Mapped[str | None] = mapped_column(Text, default=None)
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)

    lines: Mapped[list[AidRequestLine]] = relationship(
        back_populates="request", lazy="raise", order_by="AidRequestLine.id"
    )


class AidRequestLine(Base):
    """One item of a request. Invariant: delivered ≤ dispatched ≤ allocated ≤ quantity."""

    __tablename__ = "aid_request_lines"
    __table_args__ = (
        UniqueConstraint("request_id", "item_code"),
        CheckConstraint("quantity > 0", name="quantity_pos"),
        CheckConstraint("allocated >= 0 AND allocated <= quantity", name="allocated_range"),
        CheckConstraint("dispatched >= 0 AND dispatched <= allocated", name="dispatched_range"),
        CheckConstraint("delivered >= 0 AND delivered <= dispatched", name="delivered_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("aid_requests.id"), index=True)
    item_code: Mapped[str] = mapped_column(ForeignKey("items.code"))
    quantity: Mapped[int] = mapped_column(Integer)
    allocated: Mapped[int] = mapped_column(Integer, default=0)
    dispatched: Mapped[int] = mapped_column(Integer, default=0)
    delivered: Mapped[int] = mapped_column(Integer, default=0)

    request: Mapped[AidRequest] = relationship(back_populates="lines", lazy="raise")
