"""Aid requests: filing, validation, Idempotency-Key, cancel, lists, GeoJSON (SPEC §2, §7)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.api_helpers import assert_problem, count, error_locs, filing
from ukg_aid.principal import Role

URL = "/api/v1/aid-requests"


@pytest.fixture
async def desk(tokens) -> dict[str, str]:
    headers: dict[str, str] = await tokens.headers(Role.desk, "27")
    return headers


async def _file(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any] | None = None
) -> dict[str, Any]:
    resp = await client.post(URL, json=body or filing(), headers=headers)
    assert resp.status_code == 201, resp.text
    created: dict[str, Any] = resp.json()
    return created


@pytest.mark.sqlite
async def test_filing_returns_the_request_with_its_lines(
    client: httpx.AsyncClient, desk: dict[str, str]
) -> None:
    req = await _file(client, desk)
    assert req["member_code"] == "27"
    assert req["status"] == "open"
    assert req["priority"] == "high"
    assert req["needed_by"] is None
    assert req["delivery"] == {"name": "Osaka Castle Park", "lat": 34.6873, "lon": 135.5262}
    lines = {line["item_code"]: line for line in req["lines"]}
    assert lines.keys() == {"water", "blankets"}
    assert lines["water"] == lines["water"] | {
        "quantity": 1000,
        "allocated": 0,
        "dispatched": 0,
        "delivered": 0,
    }
    fetched = await client.get(f"{URL}/{req['id']}", headers=desk)
    assert fetched.status_code == 200
    assert fetched.json() == req


@pytest.mark.simulated_clock  # files on the morning of 17 January 2025
async def test_filing_is_audited_and_honours_at(
    client: httpx.AsyncClient, desk: dict[str, str], tokens
) -> None:
    at = "2025-01-17T05:46:00+09:00"
    req = await _file(client, desk, filing(at=at, needed_by="2025-01-17T12:00:00+09:00"))
    assert datetime.fromisoformat(req["filed_at"]) == datetime.fromisoformat(at)
    needed_by = datetime.fromisoformat(req["needed_by"])
    assert needed_by == datetime.fromisoformat("2025-01-17T12:00:00+09:00")
    events = await client.get(
        "/api/v1/audit-events",
        params={"entity": "aid_request", "entity_id": str(req["id"])},
        headers=await tokens.headers(Role.observer),
    )
    [event] = events.json()["items"]
    assert event["action"] == "aid_request.file"
    assert event["after"]["lines"] == req["lines"]


async def test_admin_may_file_for_any_member(client: httpx.AsyncClient, tokens) -> None:
    req = await _file(client, await tokens.headers(Role.admin), filing("36"))
    assert req["member_code"] == "36"


@pytest.mark.parametrize(
    ("lines", "loc"),
    [
        ([{"item_code": "water", "quantity": 0}], ("body", "lines", 0, "quantity")),
        ([{"item_code": "water", "quantity": -5}], ("body", "lines", 0, "quantity")),
        ([{"item_code": "water", "quantity": 2.5}], ("body", "lines", 0, "quantity")),
        ([{"item_code": "water", "quantity": 3.0}], ("body", "lines", 0, "quantity")),
        ([{"item_code": "water", "quantity": "10"}], ("body", "lines", 0, "quantity")),
        ([{"item_code": "water", "quantity": True}], ("body", "lines", 0, "quantity")),
        ([{"item_code": "water", "quantity": 10**30}], ("body", "lines", 0, "quantity")),
        ([{"item_code": "water"}], ("body", "lines", 0, "quantity")),
        ([], ("body", "lines")),
        (
            [{"item_code": "water", "quantity": 1}, {"item_code": "water", "quantity": 2}],
            ("body", "lines"),
        ),
        ([{"item_code": f"i{n}", "quantity": 1} for n in range(101)], ("body", "lines")),
    ],
)
async def test_bad_lines_are_422_with_locations(
    client: httpx.AsyncClient,
    desk: dict[str, str],
    session: AsyncSession,
    lines: list[dict[str, Any]],
    loc: tuple[Any, ...],
) -> None:
    before = await count(session, "aid_requests")
    resp = await client.post(URL, json=filing(lines=lines), headers=desk)
    assert loc in error_locs(assert_problem(resp, 422))
    assert await count(session, "aid_requests") == before


@pytest.mark.sqlite
async def test_unknown_items_are_named_by_line(
    client: httpx.AsyncClient, desk: dict[str, str]
) -> None:
    lines = [
        {"item_code": "water", "quantity": 5},
        {"item_code": "caviar", "quantity": 5},
        {"item_code": "meals", "quantity": 5},
        {"item_code": "champagne", "quantity": 5},
    ]
    body = assert_problem(await client.post(URL, json=filing(lines=lines), headers=desk), 422)
    assert error_locs(body) == [
        ("body", "lines", 1, "item_code"),
        ("body", "lines", 3, "item_code"),
    ]


@pytest.mark.sqlite
async def test_delivery_point_outside_the_union_is_422(
    client: httpx.AsyncClient, desk: dict[str, str]
) -> None:
    tokyo = {"name": "Tokyo Station", "lat": 35.68, "lon": 139.76}
    body = assert_problem(await client.post(URL, json=filing(delivery=tokyo), headers=desk), 422)
    assert ("body", "delivery") in error_locs(body)
    assert "outside" in body["errors"][0]["msg"]


async def test_awaji_island_is_inside_thanks_to_the_buffer(
    client: httpx.AsyncClient, tokens
) -> None:
    awaji = {"name": "Awaji shelter", "lat": 34.45, "lon": 134.85}
    req = await _file(client, await tokens.headers(Role.desk, "28"), filing("28", delivery=awaji))
    assert req["delivery"]["lat"] == 34.45


@pytest.mark.parametrize(
    ("delivery", "loc"),
    [
        ({"name": "x", "lat": 91, "lon": 135.5}, ("body", "delivery", "lat")),
        ({"name": "x", "lat": 34.7, "lon": "east"}, ("body", "delivery", "lon")),
        ({"name": "", "lat": 34.7, "lon": 135.5}, ("body", "delivery", "name")),
        ({"lat": 34.7, "lon": 135.5}, ("body", "delivery", "name")),
    ],
)
async def test_bad_delivery_points_are_422(
    client: httpx.AsyncClient, desk: dict[str, str], delivery: dict[str, Any], loc: tuple[str, ...]
) -> None:
    resp = await client.post(URL, json=filing(delivery=delivery), headers=desk)
    assert loc in error_locs(assert_problem(resp, 422))


@pytest.mark.parametrize(
    ("field", "value"),
    [("priority", "urgent"), ("needed_by", "tomorrow"), ("member_code", None), ("extra", 1)],
)
async def test_bad_top_level_fields_are_422(
    client: httpx.AsyncClient, desk: dict[str, str], field: str, value: Any
) -> None:
    resp = await client.post(URL, json=filing(**{field: value}), headers=desk)
    assert ("body", field) in error_locs(assert_problem(resp, 422))


@pytest.mark.sqlite
async def test_malformed_json_is_400(client: httpx.AsyncClient, desk: dict[str, str]) -> None:
    resp = await client.post(
        URL,
        content=b'{"member_code": "27", "lines": [',
        headers=desk | {"content-type": "application/json"},
    )
    assert assert_problem(resp, 400)["code"] == "malformed-json"


async def test_huge_body_is_413(
    client: httpx.AsyncClient, desk: dict[str, str], session: AsyncSession
) -> None:
    before = await count(session, "aid_requests")
    body = filing(note="x" * (1024 * 1024 + 10))
    by_header = assert_problem(await client.post(URL, json=body, headers=desk), 413)

    async def chunks() -> Any:
        for _ in range(40):
            yield b" " * 32_768  # JSON whitespace: 1.25 MiB with no Content-Length
        yield b"{}"

    streamed = await client.post(
        URL, content=chunks(), headers=desk | {"content-type": "application/json"}
    )
    while_streaming = assert_problem(streamed, 413)
    # Both ways answer with the project's own problem (errors.PayloadTooLarge), not a generic one.
    for problem in (by_header, while_streaming):
        assert problem["type"].endswith("payload-too-large"), problem
        assert problem["title"] == "Payload too large"
    assert await count(session, "aid_requests") == before


async def test_idempotent_replay_creates_nothing_new(
    client: httpx.AsyncClient, desk: dict[str, str], session: AsyncSession
) -> None:
    headers = desk | {"Idempotency-Key": "osaka-castle-1"}
    first = await client.post(URL, json=filing(), headers=headers)
    assert first.status_code == 201
    before = (await count(session, "aid_requests"), await count(session, "aid_request_lines"))
    audit_before = await count(session, "audit_events")
    replay = await client.post(URL, json=filing(), headers=headers)
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers.get("idempotent-replayed") == "true"
    after = (await count(session, "aid_requests"), await count(session, "aid_request_lines"))
    assert after == before
    assert await count(session, "audit_events") == audit_before


@pytest.mark.sqlite
async def test_same_key_different_body_is_refused(
    client: httpx.AsyncClient, desk: dict[str, str], session: AsyncSession
) -> None:
    headers = desk | {"Idempotency-Key": "k-1"}
    assert (await client.post(URL, json=filing(), headers=headers)).status_code == 201
    changed = filing(lines=[{"item_code": "water", "quantity": 1001}])
    body = assert_problem(await client.post(URL, json=changed, headers=headers), 422)
    assert body["code"] == "idempotency-key-reused"
    assert await count(session, "aid_requests") == 1


async def test_without_key_two_posts_make_two_requests(
    client: httpx.AsyncClient, desk: dict[str, str]
) -> None:
    a = await _file(client, desk)
    b = await _file(client, desk)
    assert a["id"] != b["id"]


async def test_keys_are_per_token(client: httpx.AsyncClient, tokens) -> None:
    key = {"Idempotency-Key": "shared-key"}
    a = await _file(client, await tokens.headers(Role.desk, "27") | key)
    b = await _file(client, await tokens.headers(Role.desk, "27") | key)
    assert a["id"] != b["id"]


async def test_cancel_by_owner_and_by_coordinator(
    client: httpx.AsyncClient, desk: dict[str, str], tokens
) -> None:
    mine = await _file(client, desk)
    resp = await client.post(f"{URL}/{mine['id']}/cancel", json={"reason": "dup"}, headers=desk)
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "cancelled"
    assert resp.json()["cancelled_at"] is not None
    other = await _file(client, desk)
    by_coord = await client.post(
        f"{URL}/{other['id']}/cancel", headers=await tokens.headers(Role.coordinator)
    )
    assert by_coord.json()["status"] == "cancelled"


@pytest.mark.parametrize(("role", "member"), [(Role.desk, "28"), (Role.observer, None)])
async def test_cancel_by_others_is_403(
    client: httpx.AsyncClient, desk: dict[str, str], tokens, role: Role, member: str | None
) -> None:
    req = await _file(client, desk)
    outsider = await tokens.headers(role, member)
    assert_problem(await client.post(f"{URL}/{req['id']}/cancel", headers=outsider), 403)
    assert (await client.get(f"{URL}/{req['id']}", headers=desk)).json()["status"] == "open"


@pytest.mark.sqlite
async def test_cancel_twice_is_409(client: httpx.AsyncClient, desk: dict[str, str]) -> None:
    req = await _file(client, desk)
    assert (await client.post(f"{URL}/{req['id']}/cancel", headers=desk)).status_code == 200
    body = assert_problem(await client.post(f"{URL}/{req['id']}/cancel", headers=desk), 409)
    assert body["code"] == "request-closed"


async def test_unknown_request_is_404(client: httpx.AsyncClient, desk: dict[str, str]) -> None:
    assert_problem(await client.get(f"{URL}/424242", headers=desk), 404)
    assert_problem(await client.post(f"{URL}/424242/cancel", headers=desk), 404)
    assert_problem(await client.get(f"{URL}/not-a-number", headers=desk), 422)


async def test_list_filters_and_pages(
    client: httpx.AsyncClient, desk: dict[str, str], tokens
) -> None:
    ids = [(await _file(client, desk))["id"] for _ in range(3)]
    await _file(client, await tokens.headers(Role.desk, "28"), filing("28"))
    await client.post(f"{URL}/{ids[0]}/cancel", headers=desk)
    observer = await tokens.headers(Role.observer)

    async def listed(**params: Any) -> dict[str, Any]:
        resp = await client.get(URL, params=params, headers=observer)
        assert resp.status_code == 200, resp.text
        page: dict[str, Any] = resp.json()
        return page

    open_27 = await listed(member="27", status="open")
    assert [r["id"] for r in open_27["items"]] == ids[1:]
    assert open_27["total"] == 2
    page = await listed(member="27", limit=1, offset=1)
    assert [r["id"] for r in page["items"]] == [ids[1]]
    assert (page["total"], page["limit"], page["offset"]) == (3, 1, 1)
    assert (await listed(status="cancelled"))["total"] == 1
    assert (await listed(member="28"))["items"][0]["member_code"] == "28"
    assert (await listed(priority="critical"))["total"] == 0
    for bad in ({"status": "lost"}, {"limit": 0}, {"offset": -1}, {"limit": "many"}):
        assert_problem(await client.get(URL, params=bad, headers=observer), 422)


async def test_geojson_feature_collections(client: httpx.AsyncClient, desk: dict[str, str]) -> None:
    req = await _file(client, desk)
    for path in (f"{URL}/geojson", "/api/v1/depots/geojson", "/api/v1/members/geojson"):
        resp = await client.get(path, headers=desk)
        assert resp.status_code == 200, (path, resp.text)
        collection = resp.json()
        assert collection["type"] == "FeatureCollection"
        assert collection["features"], path
        for feature in collection["features"]:
            assert feature["type"] == "Feature"
            assert feature["geometry"]["type"] in {"Point", "Polygon", "MultiPolygon"}
    requests = (await client.get(f"{URL}/geojson", headers=desk)).json()["features"]
    [mine] = [f for f in requests if f["id"] == req["id"]]
    assert mine["geometry"]["coordinates"] == [135.5262, 34.6873]
