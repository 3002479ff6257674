"""Schemas shared by every domain: pages, points, the ``at`` convention."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class InputModel(BaseModel):
    """Base of request bodies: unknown fields are refused, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


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
