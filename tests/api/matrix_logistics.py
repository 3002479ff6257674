"""Targets and bodies of the shipment, decline and closure routes for the authorization matrix
(kept apart so the matrix module stays within the size limit)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.api.authorization_rules import OWN


def calls(ctx: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """``Call`` keyword arguments per route."""
    ship_from = ctx["reserved_allocation"]["supplier_code"]
    on_road = ctx["dispatched_shipment"]
    return {
        ("POST", "/api/v1/allocations/{allocation_id}/decline"): {
            "path": {"allocation_id": ctx["reserved_allocation"]["id"]},
            "json": {"reason": "matrix: road out"},
            "owner": ship_from,
            "other": OWN,  # the requester's desk may not decline for the supplier
        },
        ("POST", "/api/v1/shipments/{shipment_id}/dispatch"): {"owner": ship_from, "other": OWN},
        ("POST", "/api/v1/shipments/{shipment_id}/deliver"): {
            "path": {"shipment_id": on_road["id"]},
            "other": on_road["supplier_code"],  # the supplier's desk may not confirm it
        },
        ("POST", "/api/v1/trucks/queue/advance"): {"json": {"member": OWN}},
        ("POST", "/api/v1/incidents/{incident_id}/closures"): {
            "json": {"kind": "crossing", "crossing": "akashi-kaikyo"}
        },
    }


async def arrange_shipment(
    client: httpx.AsyncClient,
    coord: dict[str, str],
    request_id: int,
    desk: Callable[[str], Awaitable[dict[str, str]]],
) -> dict[str, Any]:
    """A shipment on the road (planned, approved and dispatched through the shipments API)."""
    resp = await client.post("/api/v1/plans", json={"request_ids": [request_id]}, headers=coord)
    plan = resp.json()
    await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
    params = {"plan_id": plan["id"]}
    found = await client.get("/api/v1/shipments", params=params, headers=coord)
    (shipment,) = found.json()["items"]
    url = f"/api/v1/shipments/{shipment['id']}/dispatch"
    sent = await client.post(url, headers=await desk(shipment["supplier_code"]))
    assert sent.is_success, sent.text
    return {"dispatched_shipment": shipment}


async def closure(client: httpx.AsyncClient, admin: dict[str, str], incident: int) -> int:
    """An active closure of the incident (Ōnaruto), for the reopen route."""
    body = {"kind": "crossing", "crossing": "onaruto", "note": "matrix"}
    resp = await client.post(f"/api/v1/incidents/{incident}/closures", json=body, headers=admin)
    assert resp.is_success, resp.text
    return int(resp.json()["id"])
