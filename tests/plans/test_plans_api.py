"""Plans through the API: solve, approve (atomic reservation), dispatch, deliver, cancel."""

from __future__ import annotations

import httpx
import pytest

from tests.plans.plan_helpers import create_item, file_request, first_depot, put_stock, stock_row
from ukg_aid import matching
from ukg_aid.principal import Role

pytestmark = pytest.mark.sqlite


@pytest.fixture
async def scarce(client: httpx.AsyncClient, tokens) -> dict[str, object]:
    """A private item held only by one Nara depot (100 units, floor 10)."""
    admin = await tokens.headers(Role.admin)
    await create_item(client, admin, "test_kit")
    depot = await first_depot(client, admin, "29")
    await put_stock(client, admin, depot, "test_kit", 100, floor=10)
    return {"admin": admin, "depot": depot}


async def test_plan_approve_dispatch_deliver(client: httpx.AsyncClient, tokens, scarce) -> None:
    desk = await tokens.headers(Role.desk, "27100")
    coord = await tokens.headers(Role.coordinator)
    req = await file_request(client, desk, "27100", [("test_kit", 30), ("water", 500)])

    resp = await client.post("/api/v1/plans", json={"request_ids": [req["id"]]}, headers=coord)
    assert resp.status_code == 201, resp.text
    plan = resp.json()
    assert plan["status"] == "proposed" and plan["solver"]["status"] == "optimal"
    kits = [a for a in plan["allocations"] if a["item_code"] == "test_kit"]
    assert sum(a["quantity"] for a in kits) == 30 and kits[0]["depot_id"] == scarce["depot"]
    assert all(a["supplier_code"] != "27100" for a in plan["allocations"])
    assert all(
        a["reason"] and a["distance_km"] > 0 and a["eta_minutes"] >= 30 for a in plan["allocations"]
    )

    # The stored inputs reproduce a plan that passes every rule.
    inputs = (await client.get(f"/api/v1/plans/{plan['id']}/inputs", headers=coord)).json()
    problem = matching.Problem.from_dict(inputs["inputs"])
    assert matching.validate(problem, matching.solve(problem)) == []

    approved = await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    row = await stock_row(client, coord, scarce["depot"], "test_kit")
    assert (row["on_hand"], row["reserved"], row["available"]) == (100, 30, 60)

    kit = kits[0]
    supplier_desk = await tokens.headers(Role.desk, kit["supplier_code"])
    early = await client.post(f"/api/v1/allocations/{kit['id']}/deliver", headers=desk)
    assert early.status_code == 409  # delivery before dispatch
    sent = await client.post(f"/api/v1/allocations/{kit['id']}/dispatch", headers=supplier_desk)
    assert sent.status_code == 200 and sent.json()["expected_at"]
    row = await stock_row(client, coord, scarce["depot"], "test_kit")
    assert (row["on_hand"], row["reserved"]) == (70, 0)

    got = await client.post(f"/api/v1/allocations/{kit['id']}/deliver", headers=desk)
    assert got.status_code == 200 and got.json()["status"] == "delivered"
    req_now = (await client.get(f"/api/v1/aid-requests/{req['id']}", headers=desk)).json()
    line = next(x for x in req_now["lines"] if x["item_code"] == "test_kit")
    assert (line["allocated"], line["dispatched"], line["delivered"]) == (30, 30, 30)
    assert req_now["status"] == "partially_fulfilled"

    audit = (
        await client.get("/api/v1/audit-events", params={"entity": "allocation"}, headers=coord)
    ).json()
    assert {"allocation.dispatch", "allocation.deliver"} <= {e["action"] for e in audit["items"]}


async def test_double_approval_and_state_conflicts(
    client: httpx.AsyncClient, tokens, scarce
) -> None:
    desk = await tokens.headers(Role.desk, "28100")
    coord = await tokens.headers(Role.coordinator)
    req = await file_request(client, desk, "28100", [("test_kit", 20)])
    plan = (
        await client.post("/api/v1/plans", json={"request_ids": [req["id"]]}, headers=coord)
    ).json()
    assert (
        await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
    ).status_code == 200
    again = await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert (
        await client.post(f"/api/v1/plans/{plan['id']}/discard", headers=coord)
    ).status_code == 409

    cancelled = await client.post(f"/api/v1/plans/{plan['id']}/cancel", headers=coord)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert all(a["status"] == "cancelled" for a in cancelled.json()["allocations"])
    row = await stock_row(client, coord, scarce["depot"], "test_kit")
    assert row["reserved"] == 0
    alloc = cancelled.json()["allocations"][0]
    supplier_desk = await tokens.headers(Role.desk, alloc["supplier_code"])
    late = await client.post(f"/api/v1/allocations/{alloc['id']}/dispatch", headers=supplier_desk)
    assert late.status_code == 409  # dispatch of a cancelled allocation


