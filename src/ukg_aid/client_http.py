"""The HTTP side of :mod:`ukg_aid.client`: one token's requests, problem+json errors, paging."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


class ApiError(Exception):
    """The API answered with an error status; ``problem`` is its problem+json body."""

    def __init__(self, status: int, problem: Mapping[str, Any]) -> None:
        self.status = status
        self.problem = dict(problem)
        super().__init__(f"{status} {problem.get('title', '')}: {problem.get('detail', '')}")

    @property
    def code(self) -> str | None:
        code = self.problem.get("code")
        return str(code) if code is not None else None


class ConflictError(ApiError):
    """409: the request does not fit the current state."""


class ApiTransport:
    """Requests with one token over a shared ``httpx.AsyncClient``; errors as :class:`ApiError`."""

    def __init__(
        self, http: httpx.AsyncClient, token: str | None = None, incident_id: int | None = None
    ) -> None:
        self.http = http
        self.token = token
        self.incident_id = incident_id
        """The incident new requests, plans and missions name (None: the only active one)."""

    def _incident(self) -> dict[str, Any]:
        return {} if self.incident_id is None else {"incident_id": self.incident_id}

    async def aclose(self) -> None:
        await self.http.aclose()

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """One request; returns the decoded JSON or raises :class:`ApiError`."""
        resp = await self.request(method, path, json=json, params=params, headers=headers)
        return resp.json()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One request; returns the response (any body type) or raises :class:`ApiError`."""
        all_headers = dict(headers or {})
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        resp = await self.http.request(
            method, f"/api/v1{path}", json=json, params=clean, headers=all_headers
        )
        if resp.status_code >= 400:
            problem = problem_of(resp)
            raise (ConflictError if resp.status_code == 409 else ApiError)(
                resp.status_code, problem
            )
        return resp

    async def _all(self, path: str, model: type[M], **params: Any) -> list[M]:
        """Every row of a paged list."""
        rows: list[M] = []
        offset = 0
        while True:
            page = await self.call("GET", path, params={**params, "limit": 1000, "offset": offset})
            rows += [model.model_validate(x) for x in page["items"]]
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                return rows


def problem_of(resp: httpx.Response) -> dict[str, Any]:
    try:
        body = resp.json()
    except ValueError:
        return {"status": resp.status_code, "title": resp.reason_phrase, "detail": resp.text[:500]}
    return body if isinstance(body, dict) else {"status": resp.status_code, "detail": str(body)}
