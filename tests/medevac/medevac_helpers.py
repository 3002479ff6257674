"""Shared helpers for the medevac API tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from ukg_aid.dispatch_air import Aircraft, AircraftStatus

JST = dt.timezone(dt.timedelta(hours=9))
WINTER_AFTERNOON = "2026-12-21T16:15:00+09:00"
WINTER_MORNING = "2026-12-21T10:00:00+09:00"
WINTER_EARLY = "2026-12-21T08:00:00+09:00"
"""Before the morning's missions: status changes that set the scene for them happen then."""
WINTER_NEXT_MORNING = "2026-12-22T10:00:00+09:00"

KUSHIMOTO: dict[str, Any] = {"lat": 33.47, "lon": 135.78, "name": "Kushimoto"}
"""Far south of Wakayama: a sortie from any base takes over an hour."""
IKOMA: dict[str, Any] = {"lat": 34.69, "lon": 135.70, "name": "Ikoma"}
"""Northern Nara: Osaka's base (Suita) is nearer than Nara's own."""


async def file_mission(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    member: str,
    scene: dict[str, Any],
    *,
    severity: str = "red",
    at: str = WINTER_MORNING,
    patients: int = 1,
) -> dict[str, Any]:
    body = {
        "member_code": member,
        "scene": scene,
        "severity": severity,
        "patients": patients,
        "at": at,
    }
    resp = await client.post("/api/v1/medevac-missions", json=body, headers=headers)
    assert resp.status_code == 201, resp.text
    out: dict[str, Any] = resp.json()
    return out


async def assign(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    mission_id: int,
    *,
    at: str = WINTER_MORNING,
    helicopter_id: int | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"at": at}
    if helicopter_id is not None:
        body["helicopter_id"] = helicopter_id
    return await client.post(
        f"/api/v1/medevac-missions/{mission_id}/assign", json=body, headers=headers
    )


async def fleet(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    resp = await client.get("/api/v1/helicopters", headers=headers)
    assert resp.status_code == 200, resp.text
    items: list[dict[str, Any]] = resp.json()["items"]
    return items


def by_callsign(helis: list[dict[str, Any]], callsign: str) -> dict[str, Any]:
    return next(h for h in helis if h["callsign"] == callsign)


def as_aircraft(h: dict[str, Any]) -> Aircraft:
    """The core's view of an aircraft as the API shows it (for independent expectations)."""
    end = h["daylight_fixed_end"]
    return Aircraft(
        id=h["id"],
        callsign=h["callsign"],
        member_code=h["member_code"],
        base_name=h["base"]["name"],
        base_lat=h["base"]["lat"],
        base_lon=h["base"]["lon"],
        status=AircraftStatus(h["status"]),
        cruise_kmh=h["cruise_kmh"],
        range_km=h["range_km"],
        window_start=dt.time.fromisoformat(h["daylight_start"]),
        fixed_end=dt.time.fromisoformat(end) if end else None,
    )


async def set_status(
    client: httpx.AsyncClient, headers: dict[str, str], heli_id: int, status: str, **kw: Any
) -> httpx.Response:
    return await client.patch(
        f"/api/v1/helicopters/{heli_id}", json={"status": status, **kw}, headers=headers
    )
