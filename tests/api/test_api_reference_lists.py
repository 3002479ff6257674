"""``/members`` and ``/items`` page like every other list (README "Lists")."""

from __future__ import annotations

import httpx
import pytest

from tests.api.api_helpers import assert_problem
from tests.app_support import make_settings
from ukg_aid.app import create_app
from ukg_aid.client import UkgClient
from ukg_aid.db import Database
from ukg_aid.principal import Role


@pytest.mark.sqlite
async def test_members_page_in_code_order(client: httpx.AsyncClient, tokens) -> None:
    headers = await tokens.headers(Role.observer)
    first = (await client.get("/api/v1/members", params={"limit": 5}, headers=headers)).json()
    rest = (
        await client.get("/api/v1/members", params={"limit": 5, "offset": 5}, headers=headers)
    ).json()
    assert (first["total"], first["limit"], first["offset"]) == (12, 5, 0)
    assert (rest["total"], rest["limit"], rest["offset"]) == (12, 5, 5)
    codes = [m["code"] for m in first["items"] + rest["items"]]
    assert codes == sorted(codes) and len(set(codes)) == 10
    assert first["items"][0]["name_ja"] and "office" in first["items"][0]


async def test_members_filter_by_kind_and_show_who_is_stricken(
    client: httpx.AsyncClient, tokens
) -> None:
    headers = await tokens.headers(Role.observer)
    cities = (await client.get("/api/v1/members", params={"kind": "city"}, headers=headers)).json()
    assert cities["total"] == 4
    assert {m["code"] for m in cities["items"]} == {"26100", "27100", "27140", "28100"}
    desk = await tokens.headers(Role.desk, "27140")
    filed = await client.post(
        "/api/v1/aid-requests",
        headers=desk,
        json={
            "member_code": "27140",
            "priority": "normal",
            "delivery": {"name": "Sakai City Hall", "lat": 34.5733, "lon": 135.4828},
            "lines": [{"item_code": "water", "quantity": 10}],
        },
    )
    assert filed.status_code == 201, filed.text
    cities = (await client.get("/api/v1/members", params={"kind": "city"}, headers=headers)).json()
    assert {m["code"] for m in cities["items"] if m["stricken"]} == {"27140"}
    bad = await client.get("/api/v1/members", params={"kind": "village"}, headers=headers)
    assert_problem(bad, 422)
    bad = await client.get("/api/v1/members", params={"limit": 0}, headers=headers)
    assert_problem(bad, 422)


@pytest.mark.sqlite
async def test_items_page_and_filter_by_category(client: httpx.AsyncClient, tokens) -> None:
    headers = await tokens.headers(Role.desk, "27")
    everything = (await client.get("/api/v1/items", headers=headers)).json()
    assert everything["total"] == len(everything["items"]) >= 10
    codes = [i["code"] for i in everything["items"]]
    assert codes == sorted(codes)
    page = (
        await client.get("/api/v1/items", params={"limit": 3, "offset": 3}, headers=headers)
    ).json()
    assert [i["code"] for i in page["items"]] == codes[3:6]
    assert page["total"] == everything["total"]
    basic = (
        await client.get("/api/v1/items", params={"category": "push_type_basic"}, headers=headers)
    ).json()
    assert 0 < basic["total"] < everything["total"]
    assert {i["category"] for i in basic["items"]} == {"push_type_basic"}
    assert_problem(await client.get("/api/v1/items", params={"offset": -1}, headers=headers), 422)


async def test_typed_client_reads_every_page(db: Database, tokens) -> None:
    """The client walks the pages: with a server cap of 5 rows a page, all 12 members arrive."""
    settings = make_settings(db.url).model_copy(update={"max_page_limit": 5})
    app = create_app(settings, database=db)
    headers = await tokens.headers(Role.observer)
    api = UkgClient.connect(
        "http://test",
        headers["Authorization"].removeprefix("Bearer "),
        transport=httpx.ASGITransport(app=app),
    )
    try:
        members = await api.members()
        assert [m.code for m in members] == sorted(m.code for m in members)
        assert len({m.code for m in members}) == 12
        assert {m.code for m in await api.members(kind="prefecture")} == {
            "25", "26", "27", "28", "29", "30", "31", "36"
        }  # fmt: skip
        page = await api.call("GET", "/items", params={"limit": 1000})
        assert len(page["items"]) == 5 < page["total"]
        assert len({i.code for i in await api.items()}) == page["total"]
    finally:
        await api.aclose()
