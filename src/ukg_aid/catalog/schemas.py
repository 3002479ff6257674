from __future__ import annotations

from pydantic import Field

from ukg_aid.schemas import InputModel, JsonNumber, OutputModel, VisibleText

CODE_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"


class ItemRead(OutputModel):
    code: str
    name_en: str
    name_ja: str
    unit: str
    unit_weight_kg: float
    category: str | None
    per_person_per_day: float | None


class ItemCreate(InputModel):
    code: str = Field(pattern=CODE_PATTERN)
    name_en: VisibleText = Field(min_length=1, max_length=100)
    name_ja: VisibleText = Field(min_length=1, max_length=100)
    unit: VisibleText = Field(min_length=1, max_length=20)
    unit_weight_kg: JsonNumber = Field(ge=0, le=10_000)
    category: str | None = Field(default=None, max_length=40)
    per_person_per_day: JsonNumber | None = Field(default=None, ge=0, le=1000)


class ItemUpdate(InputModel):
    name_en: VisibleText | None = Field(default=None, min_length=1, max_length=100)
    name_ja: VisibleText | None = Field(default=None, min_length=1, max_length=100)
    unit: VisibleText | None = Field(default=None, min_length=1, max_length=20)
    unit_weight_kg: JsonNumber | None = Field(default=None, ge=0, le=10_000)
    category: str | None = Field(default=None, max_length=40)
    per_person_per_day: JsonNumber | None = Field(default=None, ge=0, le=1000)
