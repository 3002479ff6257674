from __future__ import annotations

from ukg_aid.members.enums import HeliPreference, MemberKind
from ukg_aid.schemas import LatLonRead, OutputModel


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
