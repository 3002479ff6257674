"""Schemas shared by every domain: pages, points, strict numbers and ids, the ``at`` convention.

Strictness (issue 8): a request body's numbers are JSON numbers and its flags JSON booleans —
``"7"``, ``true`` for 1 and ``7.0`` for an integer field are refused with a 422, never
coerced. Datetimes stay ISO 8601 strings (JSON has no datetime type). Ids in paths and query
strings are canonical decimal digits within the database's integer range, so one id has one
spelling: ``1_0``, ``+10``, `` 10``, ``0x1``, ``１０`` and ``10.0`` are 422s, not id 10.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar, get_args

from annotated_types import Interval
from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    model_validator,
)

from ukg_aid.clock import JST

T = TypeVar("T")

DB_INT_MAX = 2**31 - 1
"""The largest value of the database's ``integer`` columns (every id and count is one)."""

JsonInt = Annotated[int, Strict()]
"""A JSON integer: not a string, not a boolean, not ``7.0``."""
JsonNumber = Annotated[float, Strict(), AllowInfNan(False)]
"""A finite JSON number (an integer such as ``34`` is a fine latitude); not a string or bool."""
JsonBool = Annotated[bool, Strict()]
"""A JSON boolean: not ``1``, ``"true"`` or ``"yes"``."""
BodyId = Annotated[int, Strict(), Field(ge=1, le=DB_INT_MAX)]
"""An id sent in a request body: a JSON integer within the database's range."""

Latitude = Annotated[float, Strict(), AllowInfNan(False), Field(ge=-90, le=90)]
Longitude = Annotated[float, Strict(), AllowInfNan(False), Field(ge=-180, le=180)]

_DIGITS = re.compile(r"0|[1-9][0-9]{0,9}")


def canonical_digits(value: object) -> object:
    """Admit a path or query value only as canonical ASCII decimal digits (no sign, spaces,
    underscores, leading zeros, fractions or non-ASCII digits); the integer bound follows."""
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    raise ValueError(
        f"write an id or count in decimal digits only (0 to {DB_INT_MAX}, no sign, spaces, "
        "underscores or leading zeros)"
    )


# The bound comes before the digits check in each alias so that OpenAPI shows minimum/maximum.
IdParam = Annotated[int, Interval(ge=0, le=DB_INT_MAX), BeforeValidator(canonical_digits)]
"""A ``{..._id}`` path parameter, an id query filter or an event id (0 matches nothing)."""
OffsetParam = Annotated[int, Interval(ge=0, le=DB_INT_MAX), BeforeValidator(canonical_digits)]
"""``?offset=``: the digits-only rule of ids."""
LimitParam = Annotated[int, Interval(ge=1, le=DB_INT_MAX), BeforeValidator(canonical_digits)]
"""``?limit=``: the digits-only rule of ids, at least 1."""

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embedding, override and isolate controls: they reorder how the rest of a line is shown."""
_INVISIBLE = frozenset({"Zs", "Zl", "Zp", "Cf", "Cc"})


def visible_text(value: str) -> str:
    """A name as people read it off a screen, a printed slip or a CSV: at least one visible
    character; no control characters (line breaks, tabs, bell…) and no bidirectional controls
    (which make a printed name read differently from what is stored)."""
    if any(unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS for c in value):
        raise ValueError(
            "a name may not hold control characters (line breaks, tabs) or bidirectional "
            "text controls"
        )
    if all(unicodedata.category(c) in _INVISIBLE for c in value):
        raise ValueError("a name needs at least one visible character, not only spaces")
    return value


VisibleText = Annotated[str, AfterValidator(visible_text)]
"""A name or label typed by a person (``name: VisibleText = Field(min_length=1, ...)``)."""

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
    japan_time_fields: ClassVar[tuple[str, ...]] = ()
    """The fields that may hold a datetime (found once per class, not asked of every field of
    every row: a 100-row page made 800 Python calls for its 100 timestamps; issue 11)."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.japan_time_fields = tuple(
            name for name, f in cls.model_fields.items() if _may_hold_datetime(f.annotation)
        )

    @model_validator(mode="after")
    def _japan_time(self) -> Self:
        values = self.__dict__
        for name in self.japan_time_fields:
            values[name] = japan_time(values[name])
        return self


def japan_time(value: T) -> T:
    """An aware datetime as Japan time (SPEC §5), what every answer shows; anything else as it
    is. :class:`OutputModel` applies it to its fields; an answer built as plain data (issue 11)
    applies it itself."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(JST)
    return value


def _may_hold_datetime(annotation: object) -> bool:
    """``datetime``, an optional or union with it, or a field that may hold anything."""
    if annotation is datetime or annotation is Any or annotation is object:
        return True
    return any(_may_hold_datetime(arg) for arg in get_args(annotation))


class LatLon(InputModel):
    lat: Latitude
    lon: Longitude


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
