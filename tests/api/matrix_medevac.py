"""Targets of the SPEC §12 routes for the authorization matrix (a visiting aircraft, a staging,
a weather hold, a hospital of the own member)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.authorization_rules import OWN

Ctx = dict[str, Any]


async def _ok(resp: httpx.Response) -> Any:
    assert resp.is_success, (resp.request.url, resp.text)
    return resp.json()


VISITING = {
    "callsign": "MATRIX-VISITOR",
    "visiting_from": "岡山県ドクターヘリ",
    "base": {"name": "Okayama", "lat": 34.66, "lon": 133.92},
    "aircraft_type": "EC135",
    "cruise_kmh": 220,
    "range_km": 635,
}
STAGING = {
    "name": "Miki",
    "lat": 34.80,
    "lon": 135.0,
    "from": "2030-01-17T09:00:00+09:00",
    "until": "2030-01-17T15:00:00+09:00",
}
STAGING_LATER = STAGING | {
    "from": "2030-01-18T09:00:00+09:00",
    "until": "2030-01-18T15:00:00+09:00",
}


def hold_body(heli_id: int) -> dict[str, Any]:
    return {
        "base_helicopter_id": heli_id,
        "from": "2030-01-17T09:00:00+09:00",
        "until": "2030-01-17T12:00:00+09:00",
        "reason": "fog",
    }


async def arrange_medevac(client: httpx.AsyncClient, ems: dict[str, str], ctx: Ctx) -> None:
    """A visiting aircraft, a staging, a weather hold, and a hospital of the own member."""
    visitor = await client.post(
        "/api/v1/helicopters", json=VISITING | {"callsign": "V0"}, headers=ems
    )
    ctx["visiting"] = (await _ok(visitor))["id"]
    path = f"/api/v1/helicopters/{ctx['helicopter']}/stagings"
    ctx["staging"] = (await _ok(await client.post(path, json=STAGING, headers=ems)))["id"]
    hold = await client.post(
        "/api/v1/weather-holds", json=hold_body(ctx["helicopter"]), headers=ems
    )
    ctx["hold"] = (await _ok(hold))["id"]
    found = await client.get("/api/v1/hospitals", params={"member": OWN}, headers=ems)
    ctx["own_hospital"] = (await _ok(found))["items"][0]["id"]


def medevac_calls(ctx: Ctx) -> dict[tuple[str, str], dict[str, Any]]:
    """How the matrix calls the §12 routes that need a body or another target (``Call`` fields)."""
    return {
        ("POST", "/api/v1/helicopters"): {"json": VISITING},
        ("POST", "/api/v1/helicopters/{heli_id}/leave"): {"path": {"heli_id": ctx["visiting"]}},
        ("POST", "/api/v1/helicopters/{heli_id}/stagings"): {"json": STAGING_LATER},
        ("PATCH", "/api/v1/hospitals/{hospital_id}"): {"json": {"status": "full"}},
        ("POST", "/api/v1/weather-holds"): {"json": hold_body(ctx["helicopter"])},
    }
