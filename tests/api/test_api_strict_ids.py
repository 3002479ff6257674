"""Loose ids are refused, not coerced (issue 8): path ids, id filters, paging, event ids.

Each hostile input gets a 422 problem naming the parameter and changes nothing (the audit log,
which records every state change, keeps its length). The id checks are generated from the app's
own OpenAPI document, so a new route with an integer parameter is covered without editing this
file.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.api.api_helpers import assert_problem, count, error_locs, filing
from ukg_aid.app import create_app
from ukg_aid.principal import Role

# Spellings of an id that Python's int() or pydantic's lax mode would read as a number.
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def loose_spellings(n: int) -> list[str]:
    digits = str(n)
    underscored = f"{digits[0]}_{digits[1:]}" if len(digits) > 1 else f"0_{digits}"
    return [
        underscored,
        f"+{digits}",
        f" {digits}",
        f"{digits} ",
        f"0{digits}",
        f"{digits}.0",
        f"{n:#x}",
        digits.translate(FULL_WIDTH),
        f"{digits}e0",
        f"-{digits}",
        "2147483648",
        "9" * 30,
        "",
    ]


FILL = {
    "code": "water",
    "item_code": "water",
    "name": "nobody",
    "action": "en_route",
}
BODIES: dict[str, Any] = {
    "/api/v1/depots/{depot_id}": {"name": "renamed"},
    "/api/v1/depots/{depot_id}/stock/{item_code}": {"on_hand": 1},
    "/api/v1/depots/{depot_id}/stock/{item_code}/adjustments": {"delta": 1, "reason": "x"},
    "/api/v1/helicopters/{heli_id}": {"status": "maintenance"},
}


def _integer_parameters() -> list[tuple[str, str, str, str]]:
    """(method, path template, location, name) of every integer path/query/header parameter."""
    spec = create_app().openapi()
    found = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for param in op.get("parameters", []):
                schema = param["schema"]
                types = [s.get("type") for s in schema.get("anyOf", [schema])]
                if "integer" in types:
                    found.append((method.upper(), path, param["in"], param["name"]))
    return found


INTEGER_PARAMETERS = _integer_parameters()


def test_the_generated_table_sees_every_id_parameter() -> None:
    names = {(p[2], p[3]) for p in INTEGER_PARAMETERS}
    for expected in [
        ("path", "depot_id"),
        ("path", "request_id"),
        ("path", "plan_id"),
        ("path", "allocation_id"),
        ("path", "heli_id"),
        ("path", "mission_id"),
        ("query", "depot_id"),
        ("query", "plan_id"),
        ("query", "after"),
        ("query", "limit"),
        ("query", "offset"),
        ("header", "Last-Event-ID"),
    ]:
        assert expected in names


@pytest.mark.parametrize(
    ("method", "path", "where", "name"),
    INTEGER_PARAMETERS,
    ids=[f"{m} {p} {w}:{n}" for m, p, w, n in INTEGER_PARAMETERS],
)
async def test_loose_integer_parameters_are_422(
    client: httpx.AsyncClient, session, tokens, method: str, path: str, where: str, name: str
) -> None:
    headers = await tokens.headers(Role.admin)
    before = await count(session, "audit_events")
    for spelling in loose_spellings(10):
        if spelling == "" and where != "query":
            continue  # an empty path segment is another route; an empty Last-Event-ID is none
        if spelling != spelling.strip() and where == "header":
            continue  # HTTP strips the spaces around a header value: " 10" is "10" there
        url = path
        params: dict[str, str] = {}
        extra: dict[str, bytes] = {}
        for key, value in FILL.items():
            url = url.replace("{" + key + "}", value)
        if where == "path":
            url = url.replace("{" + name + "}", spelling)
        elif where == "query":
            params[name] = spelling
        else:
            extra[name] = spelling.encode()
        for other in ("depot_id", "request_id", "plan_id", "allocation_id", "heli_id"):
            url = url.replace("{" + other + "}", "1")
        url = url.replace("{mission_id}", "1")
        if name == "after" or name == "Last-Event-ID":
            params["limit"] = "1"
        request = client.request(
            method, url, params=params, headers={**headers, **extra}, json=BODIES.get(path)
        )
        resp = await asyncio.wait_for(request, timeout=30)  # an accepted event id would stream
        body = assert_problem(resp, 422)
        assert (where, name) in error_locs(body), (spelling, body)
    assert await count(session, "audit_events") == before


async def test_a_cancelled_request_is_not_reachable_through_a_loose_id(
    client: httpx.AsyncClient, session, tokens
) -> None:
    """``1_380`` used to reach request 1380: GET, cancel and every other action by its id."""
    desk = await tokens.headers(Role.desk, "27")
    created = (await client.post("/api/v1/aid-requests", json=filing(), headers=desk)).json()
    target = created["id"]
    before = await count(session, "audit_events")
    for spelling in loose_spellings(target):
        if not spelling:
            continue
        got = await client.get(f"/api/v1/aid-requests/{spelling}", headers=desk)
        assert ("path", "request_id") in error_locs(assert_problem(got, 422))
        cancel = await client.post(f"/api/v1/aid-requests/{spelling}/cancel", headers=desk)
        assert ("path", "request_id") in error_locs(assert_problem(cancel, 422))
    assert await count(session, "audit_events") == before
    still = await client.get(f"/api/v1/aid-requests/{target}", headers=desk)
    assert still.json()["status"] == "open"


async def test_canonical_ids_still_work(client: httpx.AsyncClient, tokens) -> None:
    headers = await tokens.headers(Role.observer)
    depots = (await client.get("/api/v1/depots", params={"limit": 1}, headers=headers)).json()
    depot_id = depots["items"][0]["id"]
    assert (await client.get(f"/api/v1/depots/{depot_id}", headers=headers)).status_code == 200
    page = await client.get(
        "/api/v1/stock", params={"depot_id": str(depot_id), "offset": "0"}, headers=headers
    )
    assert page.status_code == 200
    assert {row["depot_id"] for row in page.json()["items"]} == {depot_id}
    # 0 and the largest integer are well formed: nothing has them, so 404.
    for edge in ("0", "2147483647"):
        assert_problem(await client.get(f"/api/v1/depots/{edge}", headers=headers), 404)


# --- event ids --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "header"),
    [
        ({"limit": "1"}, "2147483648"),
        ({"limit": "1"}, "99999999999999999999"),
        ({"limit": "1"}, "-1"),
        ({"limit": "1"}, "12abc"),
        ({"after": "2147483648", "limit": "1"}, None),
        ({"after": "1e3", "limit": "1"}, None),
    ],
)
async def test_an_event_id_out_of_range_is_a_problem_not_a_dropped_connection(
    client: httpx.AsyncClient, tokens, params: dict[str, str], header: str | None
) -> None:
    """An EventSource retries a dropped connection every 3 s forever; a non-200 answer stops
    it. So a bad ``Last-Event-ID``/``?after=`` must be answered before the stream starts."""
    headers = await tokens.headers(Role.observer)
    if header is not None:
        headers["Last-Event-ID"] = header
    request = client.get("/api/v1/events", params=params, headers=headers)
    body = assert_problem(await asyncio.wait_for(request, timeout=30), 422)
    assert body["errors"], body


async def test_a_good_or_empty_last_event_id_still_resumes(
    client: httpx.AsyncClient, session, tokens
) -> None:
    desk = await tokens.headers(Role.desk, "27")
    observer = await tokens.headers(Role.observer)
    await client.post("/api/v1/aid-requests", json=filing(), headers=desk)
    await client.post("/api/v1/aid-requests", json=filing(), headers=desk)
    latest = (
        await client.get("/api/v1/audit-events", params={"limit": 2}, headers=observer)
    ).json()["items"]
    first, second = sorted(e["id"] for e in latest)
    resumed = await client.get(
        "/api/v1/events", params={"limit": 1}, headers=observer | {"Last-Event-ID": str(first)}
    )
    assert resumed.status_code == 200
    assert f"id: {second}\n" in resumed.text
    # The SSE standard sends no header for an empty id; an empty one means "no id" too.
    empty = await client.get(
        "/api/v1/events",
        params={"limit": 1, "after": str(first)},
        headers=observer | {"Last-Event-ID": ""},
    )
    assert empty.status_code == 200
    assert f"id: {second}\n" in empty.text
