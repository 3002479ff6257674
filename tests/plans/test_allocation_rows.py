"""Allocation rows name their depot, supplier, requester, delivery point and item (CONTRACTS §2),
loaded with joins: the statements a list costs do not grow with its rows."""

from __future__ import annotations

import httpx
import pytest

from tests.app_support import StatementCounter
from tests.plans.plan_helpers import OSAKA_CITY_HALL, file_request
from ukg_aid.db import Database
from ukg_aid.principal import Role

NAMED = {
    "depot_name",
    "depot_name_ja",
    "supplier_name_ja",
    "supplier_name_en",
    "requester_code",
    "requester_name_ja",
    "requester_name_en",
    "delivery",
    "item_name_ja",
    "item_name_en",
    "unit",
    "unit_weight_kg",
    "weight_kg",
}


@pytest.fixture
async def approved(client: httpx.AsyncClient, tokens) -> dict[str, object]:
    """Osaka City asks for more water and meals than any one depot holds: many allocations."""
    desk = await tokens.headers(Role.desk, "27100")
    coord = await tokens.headers(Role.coordinator)
    req = await file_request(
        client, desk, "27100", [("water", 600_000), ("meals", 300_000), ("blankets", 2_000)]
    )
    plan = (
        await client.post("/api/v1/plans", json={"request_ids": [req["id"]]}, headers=coord)
    ).json()
    assert len(plan["allocations"]) >= 5, plan["allocations"]
    resp = await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
    assert resp.status_code == 200, resp.text
    return {"plan": resp.json(), "desk": desk, "coord": coord}


@pytest.mark.sqlite
async def test_plan_rows_name_what_a_desk_reads(
    client: httpx.AsyncClient, tokens, approved
) -> None:
    coord = approved["coord"]
    members = (await client.get("/api/v1/members", headers=coord)).json()["items"]
    names = {m["code"]: (m["name_ja"], m["name_en"]) for m in members}
    depots = (await client.get("/api/v1/depots", params={"limit": 1000}, headers=coord)).json()
    depot_names = {d["id"]: (d["name"], d["name_ja"]) for d in depots["items"]}
    water = (await client.get("/api/v1/items/water", headers=coord)).json()
    for a in approved["plan"]["allocations"]:
        assert set(a) >= NAMED, set(a)
        assert (a["depot_name"], a["depot_name_ja"]) == depot_names[a["depot_id"]]
        assert (a["supplier_name_ja"], a["supplier_name_en"]) == names[a["supplier_code"]]
        assert (a["requester_code"], a["requester_name_ja"]) == ("27100", names["27100"][0])
        assert a["delivery"] == OSAKA_CITY_HALL
        assert a["weight_kg"] == pytest.approx(a["quantity"] * a["unit_weight_kg"])
        if a["item_code"] == "water":
            assert (a["item_name_ja"], a["item_name_en"], a["unit"]) == (
                water["name_ja"],
                water["name_en"],
                water["unit"],
            )
    listed = (
        await client.get(
            "/api/v1/allocations", params={"plan_id": approved["plan"]["id"]}, headers=coord
        )
    ).json()
    assert listed["items"] == approved["plan"]["allocations"]


async def test_dispatch_and_deliver_answer_named_rows(
    client: httpx.AsyncClient, tokens, approved
) -> None:
    a = approved["plan"]["allocations"][0]
    supplier = await tokens.headers(Role.desk, a["supplier_code"])
    sent = await client.post(f"/api/v1/allocations/{a['id']}/dispatch", headers=supplier)
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "dispatched"
    assert sent.json()["depot_name"] == a["depot_name"]
    got = await client.post(f"/api/v1/allocations/{a['id']}/deliver", headers=approved["desk"])
    assert got.status_code == 200, got.text
    row = got.json()
    assert row["status"] == "delivered" and row["delivered_at"]
    assert {k: row[k] for k in NAMED} == {k: a[k] for k in NAMED}
    geo = (
        await client.get(
            f"/api/v1/plans/{approved['plan']['id']}/geojson", headers=approved["coord"]
        )
    ).json()
    feature = next(f for f in geo["features"] if f["id"] == a["id"])
    assert feature["properties"]["supplier_name_ja"] == a["supplier_name_ja"]
    assert feature["geometry"]["coordinates"][1] == [a["delivery"]["lon"], a["delivery"]["lat"]]


async def test_a_list_costs_the_same_statements_for_one_row_or_many(
    client: httpx.AsyncClient, db: Database, approved
) -> None:
    coord = approved["coord"]
    plan_id = approved["plan"]["id"]
    many = len(approved["plan"]["allocations"])

    async def statements(limit: int) -> int:
        with StatementCounter(db.engine) as counter:
            resp = await client.get(
                "/api/v1/allocations",
                params={"plan_id": plan_id, "limit": limit},
                headers=coord,
            )
        assert len(resp.json()["items"]) == min(limit, many)
        return counter.count

    one, all_rows = await statements(1), await statements(1000)
    assert one == all_rows, (one, all_rows)
    with StatementCounter(db.engine) as counter:
        assert (await client.get(f"/api/v1/plans/{plan_id}", headers=coord)).status_code == 200
    with StatementCounter(db.engine) as baseline:
        assert (await client.get("/api/v1/plans/999999", headers=coord)).status_code == 404
    # The plan itself, its allocations (selectin) and the named rows: three beyond auth.
    assert counter.count - baseline.count <= 3, counter.statements
