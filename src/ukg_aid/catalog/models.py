"""The item catalog (push-type basic 8 + water + EMS/shelter items)."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from ukg_aid.db import Base


class Item(Base):
    __tablename__ = "items"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_ja: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(20))
    unit_weight_kg: Mapped[float] = mapped_column(Float)
    category: Mapped[str | None] = mapped_column(String(40), default=None)
    per_person_per_day: Mapped[float | None] = mapped_column(Float, default=None)
