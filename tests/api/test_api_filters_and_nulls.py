"""Query-string times without an offset are Japan time; nulls for required fields are 422."""

from __future__ import annotations

import httpx
import pytest

from ukg_aid.principal import Role

pytestmark = pytest.mark.sqlite


async def test_audit_since_and_until_accept_local_times(client: httpx.AsyncClient, tokens) -> None:
    admin = await tokens.headers(Role.admin)
    body = {
        "code": "radio_sets",
        "name_en": "radios",
        "name_ja": "無線機",
        "unit": "set",
        "unit_weight_kg": 2.0,
    }
    assert (await client.post("/api/v1/items", json=body, headers=admin)).status_code == 201
    event = (
        await client.get("/api/v1/audit-events", params={"action": "item.create"}, headers=admin)
    ).json()["items"][0]
    local = event["at"][:19]  # the same instant written without its +09:00 offset
    hit = await client.get(
        "/api/v1/audit-events", headers=admin, params={"action": "item.create", "since": local}
    )
    assert hit.status_code == 200 and hit.json()["total"] >= 1
    miss = await client.get(
        "/api/v1/audit-events",
        headers=admin,
        params={"action": "item.create", "until": "2000-01-01T00:00:00"},
    )
    assert miss.status_code == 200 and miss.json()["total"] == 0


async def test_required_item_fields_cannot_be_nulled(client: httpx.AsyncClient, tokens) -> None:
    admin = await tokens.headers(Role.admin)
    resp = await client.patch("/api/v1/items/water", json={"name_en": None}, headers=admin)
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["loc"] == ["body", "name_en"]
    assert (await client.get("/api/v1/items/water", headers=admin)).json()["name_en"]
    cleared = await client.patch("/api/v1/items/water", json={"category": None}, headers=admin)
    assert cleared.status_code == 200 and cleared.json()["category"] is None
