"""Cancelling a plan whose shipment is part dispatched or delivered: the shipment's status is
derived from the allocations the cancellation holds (plans.shipments.status), so a shipment
with one allocation on the road stays dispatched, one delivered stays delivered, and one with
nothing moved is cancelled. (From the review of the plain-row cancel path.)"""

from __future__ import annotations

import httpx
import pytest

from tests.app_support import Tokens
from tests.plans.plan_helpers import create_item, file_request, first_depot, put_stock
from ukg_aid.principal import Role

pytestmark = pytest.mark.sqlite


async def _shipments(
    client: httpx.AsyncClient, headers: dict[str, str], plan_id: int
) -> list[dict[str, object]]:
    found = await client.get("/api/v1/shipments", params={"plan_id": plan_id}, headers=headers)
    assert found.status_code == 200, found.text
    body = found.json()
    return list(body["items"] if isinstance(body, dict) else body)


@pytest.mark.parametrize(
    ("step", "status"),
    [("dispatch", "dispatched"), ("deliver", "delivered"), ("none", "cancelled")],
)
async def test_a_cancelled_plan_leaves_its_shipment_as_far_as_it_got(
    client: httpx.AsyncClient, tokens: Tokens, step: str, status: str
) -> None:
    admin = await tokens.headers(Role.admin)
    for code in ("mix_a", "mix_b"):
        await create_item(client, admin, code)
    depot = await first_depot(client, admin, "29")
    for code in ("mix_a", "mix_b"):
        await put_stock(client, admin, depot, code, 100, floor=0)
    desk = await tokens.headers(Role.desk, "27100")
    coordinator = await tokens.headers(Role.coordinator)
    request = await file_request(client, desk, "27100", [("mix_a", 5), ("mix_b", 6)])
    created = await client.post(
        "/api/v1/plans", json={"request_ids": [request["id"]]}, headers=coordinator
    )
    plan = created.json()
    approved = await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coordinator)
    assert approved.status_code == 200, approved.text
    assert len(await _shipments(client, coordinator, plan["id"])) == 1  # both items, one trip
    first = next(a for a in plan["allocations"] if a["item_code"] == "mix_a")
    supplier = await tokens.headers(Role.desk, first["supplier_code"])
    if step in ("dispatch", "deliver"):
        sent = await client.post(f"/api/v1/allocations/{first['id']}/dispatch", headers=supplier)
        assert sent.status_code == 200, sent.text
    if step == "deliver":
        got = await client.post(f"/api/v1/allocations/{first['id']}/deliver", headers=desk)
        assert got.status_code == 200, got.text

    cancelled = await client.post(f"/api/v1/plans/{plan['id']}/cancel", headers=coordinator)

    assert cancelled.status_code == 200, cancelled.text
    assert [s["status"] for s in await _shipments(client, coordinator, plan["id"])] == [status]
