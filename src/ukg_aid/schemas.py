"""Schemas shared by every domain: pages, points, the ``at`` convention."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ukg_aid.clock import JST

T = TypeVar("T")

NOTE_MAX_LENGTH = 500

Note = Annotated[
    str | None,
    Field(
        max_length=NOTE_MAX_LENGTH,
        description="free text stored with the action and shown in its audit event (`note`)",
    ),
]
"""The note a user may send with an action (SPEC §9); ``note: Note = None``."""

At = Annotated[
    datetime | None,
    Field(
        description="when it happened (ISO 8601; without an offset, Japan time); default now. "
        "On the live clock at most UKG_AID_MAX_BACKDATE_HOURS (24) in the past and 5 minutes "
        "in the future; never earlier than the entity's previous change",
    ),
]
"""A write's optional ``at`` (SPEC §5, §9); resolved and checked by ``Clock.resolve``."""


class InputModel(BaseModel):
    """Base of request bodies: unknown fields are refused, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class OutputModel(BaseModel):
    """Base of responses. Timestamps are given in Japan time (SPEC §5), however they were read:
    a row just written carries the caller's offset, the same row read back from the database
    carries UTC, and clients comparing the two must not see different strings."""

    model_config = ConfigDict(from_attributes=True)

    @field_validator("*", mode="after")
    @classmethod
    def _japan_time(cls, value: object) -> object:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(JST)
        return value


class LatLon(InputModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class LatLonRead(OutputModel):
    lat: float
    lon: float


class Page(BaseModel, Generic[T]):
    """A page of a list: ``items`` plus the paging that produced it."""

    items: list[T]
    total: int
    limit: int
    offset: int


class Problem(BaseModel):
    """An RFC 9457 problem: every error answer of the API has this shape."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the given error statuses (problem+json bodies)."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
        for status in statuses
    }
