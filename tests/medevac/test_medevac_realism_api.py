"""SPEC §12 through the API: hospitals with status, weather holds, staging, visiting aircraft,
coverage reasons (PostgreSQL; each test in its own rolled-back transaction)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.app_support import Tokens
from tests.medevac.medevac_helpers import (
    WINTER_MORNING,
    assign,
    by_callsign,
    file_mission,
    fleet,
    set_status,
)
from ukg_aid.geo import haversine_km
from ukg_aid.principal import Role

pytestmark = pytest.mark.simulated_clock

KOBE_SCENE = {"lat": 34.69, "lon": 135.19, "name": "Sannomiya"}
YABU = {"lat": 35.40, "lon": 134.77, "name": "Yabu (Tajima)"}
TAJIMA = {
    "type": "Polygon",
    "coordinates": [
        [[134.35, 35.15], [135.05, 35.15], [135.05, 35.70], [134.35, 35.70], [134.35, 35.15]]
    ],
}
MORNING_HOLD = {"from": "2026-12-21T09:00:00+09:00", "until": "2026-12-21T12:00:00+09:00"}


@pytest.fixture
async def ems(tokens: Tokens) -> dict[str, str]:
    return await tokens.headers(Role.ems)


async def _hospitals(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> Any:
    resp = await client.get("/api/v1/hospitals", params={"limit": 500, **params}, headers=headers)
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


def _nearest_landable(hospitals: list[dict[str, Any]], point: dict[str, Any]) -> dict[str, Any]:
    """Independent expectation: the nearest operational hospital with a known pad (on-site
    preference within 5 km is irrelevant where the nearest is on site)."""
    usable = [
        h
        for h in hospitals
        if h["status"] == "operational" and h["heliport"] in {"on_site", "nearby"}
    ]
    return min(usable, key=lambda h: haversine_km(point["lat"], point["lon"], h["lat"], h["lon"]))


async def _patch_hospital(
    client: httpx.AsyncClient, headers: dict[str, str], hospital_id: int, status: str
) -> httpx.Response:
    body = {"status": status, "at": "2026-12-21T08:00:00+09:00", "note": "drill"}
    return await client.patch(f"/api/v1/hospitals/{hospital_id}", json=body, headers=headers)


async def test_hospitals_are_seeded_with_sources_and_filter_by_member_and_status(
    client: httpx.AsyncClient, ems: dict[str, str]
) -> None:
    every = await _hospitals(client, ems)
    assert len(every) == 79
    kobe = await _hospitals(client, ems, member="28100")
    assert len(kobe) == 4 and all(h["member_code"] == "28100" for h in kobe)
    chuo = next(h for h in kobe if h["key"] == "28-kobe-chuo-shimin")
    assert chuo["heliport"] == "on_site" and "kobe-komei.net" in chuo["heliport_source"]
    assert chuo["position_estimated"] is False
    assert all(h["position_estimated"] for h in kobe if h["coord_confidence"] == "low")
    assert await _hospitals(client, ems, status="damaged") == []


async def test_status_changes_by_ems_or_the_member_desk_with_history_and_audit(
    client: httpx.AsyncClient, tokens, ems: dict[str, str], session: AsyncSession
) -> None:
    kobe = await _hospitals(client, ems, member="28100")
    target = kobe[0]["id"]
    hyogo_desk = await tokens.headers(Role.desk, "28")
    refused = await _patch_hospital(client, hyogo_desk, target, "damaged")
    assert refused.status_code == 403, refused.text
    kobe_desk = await tokens.headers(Role.desk, "28100")
    done = await _patch_hospital(client, kobe_desk, target, "full")
    assert done.status_code == 200 and done.json()["status"] == "full"
    again = await _patch_hospital(client, ems, target, "damaged")
    assert again.json()["status"] == "damaged"
    assert [h["id"] for h in await _hospitals(client, ems, status="damaged")] == [target]
    history = await client.get(f"/api/v1/hospitals/{target}/history", headers=ems)
    rows = history.json()["items"]
    assert [(r["status"], r["previous"]) for r in rows] == [
        ("damaged", "full"),
        ("full", "operational"),
    ]
    assert rows[0]["note"] == "drill"
    events = await session.execute(
        text("SELECT note FROM audit_events WHERE action = 'hospital.status' AND entity_id = :i"),
        {"i": str(target)},
    )
    assert [e.note for e in events] == ["drill", "drill"]
    bad = await client.patch(f"/api/v1/hospitals/{target}", json={"status": "closed"}, headers=ems)
    assert bad.status_code == 422


async def test_default_hospital_is_the_nearest_operational_with_a_heliport(
    client: httpx.AsyncClient, ems: dict[str, str]
) -> None:
    hospitals = await _hospitals(client, ems)
    expected = _nearest_landable(hospitals, KOBE_SCENE)
    first = await file_mission(client, ems, "28100", KOBE_SCENE)
    assigned = await assign(client, ems, first["id"])
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["hospital_id"] == expected["id"]
    assert assigned.json()["hospital"]["name"] == expected["name"]

    await _patch_hospital(client, ems, expected["id"], "damaged")
    hospitals = await _hospitals(client, ems)
    second_choice = _nearest_landable(hospitals, KOBE_SCENE)
    assert second_choice["id"] != expected["id"]
    second = await file_mission(client, ems, "28100", KOBE_SCENE)
    flown = await assign(client, ems, second["id"])
    assert flown.status_code == 200, flown.text
    assert flown.json()["hospital_id"] == second_choice["id"]


@pytest.mark.parametrize(
    ("status", "reason"), [("damaged", "hospital_damaged"), ("full", "hospital_full")]
)
async def test_a_named_damaged_or_full_hospital_is_refused_with_the_reason(
    client: httpx.AsyncClient, ems: dict[str, str], status: str, reason: str
) -> None:
    kobe = await _hospitals(client, ems, member="28100")
    named = kobe[0]["id"]
    body = {
        "member_code": "28100",
        "scene": KOBE_SCENE,
        "severity": "red",
        "patients": 1,
        "hospital_id": named,
        "at": WINTER_MORNING,
    }
    filed = await client.post("/api/v1/medevac-missions", json=body, headers=ems)
    assert filed.status_code == 201 and filed.json()["hospital_id"] == named
    await _patch_hospital(client, ems, named, status)
    refused = await assign(client, ems, filed.json()["id"])
    assert refused.status_code == 409 and refused.json()["reason"] == reason
    unknown = await client.post(
        "/api/v1/medevac-missions", json=body | {"hospital_id": 999_999}, headers=ems
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["loc"] == [
        "body",
        "hospital_id",
    ]


INVALID_BODIES = [
    (
        {
            "area": {
                "type": "Polygon",
                "coordinates": [[[134, 35], [135, 35], [135, 36], [134, 36]]],
            }
        },
        "coordinates",
    ),
    (
        {
            "area": {
                "type": "Polygon",
                "coordinates": [[[134, 35], [135, 36], [135, 35], [134, 36], [134, 35]]],
            }
        },
        "area",
    ),
    (
        {
            "area": {
                "type": "Polygon",
                "coordinates": [[[150, 20], [151, 20], [151, 21], [150, 20]]],
            }
        },
        "coordinates",
    ),
    ({"area": TAJIMA, "until": "2026-12-21T08:00:00+09:00"}, "until"),
    ({}, "area"),
    ({"area": TAJIMA, "base_helicopter_id": 1}, "area"),
    ({"area": TAJIMA, "reason": 5}, "reason"),
    (
        {
            "area": {
                "type": "Polygon",
                "coordinates": [[["134", 35], [135, 35], [135, 36], [134, 35]]],
            }
        },
        "coordinates",
    ),
    ({"base_helicopter_id": 999_999}, "base_helicopter_id"),
    ({"base_helicopter_id": "1"}, "base_helicopter_id"),
]
INVALID_IDS = [
    "open-ring",
    "bow-tie",
    "outside-japan",
    "until-before-from",
    "neither",
    "both",
    "reason-int",
    "string-coordinate",
    "unknown-base",
    "string-id",
]


async def _hold(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await client.post(
        "/api/v1/weather-holds", json=MORNING_HOLD | {"reason": "fog"} | body, headers=headers
    )


@pytest.mark.parametrize(("body", "loc"), INVALID_BODIES, ids=INVALID_IDS)
async def test_invalid_weather_holds_are_422_and_change_nothing(
    client: httpx.AsyncClient, ems: dict[str, str], session: AsyncSession, body: Any, loc: str
) -> None:
    resp = await _hold(client, ems, **body)
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    locs = [e["loc"] for e in resp.json()["errors"]]
    assert any(loc in [str(p) for p in found] for found in locs), locs
    assert (await session.execute(text("SELECT count(*) FROM weather_holds"))).scalar() == 0


async def test_an_area_hold_refuses_sorties_into_it_until_lifted(
    client: httpx.AsyncClient, ems: dict[str, str], session: AsyncSession
) -> None:
    created = await _hold(client, ems, area=TAJIMA)
    assert created.status_code == 201, created.text
    hold = created.json()
    assert hold["from"].startswith("2026-12-21T09:00") and hold["area"]["type"] == "Polygon"
    mission = await file_mission(client, ems, "28", YABU)
    refused = await assign(client, ems, mission["id"])
    assert refused.status_code == 409 and refused.json()["reason"] == "weather"
    assert {a["reason"] for a in refused.json()["aircraft"]} <= {"weather", "range", "daylight"}
    listed = (await client.get("/api/v1/weather-holds", headers=ems)).json()["items"]
    assert [h["id"] for h in listed] == [hold["id"]]
    lifted = await client.delete(f"/api/v1/weather-holds/{hold['id']}", headers=ems)
    assert lifted.status_code == 200 and lifted.json()["lifted_at"] is not None
    assert (await client.get("/api/v1/weather-holds", headers=ems)).json()["items"] == []
    twice = await client.delete(f"/api/v1/weather-holds/{hold['id']}", headers=ems)
    assert twice.status_code == 409
    flown = await assign(client, ems, mission["id"])
    assert flown.status_code == 200, flown.text
    actions = await session.execute(
        text("SELECT action FROM audit_events WHERE entity = 'weather_hold' ORDER BY id")
    )
    assert [a.action for a in actions] == ["weather_hold.create", "weather_hold.lift"]


async def test_a_base_hold_makes_the_batch_treat_that_aircraft_as_unavailable(
    client: httpx.AsyncClient, ems: dict[str, str]
) -> None:
    helis = await fleet(client, ems)
    toyooka = by_callsign(helis, "KANSAI-KOUNOTORI")
    assert (await _hold(client, ems, base_helicopter_id=toyooka["id"])).status_code == 201
    mission = await file_mission(client, ems, "28", YABU)
    out = await client.post(
        "/api/v1/medevac-missions/assign", json={"at": WINTER_MORNING}, headers=ems
    )
    assert out.status_code == 200, out.text
    batch = out.json()
    assert [m["id"] for m in batch["assigned"]] == [mission["id"]]
    assert batch["assigned"][0]["helicopter_id"] != toyooka["id"]
    later = await file_mission(client, ems, "28", YABU, at="2026-12-21T12:30:00+09:00")
    after = await assign(client, ems, later["id"], at="2026-12-21T12:30:00+09:00")
    assert after.json()["helicopter_id"] == toyooka["id"]  # the hold is over


async def test_coverage_rows_say_why_no_aircraft_can_reach(
    client: httpx.AsyncClient, ems: dict[str, str]
) -> None:
    night = await client.get(
        "/api/v1/helicopters/coverage", params={"at": "2026-12-21T22:00:00+09:00"}, headers=ems
    )
    assert {r["reason"] for r in night.json()["rows"]} == {"night"}
    helis = await fleet(client, ems)
    for h in helis:
        assert (await _hold(client, ems, base_helicopter_id=h["id"])).status_code == 201
    held = await client.get(
        "/api/v1/helicopters/coverage", params={"at": WINTER_MORNING}, headers=ems
    )
    rows = held.json()["rows"]
    assert {r["reason"] for r in rows} == {"weather"}
    assert all(r["helicopter_id"] is None and "weather 8" in r["reason_detail"] for r in rows)
    clear = await client.get(
        "/api/v1/helicopters/coverage", params={"at": "2026-12-21T13:00:00+09:00"}, headers=ems
    )
    assert all(r["reason"] is None for r in clear.json()["rows"])
    for h in helis:
        await set_status(client, ems, h["id"], "maintenance", at="2026-12-21T12:10:00+09:00")
    busy = await client.get(
        "/api/v1/helicopters/coverage", params={"at": "2026-12-21T13:00:00+09:00"}, headers=ems
    )
    assert {r["reason"] for r in busy.json()["rows"]} == {"all_busy"}


async def test_a_staged_aircraft_flies_from_its_forward_base(
    client: httpx.AsyncClient, ems: dict[str, str], session: AsyncSession
) -> None:
    helis = await fleet(client, ems)
    osaka = by_callsign(helis, "KANSAI-MOZU")
    for h in helis:
        if h["id"] != osaka["id"]:
            await set_status(client, ems, h["id"], "maintenance", at="2026-12-21T08:00:00+09:00")
    home = await file_mission(client, ems, "28", YABU)
    from_home = (await assign(client, ems, home["id"])).json()
    await client.post(
        f"/api/v1/medevac-missions/{home['id']}/cancel", json={"at": WINTER_MORNING}, headers=ems
    )
    staging = {"name": "Yabu forward base", "lat": 35.41, "lon": 134.77, **MORNING_HOLD}
    staged = await client.post(
        f"/api/v1/helicopters/{osaka['id']}/stagings", json=staging, headers=ems
    )
    assert staged.status_code == 201, staged.text
    overlap = await client.post(
        f"/api/v1/helicopters/{osaka['id']}/stagings", json=staging, headers=ems
    )
    assert overlap.status_code == 409 and overlap.json()["code"] == "staging-overlap"
    forward = await file_mission(client, ems, "28", YABU, at="2026-12-21T10:30:00+09:00")
    flown = (await assign(client, ems, forward["id"], at="2026-12-21T10:30:00+09:00")).json()
    assert flown["helicopter_id"] == osaka["id"]
    assert flown["eta_scene_minutes"] < from_home["eta_scene_minutes"] - 20
    assert flown["sortie_km"] < from_home["sortie_km"]
    listed = (await client.get("/api/v1/helicopters/stagings", headers=ems)).json()
    assert [s["id"] for s in listed] == [staged.json()["id"]]
    gone = await client.delete(
        f"/api/v1/helicopters/{osaka['id']}/stagings/{staged.json()['id']}", headers=ems
    )
    assert gone.status_code == 200 and gone.json()["cancelled_at"] is not None
    assert (await client.get("/api/v1/helicopters/stagings", headers=ems)).json() == []


VISITOR = {
    "callsign": "OKAYAMA-1",
    "visiting_from": "岡山県ドクターヘリ",
    "base": {"name": "Kawasaki Medical School", "lat": 34.59, "lon": 133.77},
    "aircraft_type": "EC135",
    "cruise_kmh": 220,
    "range_km": 635,
    "at": "2026-12-21T08:00:00+09:00",
}


async def test_a_visiting_aircraft_joins_flies_and_leaves(
    client: httpx.AsyncClient, ems: dict[str, str]
) -> None:
    added = await client.post("/api/v1/helicopters", json=VISITOR, headers=ems)
    assert added.status_code == 201, added.text
    visitor = added.json()
    assert visitor["member_code"] is None and visitor["visiting_from"] == "岡山県ドクターヘリ"
    assert visitor["daylight_start"] == "08:30"
    assert any(h["id"] == visitor["id"] for h in await fleet(client, ems))
    taken = await client.post("/api/v1/helicopters", json=VISITOR, headers=ems)
    assert taken.status_code == 409
    strict = await client.post(
        "/api/v1/helicopters", json=VISITOR | {"callsign": "X", "cruise_kmh": "220"}, headers=ems
    )
    assert strict.status_code == 422
    mission = await file_mission(client, ems, "31", {"lat": 35.43, "lon": 133.33})
    flown = await assign(client, ems, mission["id"], helicopter_id=visitor["id"])
    assert flown.status_code == 200, flown.text
    busy = await client.post(
        f"/api/v1/helicopters/{visitor['id']}/leave", json={"at": WINTER_MORNING}, headers=ems
    )
    assert busy.status_code == 409 and busy.json()["code"] == "helicopter-on-mission"
    await client.post(
        f"/api/v1/medevac-missions/{mission['id']}/cancel", json={"at": WINTER_MORNING}, headers=ems
    )
    left = await client.post(
        f"/api/v1/helicopters/{visitor['id']}/leave",
        json={"at": WINTER_MORNING, "note": "back to Okayama"},
        headers=ems,
    )
    assert left.status_code == 200 and left.json()["left_at"] is not None
    assert all(h["id"] != visitor["id"] for h in await fleet(client, ems))
    own = by_callsign(await fleet(client, ems), "KANSAI-MOZU")
    not_visiting = await client.post(f"/api/v1/helicopters/{own['id']}/leave", headers=ems)
    assert not_visiting.status_code == 409 and not_visiting.json()["code"] == "not-visiting"