async def test_stale_plan_refused_and_changes_nothing(
    client: httpx.AsyncClient, tokens, scarce
) -> None:
    desk = await tokens.headers(Role.desk, "27140")
    coord = await tokens.headers(Role.coordinator)
    req = await file_request(client, desk, "27140", [("test_kit", 80)])
    plan = (
        await client.post("/api/v1/plans", json={"request_ids": [req["id"]]}, headers=coord)
    ).json()
    assert sum(a["quantity"] for a in plan["allocations"]) == 90 - 10 or plan["unmet"]
    # The Nara desk uses 50 kits locally after planning: the plan no longer fits.
    nara = await tokens.headers(Role.desk, "29")
    resp = await client.post(
        f"/api/v1/depots/{scarce['depot']}/stock/test_kit/adjustments",
        json={"delta": -50, "reason": "local use"},
        headers=nara,
    )
    assert resp.status_code == 200
    refused = await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "stale-allocations"
    assert {a["allocation_id"] for a in body["allocations"]} == {
        a["id"] for a in plan["allocations"]
    }
    row = await stock_row(client, coord, scarce["depot"], "test_kit")
    assert row["reserved"] == 0
    still = (await client.get(f"/api/v1/plans/{plan['id']}", headers=coord)).json()
    assert still["status"] == "proposed"


async def test_unrelated_change_does_not_block_approval(
    client: httpx.AsyncClient, tokens, scarce
) -> None:
    desk = await tokens.headers(Role.desk, "27140")
    coord = await tokens.headers(Role.coordinator)
    req = await file_request(client, desk, "27140", [("test_kit", 20)])
    plan = (
        await client.post("/api/v1/plans", json={"request_ids": [req["id"]]}, headers=coord)
    ).json()
    nara = await tokens.headers(Role.desk, "29")
    used = await client.post(
        f"/api/v1/depots/{scarce['depot']}/stock/test_kit/adjustments",
        json={"delta": -30, "reason": "local use"},
        headers=nara,
    )
    assert used.status_code == 200
    assert (await stock_row(client, coord, scarce["depot"], "test_kit"))["available"] == 60
    ok = await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
    assert ok.status_code == 200, ok.text


async def test_stricken_members_do_not_supply_and_unmet_says_why(
    client: httpx.AsyncClient, tokens, scarce
) -> None:
    coord = await tokens.headers(Role.coordinator)
    nara_desk = await tokens.headers(Role.desk, "29")
    osaka_desk = await tokens.headers(Role.desk, "27")
    # Nara files too: it becomes stricken, so its kits stay home.
    await file_request(
        client,
        nara_desk,
        "29",
        [("water", 10)],
        delivery={"name": "Nara", "lat": 34.685, "lon": 135.833},
    )
    req = await file_request(client, osaka_desk, "27", [("test_kit", 5)])
    plan = (
        await client.post("/api/v1/plans", json={"request_ids": [req["id"]]}, headers=coord)
    ).json()
    assert plan["allocations"] == []
    assert plan["unmet"] == [
        {
            "request_id": req["id"],
            "line_id": req["lines"][0]["id"],
            "item_code": "test_kit",
            "quantity": 5,
            "cause": "all_suppliers_stricken",
        }
    ]
    lifted = (
        await client.post(
            "/api/v1/plans",
            json={"request_ids": [req["id"]], "include_stricken_suppliers": True},
            headers=coord,
        )
    ).json()
    assert sum(a["quantity"] for a in lifted["allocations"]) == 5


