from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ukg_aid.members.enums import HeliPreference, MemberKind
from ukg_aid.schemas import InputModel, JsonInt, LatLon, LatLonRead, OutputModel, VisibleText

JIS_CODE = r"^(0[1-9]|[1-3][0-9]|4[0-7])([0-9]{3})?$"
"""A JIS X 0401 prefecture code (01–47) or a JIS X 0402 municipality code: the prefecture's two
digits and three more (without the check digit), as the union's own members are written."""


class GuestCreate(InputModel):
    """A guest recipient: a prefecture or municipality outside the union (SPEC §10)."""

    code: Annotated[str, Field(pattern=JIS_CODE, description="JIS code, e.g. 17205 (珠洲市)")]
    name_en: VisibleText = Field(min_length=1, max_length=100)
    name_ja: VisibleText = Field(min_length=1, max_length=100)
    kind: Literal["guest"]
    office: LatLon
    population: JsonInt = Field(ge=1, le=50_000_000)
    office_name_ja: str | None = Field(default=None, max_length=100)


class MemberRead(OutputModel):
    code: str
    name_en: str
    name_ja: str
    kind: MemberKind
    parent_code: str | None
    office: LatLonRead
    population: int
    area_km2: float | None
    heli_preference: HeliPreference
    stricken: bool = False
    union_member: bool = Field(
        default=True, description="false for a guest recipient from outside the union"
    )
