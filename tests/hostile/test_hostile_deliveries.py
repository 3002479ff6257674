"""Counted deliveries (SPEC §11) under hostile input: more than was shipped, negative, huge,
fractional or string counts, another shipment's allocation, one allocation counted twice, a
reason with nothing short, a delivery before its dispatch or far in the future, a second
confirmation. Each is a 4xx problem that changes no row and no count."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.hostile.hostile_support import refused_unchanged, snapshot
from tests.plans.plan_helpers import KOBE_CITY_HALL, file_request
from tests.plans.shipment_helpers import approved_plan, line_of, shipments, stocked
from ukg_aid.principal import Role


async def _on_the_road(client: httpx.AsyncClient, tokens) -> dict[str, Any]:
    """Two shipments dispatched from Nara to Osaka City: 100 + 40 units, and 7 elsewhere."""
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    desk, nara = await tokens.headers(Role.desk, "27100"), await tokens.headers(Role.desk, "29")
    await stocked(client, admin, "hd_a", 1.0, 1000)
    await stocked(client, admin, "hd_b", 1.0, 1000)
    req = await file_request(client, desk, "27100", [("hd_a", 100), ("hd_b", 40)])
    far = await file_request(client, desk, "27100", [("hd_a", 7)], delivery=KOBE_CITY_HALL)
    plan = await approved_plan(client, coord, [req["id"], far["id"]])
    found = await shipments(client, coord, plan_id=plan["id"])
    for s in found:
        sent = await client.post(f"/api/v1/shipments/{s['id']}/dispatch", headers=nara)
        assert sent.status_code == 200, sent.text
    main = next(s for s in found if len(s["allocation_ids"]) == 2)
    other = next(s for s in found if s is not main)
    by_item = {a["item_code"]: a["id"] for a in plan["allocations"] if a["request_id"] == req["id"]}
    return {
        "desk": desk,
        "request": req["id"],
        "shipment": main,
        "a": by_item["hd_a"],
        "b": by_item["hd_b"],
        "stray": other["allocation_ids"][0],
    }


async def _lines(client: httpx.AsyncClient, ctx: dict[str, Any]) -> list[dict[str, Any]]:
    return [await line_of(client, ctx["desk"], ctx["request"], i) for i in ("hd_a", "hd_b")]


def _received(*counts: dict[str, Any]) -> dict[str, Any]:
    return {"received": list(counts)}


BAD_SHIPMENT_COUNTS = {
    "more than shipped": lambda c: _received({"allocation_id": c["a"], "received": 101}),
    "negative": lambda c: _received({"allocation_id": c["a"], "received": -1, "reason": "lost"}),
    "beyond 32 bits": lambda c: _received({"allocation_id": c["a"], "received": 2**31}),
    "fractional": lambda c: _received(
        {"allocation_id": c["a"], "received": 99.5, "reason": "short"}
    ),
    "a string": lambda c: _received({"allocation_id": c["a"], "received": "100"}),
    "a boolean": lambda c: _received({"allocation_id": c["a"], "received": True, "reason": "lost"}),
    "short without a reason": lambda c: _received({"allocation_id": c["a"], "received": 90}),
    "a reason with nothing short": lambda c: _received(
        {"allocation_id": c["a"], "received": 100, "reason": "damaged"}
    ),
    "an unknown reason": lambda c: _received(
        {"allocation_id": c["a"], "received": 90, "reason": "stolen"}
    ),
    "another shipment's allocation": lambda c: _received(
        {"allocation_id": c["stray"], "received": 7}
    ),
    "one allocation counted twice": lambda c: _received(
        {"allocation_id": c["a"], "received": 50, "reason": "short"},
        {"allocation_id": c["a"], "received": 50, "reason": "short"},
    ),
    "an allocation that does not exist": lambda c: _received(
        {"allocation_id": 2**31 - 1, "received": 1}
    ),
    "a year ago, before its dispatch": lambda c: {"at": "2026-01-01T00:00:00+09:00"},
    "far in the future": lambda c: {"at": "2099-01-01T00:00:00+09:00"},
    "an unknown field": lambda c: {"recieved": []},
}  # fmt: skip


@pytest.mark.parametrize("body", BAD_SHIPMENT_COUNTS.values(), ids=BAD_SHIPMENT_COUNTS.keys())
async def test_a_bad_shipment_count_changes_nothing(
    client: httpx.AsyncClient, tokens, session: AsyncSession, body: Any
) -> None:
    ctx = await _on_the_road(client, tokens)
    lines = await _lines(client, ctx)
    url = f"/api/v1/shipments/{ctx['shipment']['id']}/deliver"
    before = await snapshot(session)
    resp = await client.post(url, json=body(ctx), headers=ctx["desk"])
    await refused_unchanged(session, before, resp, 422)
    assert await _lines(client, ctx) == lines


BAD_ALLOCATION_COUNTS = {
    "more than shipped": {"received": 101},
    "negative": {"received": -5, "reason": "lost"},
    "a reason without a count": {"reason": "lost"},
    "NaN": "NaN",
}


@pytest.mark.parametrize("body", BAD_ALLOCATION_COUNTS.values(), ids=BAD_ALLOCATION_COUNTS.keys())
async def test_a_bad_allocation_count_changes_nothing(
    client: httpx.AsyncClient, tokens, session: AsyncSession, body: Any
) -> None:
    ctx = await _on_the_road(client, tokens)
    lines = await _lines(client, ctx)
    url = f"/api/v1/allocations/{ctx['a']}/deliver"
    before = await snapshot(session)
    if body == "NaN":
        raw = '{"received": NaN, "reason": "short"}'
        headers = ctx["desk"] | {"content-type": "application/json"}
        resp = await client.post(url, content=raw, headers=headers)
    else:
        resp = await client.post(url, json=body, headers=ctx["desk"])
    await refused_unchanged(session, before, resp, 422)
    assert await _lines(client, ctx) == lines


async def test_a_second_confirmation_by_either_route_counts_nothing(
    client: httpx.AsyncClient, tokens, session: AsyncSession
) -> None:
    ctx = await _on_the_road(client, tokens)
    url = f"/api/v1/shipments/{ctx['shipment']['id']}/deliver"
    short = _received({"allocation_id": ctx["a"], "received": 95, "reason": "damaged"})
    first = await client.post(url, json=short, headers=ctx["desk"])
    assert first.status_code == 200, first.text
    lines = await _lines(client, ctx)
    assert [(x["delivered"], x["lost"]) for x in lines] == [(95, 5), (40, 0)]
    before = await snapshot(session)
    for again in (
        client.post(url, json=short, headers=ctx["desk"] | {"Idempotency-Key": "again"}),
        client.post(url, headers=ctx["desk"]),
        client.post(f"/api/v1/allocations/{ctx['a']}/deliver", json={}, headers=ctx["desk"]),
        client.post(
            f"/api/v1/allocations/{ctx['b']}/decline", json={"reason": "x"}, headers=ctx["desk"]
        ),
    ):
        resp = await again
        assert resp.status_code in (403, 409), resp.text  # the decline is the supplier's
        await refused_unchanged(session, before, resp, resp.status_code)
    assert await _lines(client, ctx) == lines
