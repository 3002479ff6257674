"""Medevac missions through the API: filing, daylight refusals, assignment, lifecycle, auth."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.app_support import Tokens
from tests.medevac.medevac_helpers import (
    IKOMA,
    KUSHIMOTO,
    WINTER_AFTERNOON,
    WINTER_EARLY,
    WINTER_MORNING,
    WINTER_NEXT_MORNING,
    as_aircraft,
    assign,
    by_callsign,
    file_mission,
    fleet,
    set_status,
)
from ukg_aid import dispatch_air
from ukg_aid.dispatch_air import Hospital, Mission, Severity
from ukg_aid.geo import haversine_km
from ukg_aid.members.enums import HeliPreference
from ukg_aid.members.models import Member
from ukg_aid.principal import Role

# These tests replay a December day (daylight rules need fixed dates): a simulated clock, and
# every action on that day's timeline.
pytestmark = pytest.mark.simulated_clock


@pytest.fixture
async def ems(tokens: Tokens) -> dict[str, str]:
    return await tokens.headers(Role.ems)


@pytest.mark.sqlite
async def test_winter_afternoon_refused_for_daylight_then_next_morning_fastest(
    client: httpx.AsyncClient, ems: dict[str, str]
) -> None:
    mission = await file_mission(client, ems, "30", KUSHIMOTO, at=WINTER_AFTERNOON)
    assert mission["status"] == "pending" and mission["helicopter_id"] is None

    refused = await assign(client, ems, mission["id"], at=WINTER_AFTERNOON)
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["reason"] == "daylight" and problem["mission_status"] == "pending"
    assert len(problem["aircraft"]) == 8
    assert {a["reason"] for a in problem["aircraft"]} <= {"daylight", "outside_window"}

    stored = (await client.get(f"/api/v1/medevac-missions/{mission['id']}", headers=ems)).json()
    assert stored["status"] == "pending" and stored["reason"] == "daylight"
    assert stored["blocked"] and stored["helicopter_id"] is None

    helis = await fleet(client, ems)
    assert all(h["status"] == "available" for h in helis)
    ok = await assign(client, ems, mission["id"], at=WINTER_NEXT_MORNING)
    assert ok.status_code == 200, ok.text
    got = ok.json()

    # Independent expectation: the smallest lift-off + great-circle time to the scene.
    def minutes(h: dict[str, Any]) -> float:
        base = h["base"]
        km = haversine_km(base["lat"], base["lon"], KUSHIMOTO["lat"], KUSHIMOTO["lon"])
        return 5 + km / float(h["cruise_kmh"]) * 60

    fastest = min(helis, key=minutes)
    assert got["status"] == "assigned" and got["helicopter_id"] == fastest["id"]
    assert got["eta_scene_minutes"] == pytest.approx(minutes(fastest), abs=0.05)
    # And the core's own computation on the same fleet agrees, timeline included.
    hospitals = [Hospital(h["base"]["name"], h["base"]["lat"], h["base"]["lon"]) for h in helis]
    core = dispatch_air.assign_one(
        [as_aircraft(h) for h in helis],
        Mission(
            id=mission["id"],
            member_code="30",
            scene_lat=KUSHIMOTO["lat"],
            scene_lon=KUSHIMOTO["lon"],
            severity=Severity.red,
            patients=1,
            reported_at=dt.datetime.fromisoformat(WINTER_AFTERNOON),
        ),
        dt.datetime.fromisoformat(WINTER_NEXT_MORNING),
        hospitals,
    )
    assert isinstance(core, dispatch_air.Assignment) and core.aircraft_id == got["helicopter_id"]
    planned = dt.datetime.fromisoformat(got["timeline"]["planned_back_at_base_at"])
    assert planned == core.sortie.back_at_base_at
    assert got["hospital"]["name"] == core.sortie.hospital.name

    heli = (await client.get(f"/api/v1/helicopters/{fastest['id']}", headers=ems)).json()
    assert heli["status"] == "on_mission" and heli["mission_id"] == mission["id"]


async def test_busy_and_grounded_aircraft_are_skipped(
    client: httpx.AsyncClient, ems: dict[str, str]
) -> None:
    helis = await fleet(client, ems)
    wakayama = by_callsign(helis, "UKG-WAKAYAMA")
    scene = {"lat": 34.10, "lon": 135.30, "name": "Arida"}  # Wakayama's base is the nearest
    grounded = await set_status(
        client, ems, wakayama["id"], "maintenance", note="rotor check", at=WINTER_EARLY
    )
    assert grounded.status_code == 200 and grounded.json()["status"] == "maintenance"

    first = await file_mission(client, ems, "30", scene)
    got = (await assign(client, ems, first["id"])).json()
    assert got["status"] == "assigned" and got["helicopter_id"] != wakayama["id"]

    second = await file_mission(client, ems, "30", scene)
    got2 = (await assign(client, ems, second["id"])).json()
    assert got2["helicopter_id"] not in (wakayama["id"], got["helicopter_id"])
    assert got2["eta_scene_minutes"] >= got["eta_scene_minutes"]

    # Naming a busy or grounded aircraft is refused with its reason; the mission stays pending.
    third = await file_mission(client, ems, "30", scene)
    busy = await assign(client, ems, third["id"], helicopter_id=got["helicopter_id"])
    assert busy.status_code == 409 and busy.json()["reason"] == "not_available"
    down = await assign(client, ems, third["id"], helicopter_id=wakayama["id"])
    assert down.status_code == 409 and down.json()["reason"] == "not_available"
    missing = await assign(client, ems, third["id"], helicopter_id=99_999)
    assert missing.status_code == 404

    history = (
        await client.get(f"/api/v1/helicopters/{wakayama['id']}/history", headers=ems)
    ).json()
    assert history["items"][0]["status"] == "maintenance"
    assert history["items"][0]["note"] == "rotor check"


async def test_cross_border_geography_first_and_own_first(
    client: httpx.AsyncClient, ems: dict[str, str], session: AsyncSession
) -> None:
    helis = await fleet(client, ems)
    mozu, nara = by_callsign(helis, "KANSAI-MOZU"), by_callsign(helis, "UKG-NARA")

    geo = await file_mission(client, ems, "29", IKOMA)
    got = (await assign(client, ems, geo["id"])).json()
    assert got["helicopter_id"] == mozu["id"]  # Osaka's aircraft crosses into Nara
    cancel = {"at": WINTER_MORNING}
    await client.post(f"/api/v1/medevac-missions/{geo['id']}/cancel", json=cancel, headers=ems)

    await session.execute(
        update(Member).where(Member.code == "29").values(heli_preference=HeliPreference.own_first)
    )
    await session.commit()
    own = await file_mission(client, ems, "29", IKOMA)
    got = (await assign(client, ems, own["id"])).json()
    assert got["helicopter_id"] == nara["id"]
    assert got["reason"].startswith("own aircraft first")
    assert got["eta_scene_minutes"] > (await _eta(client, ems, mozu["id"], IKOMA))

    # A per-call override (drills compare policies with it) beats the member's setting.
    override = await file_mission(client, ems, "29", IKOMA)
    resp = await client.post(
        f"/api/v1/medevac-missions/{override['id']}/assign",
        json={"at": WINTER_MORNING, "preference": "geography_first"},
        headers=ems,
    )
    assert resp.status_code == 200 and resp.json()["helicopter_id"] == mozu["id"]


async def _eta(
    client: httpx.AsyncClient, ems: dict[str, str], heli_id: int, scene: dict[str, Any]
) -> float:
    heli = (await client.get(f"/api/v1/helicopters/{heli_id}", headers=ems)).json()
    km = haversine_km(heli["base"]["lat"], heli["base"]["lon"], scene["lat"], scene["lon"])
    return float(5 + km / heli["cruise_kmh"] * 60)


@pytest.mark.sqlite
async def test_lifecycle_order_and_helicopter_status(
    client: httpx.AsyncClient, ems: dict[str, str]
) -> None:
    mission = await file_mission(client, ems, "27", {"lat": 34.70, "lon": 135.50})
    url = f"/api/v1/medevac-missions/{mission['id']}"
    early = await client.post(f"{url}/en_route", headers=ems)
    assert early.status_code == 409 and early.json()["mission_status"] == "pending"
    heli_id = (await assign(client, ems, mission["id"])).json()["helicopter_id"]
    again = await assign(client, ems, mission["id"])
    assert again.status_code == 409 and again.json()["code"] == "mission-state"

    skip = await client.post(f"{url}/on_scene", headers=ems)
    assert skip.status_code == 409
    # on_mission is the mission's: neither set nor left by hand while it is active
    grounded = await set_status(client, ems, heli_id, "maintenance")
    assert grounded.status_code == 409 and grounded.json()["mission_id"] == mission["id"]
    steps = [
        ("en_route", "10:10"),
        ("on_scene", "10:25"),
        ("transporting", "10:40"),
        ("completed", "11:05"),
    ]
    for action, hhmm in steps:
        resp = await client.post(
            f"{url}/{action}", json={"at": f"2026-12-21T{hhmm}:00+09:00"}, headers=ems
        )
        assert resp.status_code == 200, resp.text
        heli = (await client.get(f"/api/v1/helicopters/{heli_id}", headers=ems)).json()
        assert heli["status"] == ("available" if action == "completed" else "on_mission")
    done = (await client.get(url, headers=ems)).json()
    assert done["status"] == "completed"
    on_scene = dt.datetime.fromisoformat(done["timeline"]["on_scene_at"])
    assert on_scene == dt.datetime.fromisoformat("2026-12-21T10:25:00+09:00")
    assert (await client.post(f"{url}/cancel", headers=ems)).status_code == 409
    by_hand = await set_status(client, ems, heli_id, "on_mission")
    assert by_hand.status_code == 409

    history = (await client.get(f"/api/v1/helicopters/{heli_id}/history", headers=ems)).json()
    assert [h["status"] for h in history["items"]][:2] == ["available", "on_mission"]
    assert all(h["mission_id"] == mission["id"] for h in history["items"][:2])


async def test_cancel_frees_the_aircraft(client: httpx.AsyncClient, ems: dict[str, str]) -> None:
    mission = await file_mission(client, ems, "25", {"lat": 35.10, "lon": 136.0})
    heli_id = (await assign(client, ems, mission["id"])).json()["helicopter_id"]
    url = f"/api/v1/medevac-missions/{mission['id']}"
    assert (await client.post(f"{url}/en_route", headers=ems)).status_code == 200
    cancelled = await client.post(f"{url}/cancel", json={"note": "ground ambulance"}, headers=ems)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    heli = (await client.get(f"/api/v1/helicopters/{heli_id}", headers=ems)).json()
    assert heli["status"] == "available" and heli["mission_id"] is None


async def test_batch_red_never_pending_while_yellow_flies(
    client: httpx.AsyncClient, ems: dict[str, str]
) -> None:
    empty = await client.post("/api/v1/medevac-missions/assign", headers=ems)
    assert empty.status_code == 200 and empty.json()["assigned"] == empty.json()["refused"] == []
    helis = await fleet(client, ems)
    keep = by_callsign(helis, "KANSAI-MOZU")
    for h in helis:
        if h["id"] != keep["id"]:
            off = await set_status(client, ems, h["id"], "off_duty", at=WINTER_EARLY)
            assert off.status_code == 200
    yellow = await file_mission(client, ems, "27", {"lat": 34.80, "lon": 135.52}, severity="yellow")
    red = await file_mission(client, ems, "27100", {"lat": 34.65, "lon": 135.50})
    outside = await file_mission(client, ems, "30", KUSHIMOTO)

    resp = await client.post(
        "/api/v1/medevac-missions/assign", json={"at": WINTER_MORNING}, headers=ems
    )
    assert resp.status_code == 200, resp.text
    batch = resp.json()
    assert [m["id"] for m in batch["assigned"]] == [red["id"]]
    assert batch["assigned"][0]["helicopter_id"] == keep["id"]
    reasons = {m["id"]: m["reason"] for m in batch["refused"]}
    assert reasons == {yellow["id"]: "all_committed", outside["id"]: "all_committed"}
    pending = (
        await client.get("/api/v1/medevac-missions", params={"status": "pending"}, headers=ems)
    ).json()
    assert {m["id"] for m in pending["items"]} == {yellow["id"], outside["id"]}
    assert all(m["reason"] == "all_committed" for m in pending["items"])

    again = await client.post(
        "/api/v1/medevac-missions/assign", json={"at": WINTER_MORNING}, headers=ems
    )
    assert {m["id"]: m["reason"] for m in again.json()["refused"]} == {
        yellow["id"]: "no_helicopter",
        outside["id"]: "no_helicopter",
    }


async def test_filing_validation_and_authorization(
    client: httpx.AsyncClient, ems: dict[str, str], tokens
) -> None:
    desk = await tokens.headers(Role.desk, "29")
    observer = await tokens.headers(Role.observer)
    coord = await tokens.headers(Role.coordinator)
    body = {"member_code": "29", "scene": IKOMA, "severity": "red", "patients": 2}

    own = await client.post("/api/v1/medevac-missions", json=body, headers=desk)
    assert own.status_code == 201 and own.json()["status"] == "pending"
    other = await client.post(
        "/api/v1/medevac-missions", json=body | {"member_code": "27"}, headers=desk
    )
    assert other.status_code == 403
    assert (
        await client.post("/api/v1/medevac-missions", json=body, headers=observer)
    ).status_code == 403
    assert (await client.post("/api/v1/medevac-missions", json=body)).status_code == 401

    mission_id = own.json()["id"]
    for who in (desk, observer, coord):
        assert (await assign(client, who, mission_id)).status_code == 403
        batch = await client.post("/api/v1/medevac-missions/assign", json={}, headers=who)
        assert batch.status_code == 403
        assert (await set_status(client, who, 1, "maintenance")).status_code == 403
        lifecycle = await client.post(f"/api/v1/medevac-missions/{mission_id}/cancel", headers=who)
        assert lifecycle.status_code == 403

    outside = body | {"scene": {"lat": 35.6, "lon": 139.7}}  # Tokyo
    bad = await client.post("/api/v1/medevac-missions", json=outside, headers=ems)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body", "scene"]
    for broken in (
        body | {"patients": 3},
        body | {"severity": "green"},
        body | {"member_code": "99"},
    ):
        assert (
            await client.post("/api/v1/medevac-missions", json=broken, headers=ems)
        ).status_code == 422

    replay_headers = ems | {"Idempotency-Key": "medevac-1"}
    first = await client.post("/api/v1/medevac-missions", json=body, headers=replay_headers)
    second = await client.post("/api/v1/medevac-missions", json=body, headers=replay_headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]


async def test_geojson_coverage_and_audit(
    client: httpx.AsyncClient, ems: dict[str, str], tokens
) -> None:
    mission = await file_mission(client, ems, "29", IKOMA)
    heli_id = (await assign(client, ems, mission["id"])).json()["helicopter_id"]

    missions = (await client.get("/api/v1/medevac-missions/geojson", headers=ems)).json()
    assert missions["type"] == "FeatureCollection"
    feature = next(f for f in missions["features"] if f["id"] == mission["id"])
    assert feature["geometry"] == {"type": "Point", "coordinates": [IKOMA["lon"], IKOMA["lat"]]}
    assert feature["properties"]["status"] == "assigned"

    aircraft = (await client.get("/api/v1/helicopters/geojson", headers=ems)).json()
    assert len(aircraft["features"]) == 8
    flying = next(f for f in aircraft["features"] if f["id"] == heli_id)
    assert flying["properties"]["position"] == "scene"
    assert flying["geometry"]["coordinates"] == [IKOMA["lon"], IKOMA["lat"]]
    parked = next(f for f in aircraft["features"] if f["id"] != heli_id)
    base = parked["properties"]["base"]
    assert parked["geometry"]["coordinates"] == [base["lon"], base["lat"]]

    report = (
        await client.get("/api/v1/helicopters/coverage", params={"at": WINTER_MORNING}, headers=ems)
    ).json()
    rows = {r["member_code"]: r for r in report["rows"]}
    assert len(rows) == 12
    assert all(r["helicopter_id"] != heli_id for r in rows.values())  # it is flying
    assert rows["25"]["within_30"] and rows["25"]["flight_minutes"] <= 30
    night = (
        await client.get(
            "/api/v1/helicopters/coverage",
            params={"at": "2026-12-21T20:00:00+09:00"},
            headers=ems,
        )
    ).json()
    assert all(r["helicopter_id"] is None and not r["within_30"] for r in night["rows"])

    observer = await tokens.headers(Role.observer)
    audit = (
        await client.get(
            "/api/v1/audit-events",
            params={"entity": "medevac_mission", "entity_id": str(mission["id"])},
            headers=observer,
        )
    ).json()
    assert {"medevac.file", "medevac.assign"} <= {e["action"] for e in audit["items"]}
    heli_audit = (
        await client.get(
            "/api/v1/audit-events",
            params={"entity": "helicopter", "entity_id": str(heli_id)},
            headers=observer,
        )
    ).json()
    assert heli_audit["items"][0]["after"]["status"] == "on_mission"
