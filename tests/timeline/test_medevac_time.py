"""Medevac rules are judged at ``at`` (SPEC §9), on a simulated December day.

The reported bug: a mission reported at 18:30 in December was refused for daylight, then flown
by a batch assignment sent with ``"at": "…T12:15"``.
"""

from __future__ import annotations

import httpx
import pytest

from tests.timeline.timeline_helpers import audit_events, post, problem
from ukg_aid.principal import Role

pytestmark = pytest.mark.simulated_clock

DAY = "2026-12-21"
SCENE = {"lat": 34.70, "lon": 135.50, "name": "Osaka"}


def t(hhmm: str, day: str = DAY) -> str:
    return f"{day}T{hhmm}:00+09:00"


async def _file(client: httpx.AsyncClient, ems: dict[str, str], at: str) -> dict[str, object]:
    body = {"member_code": "27", "scene": SCENE, "severity": "red", "patients": 1, "at": at}
    resp = await client.post("/api/v1/medevac-missions", json=body, headers=ems)
    assert resp.status_code == 201, resp.text
    out: dict[str, object] = resp.json()
    return out


@pytest.mark.sqlite
async def test_an_evening_mission_is_not_flown_by_a_batch_dated_at_noon(
    client: httpx.AsyncClient, tokens
) -> None:
    ems = await tokens.headers(Role.ems)
    evening = await _file(client, ems, t("18:30"))
    refused = await post(client, ems, f"/medevac-missions/{evening['id']}/assign", at=t("18:30"))
    assert refused.status_code == 409 and refused.json()["reason"] in {"daylight", "outside_window"}
    noon = await _file(client, ems, t("12:00"))

    batch = await post(client, ems, "/medevac-missions/assign", at=t("12:15"))
    assert batch.status_code == 200, batch.text
    result = batch.json()
    assert [m["id"] for m in result["assigned"]] == [noon["id"]]  # known at 12:15: flown
    assert [m["id"] for m in result["deferred"]] == [evening["id"]]  # reported 18:30: not yet
    assert result["refused"] == []
    still = (await client.get(f"/api/v1/medevac-missions/{evening['id']}", headers=ems)).json()
    assert still["status"] == "pending" and still["helicopter_id"] is None
    assert still["reason"] == refused.json()["reason"]  # untouched by the noon batch
    observer = await tokens.headers(Role.observer)
    [event] = await audit_events(client, observer, "medevac_mission", "batch")
    assert event["after"]["deferred"] == {str(evening["id"]): t("18:30")}

    single = await post(client, ems, f"/medevac-missions/{evening['id']}/assign", at=t("12:15"))
    body = problem(single, 422, "timeline-backwards")
    assert (body["at"], body["previous_at"]) == (t("12:15"), t("18:30"))
    assert "12:15" in body["detail"] and "18:30" in body["detail"]

    morning = await post(
        client, ems, f"/medevac-missions/{evening['id']}/assign", at=t("10:00", "2026-12-22")
    )
    assert morning.status_code == 200 and morning.json()["status"] == "assigned", morning.text


async def test_the_flight_lifecycle_moves_forward(client: httpx.AsyncClient, tokens) -> None:
    ems = await tokens.headers(Role.ems)
    mission = await _file(client, ems, t("10:00"))
    url = f"/medevac-missions/{mission['id']}"
    assigned = await post(client, ems, f"{url}/assign", at=t("10:00"))
    assert assigned.status_code == 200, assigned.text
    assert (await post(client, ems, f"{url}/en_route", at=t("10:10"))).status_code == 200
    early = await post(client, ems, f"{url}/on_scene", at=t("10:05"))
    body = problem(early, 422, "timeline-backwards")
    assert (body["at"], body["previous_at"]) == (t("10:05"), t("10:10"))
    got = (await client.get(f"/api/v1{url}", headers=ems)).json()
    assert got["status"] == "en_route" and got["timeline"]["on_scene_at"] is None


async def test_an_aircraft_changed_after_at_is_not_chosen_at_at(
    client: httpx.AsyncClient, tokens
) -> None:
    ems = await tokens.headers(Role.ems)
    helis = (await client.get("/api/v1/helicopters", headers=ems)).json()["items"]
    mozu = next(h for h in helis if h["callsign"] == "KANSAI-MOZU")  # nearest to the scene
    url = f"/api/v1/helicopters/{mozu['id']}"
    for status, at in (("maintenance", t("09:00")), ("available", t("11:00"))):
        resp = await client.patch(url, json={"status": status, "at": at}, headers=ems)
        assert resp.status_code == 200, resp.text
    mission = await _file(client, ems, t("10:00"))
    named = await post(
        client,
        ems,
        f"/medevac-missions/{mission['id']}/assign",
        at=t("10:00"),
        helicopter_id=mozu["id"],
    )
    body = problem(named, 422, "timeline-backwards")
    assert body["previous_at"] == t("11:00")
    best = await post(client, ems, f"/medevac-missions/{mission['id']}/assign", at=t("10:00"))
    assert best.status_code == 200, best.text
    assert best.json()["helicopter_id"] != mozu["id"]  # at 10:00 it was in maintenance
