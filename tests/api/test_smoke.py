"""First light: health, docs, members through the ASGI app on both backends."""

from __future__ import annotations

import httpx
import pytest

from ukg_aid.principal import Role

pytestmark = pytest.mark.sqlite


async def test_healthz_and_docs(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json()["status"] == "ok"
    docs = await client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    spec = (await client.get("/openapi.json")).json()
    assert "/api/v1/aid-requests" in spec["paths"]


async def test_readyz_reports_current_migrations(client: httpx.AsyncClient) -> None:
    resp = await client.get("/readyz")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["migrations"] == "current" and body["revision"] == body["head"]


async def test_members_are_the_twelve(client: httpx.AsyncClient, tokens) -> None:
    headers = await tokens.headers(Role.observer)
    resp = await client.get("/api/v1/members", headers=headers)
    assert resp.status_code == 200
    page = resp.json()
    assert (page["total"], page["offset"]) == (12, 0)
    codes = {m["code"] for m in page["items"]}
    assert codes == {
        "25",
        "26",
        "27",
        "28",
        "29",
        "30",
        "31",
        "36",
        "26100",
        "27100",
        "27140",
        "28100",
    }
