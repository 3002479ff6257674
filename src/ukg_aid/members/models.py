"""Members of the union: the 8 prefectures and 4 designated cities."""

from __future__ import annotations

from sqlalchemy import Enum, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ukg_aid.db import Base
from ukg_aid.members.enums import HeliPreference, MemberKind


class Member(Base):
    __tablename__ = "members"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_ja: Mapped[str] = mapped_column(String(100))
    kind: Mapped[MemberKind] = mapped_column(Enum(MemberKind, native_enum=False, length=16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("members.code"), default=None)
    office_name_ja: Mapped[str | None] = mapped_column(String(100), default=None)
    office_lat: Mapped[float] = mapped_column(Float)
    office_lon: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(Integer)
    area_km2: Mapped[float | None] = mapped_column(Float, default=None)
    heli_preference: Mapped[HeliPreference] = mapped_column(
        Enum(HeliPreference, native_enum=False, length=24), default=HeliPreference.geography_first
    )