async def test_who_may_plan_dispatch_and_deliver(client: httpx.AsyncClient, tokens, scarce) -> None:
    desk = await tokens.headers(Role.desk, "27100")
    observer = await tokens.headers(Role.observer)
    coord = await tokens.headers(Role.coordinator)
    req = await file_request(client, desk, "27100", [("test_kit", 10)])
    assert (await client.post("/api/v1/plans", json={}, headers=desk)).status_code == 403
    assert (await client.post("/api/v1/plans", json={}, headers=observer)).status_code == 403
    plan = (
        await client.post("/api/v1/plans", json={"request_ids": [req["id"]]}, headers=coord)
    ).json()
    assert (
        await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=desk)
    ).status_code == 403
    assert (
        await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
    ).status_code == 200
    alloc = plan["allocations"][0]
    other_desk = await tokens.headers(Role.desk, "30")
    assert (
        await client.post(f"/api/v1/allocations/{alloc['id']}/dispatch", headers=other_desk)
    ).status_code == 403
    assert (
        await client.post(f"/api/v1/allocations/{alloc['id']}/dispatch", headers=desk)
    ).status_code == 403  # the requester cannot ship
    supplier = await tokens.headers(Role.desk, alloc["supplier_code"])
    assert (
        await client.post(f"/api/v1/allocations/{alloc['id']}/dispatch", headers=supplier)
    ).status_code == 200
    assert (
        await client.post(f"/api/v1/allocations/{alloc['id']}/deliver", headers=supplier)
    ).status_code == 403  # nor the supplier confirm


async def test_cancelling_a_request_releases_its_reservations(
    client: httpx.AsyncClient, tokens, scarce
) -> None:
    desk = await tokens.headers(Role.desk, "27100")
    coord = await tokens.headers(Role.coordinator)
    req = await file_request(client, desk, "27100", [("test_kit", 40)])
    plan = (
        await client.post("/api/v1/plans", json={"request_ids": [req["id"]]}, headers=coord)
    ).json()
    await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
    assert (await stock_row(client, coord, scarce["depot"], "test_kit"))["reserved"] == 40
    resp = await client.post(f"/api/v1/aid-requests/{req['id']}/cancel", headers=desk, json={})
    assert resp.status_code == 200 and resp.json()["status"] == "cancelled"
    assert (await stock_row(client, coord, scarce["depot"], "test_kit"))["reserved"] == 0
    after = (await client.get(f"/api/v1/plans/{plan['id']}", headers=coord)).json()
    assert after["status"] == "completed"
    assert all(a["status"] == "cancelled" for a in after["allocations"])


async def test_plan_geojson_and_list(client: httpx.AsyncClient, tokens, scarce) -> None:
    desk = await tokens.headers(Role.desk, "27100")
    coord = await tokens.headers(Role.coordinator)
    req = await file_request(client, desk, "27100", [("test_kit", 10)])
    plan = (
        await client.post("/api/v1/plans", json={"request_ids": [req["id"]]}, headers=coord)
    ).json()
    geo = (await client.get(f"/api/v1/plans/{plan['id']}/geojson", headers=coord)).json()
    assert geo["type"] == "FeatureCollection"
    assert geo["features"][0]["geometry"]["type"] == "LineString"
    listed = (
        await client.get("/api/v1/plans", params={"status": "proposed"}, headers=coord)
    ).json()
    assert plan["id"] in {p["id"] for p in listed["items"]}
    missing = await client.post("/api/v1/plans", json={"request_ids": [999999]}, headers=coord)
    assert missing.status_code == 404


async def test_nothing_ships_from_a_plan_nobody_approved(
    client: httpx.AsyncClient, tokens, scarce
) -> None:
    desk = await tokens.headers(Role.desk, "27100")
    coord = await tokens.headers(Role.coordinator)
    req = await file_request(client, desk, "27100", [("test_kit", 30)])
    approved = (
        await client.post("/api/v1/plans", json={"request_ids": [req["id"]]}, headers=coord)
    ).json()
    assert (
        await client.post(f"/api/v1/plans/{approved['id']}/approve", headers=coord)
    ).status_code == 200
    # A second plan for the same stock is only proposed: its allocation must not ship.
    other = await file_request(client, desk, "27100", [("test_kit", 20)])
    proposed = (
        await client.post("/api/v1/plans", json={"request_ids": [other["id"]]}, headers=coord)
    ).json()
    alloc = proposed["allocations"][0]
    supplier = await tokens.headers(Role.desk, alloc["supplier_code"])
    refused = await client.post(f"/api/v1/allocations/{alloc['id']}/dispatch", headers=supplier)
    assert refused.status_code == 409 and refused.json()["code"] == "plan-state"
    row = await stock_row(client, coord, scarce["depot"], "test_kit")
    assert (row["on_hand"], row["reserved"]) == (100, 30)

    discarded = await client.post(f"/api/v1/plans/{proposed['id']}/discard", headers=coord)
    assert discarded.status_code == 200
    assert {a["status"] for a in discarded.json()["allocations"]} == {"cancelled"}
    still = await client.post(f"/api/v1/allocations/{alloc['id']}/dispatch", headers=supplier)
    assert still.status_code == 409
