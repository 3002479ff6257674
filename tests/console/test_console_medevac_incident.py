"""The medevac board follows the incident picked in the header (SPEC §10, §12): its holds,
stagings, visiting aircraft, missions and coverage are that incident's, what the board records
joins it, and closing the incident ends them; a mission naming a damaged hospital is refused
on the board with the reason in words. A server of its own: the drill incident stays here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.console.console_support import Console, console_server, log_in, ready, shoot
from ukg_aid.clock import JST

VISITOR = {
    "callsign": "OKAYAMA-1",
    "visiting_from": "岡山県ドクターヘリ",
    "base": {"name": "川崎医科大学附属病院", "lat": 34.59, "lon": 133.77},
    "aircraft_type": "EC135",
    "cruise_kmh": 220,
    "range_km": 635,
}


@pytest.fixture(scope="module")
def console(pg_server: str) -> Iterator[Console]:
    with console_server(pg_server) as served_console:
        yield served_console


def _hold(incident_id: int, reason: str) -> dict[str, Any]:
    now = datetime.now(JST)
    return {
        "incident_id": incident_id,
        "from": now.isoformat(),
        "until": (now + timedelta(hours=6)).isoformat(),
        "reason": reason,
        "area": {
            "type": "Polygon",
            "coordinates": [
                [[134.35, 35.15], [135.05, 35.15], [135.05, 35.7], [134.35, 35.7], [134.35, 35.15]]
            ],
        },
    }


def _real_incident(console: Console) -> int:
    with console.api("coordinator") as api:
        rows = api.get("/incidents").json()["items"]
    real_id: int = next(i["id"] for i in rows if i["kind"] == "real")
    return real_id


def _switch(page: Page, incident_id: int) -> None:
    page.get_by_test_id("incident-switcher").select_option(str(incident_id))
    ready(page, view="medevac")


def test_the_board_follows_the_incident_in_the_header(page: Page, console: Console) -> None:
    real_id = _real_incident(console)
    with console.api("coordinator") as api:
        drill = api.post("/incidents", json={"name": "Medevac drill", "kind": "drill"}).json()
    with console.api("ems") as api:
        real_hold = api.post("/weather-holds", json=_hold(real_id, "low cloud")).json()
        visitor = api.post("/helicopters", json=VISITOR | {"incident_id": drill["id"]}).json()
        toyooka = next(
            h
            for h in api.get("/helicopters").json()["items"]
            if h["callsign"] == "KANSAI-KOUNOTORI"
        )
    log_in(page, console, "ems", lang="en")
    _switch(page, drill["id"])
    expect(page.get_by_test_id("holds")).to_contain_text("No weather holds")
    expect(page.get_by_test_id(f"visitor-{visitor['id']}")).to_be_visible()
    expect(page.get_by_test_id(f"heli-{visitor['id']}")).to_be_visible()
    page.get_by_test_id("hold-base").select_option(str(toyooka["id"]))
    page.get_by_test_id("hold-reason").fill("fog")
    page.get_by_test_id("hold-submit").click()
    expect(page.get_by_test_id("holds-table").locator("tbody tr")).to_have_count(1)
    with console.api("ems") as api:
        drill_holds = api.get("/weather-holds", params={"incident": drill["id"]}).json()["items"]
    assert [(h["reason"], h["base_helicopter_id"]) for h in drill_holds] == [("fog", toyooka["id"])]
    shoot(page, "ems-board-drill-incident", full_page=True)

    _switch(page, real_id)
    expect(page.get_by_test_id(f"hold-{real_hold['id']}")).to_contain_text("low cloud")
    expect(page.get_by_test_id("holds-table").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("visitors")).to_contain_text("No visiting aircraft")
    expect(page.get_by_test_id(f"heli-{visitor['id']}")).to_have_count(0)

    with console.api("coordinator") as api:
        closed = api.patch(f"/incidents/{drill['id']}", json={"status": "closed"})
        assert closed.status_code == 200, closed.text
    _switch(page, drill["id"])
    expect(page.get_by_test_id("holds")).to_contain_text("No weather holds")
    expect(page.get_by_test_id("visitors")).to_contain_text("No visiting aircraft")
    with console.api("ems") as api:
        api.delete(f"/weather-holds/{real_hold['id']}").raise_for_status()


def test_a_mission_naming_a_damaged_hospital_is_refused_in_words(
    page: Page, console: Console
) -> None:
    real_id = _real_incident(console)
    with console.api("ems") as api:
        rows = api.get("/hospitals", params={"limit": 500}).json()["items"]
        chuo = next(h for h in rows if h["key"] == "28-kobe-chuo-shimin")
        api.patch(f"/hospitals/{chuo['id']}", json={"status": "damaged"}).raise_for_status()
        filed = api.post(
            "/medevac-missions",
            json={
                "member_code": "28100",
                "scene": {"lat": 34.69, "lon": 135.19, "name": "三宮"},
                "severity": "red",
                "patients": 1,
                "hospital_id": chuo["id"],
                "incident_id": real_id,
            },
        ).json()
    try:
        log_in(page, console, "ems")
        _switch(page, real_id)
        page.get_by_test_id(f"assign-{filed['id']}").click()
        refusal = page.get_by_test_id("refusal")
        expect(refusal).to_contain_text("受入病院が被災しています")
        expect(page.get_by_test_id(f"mission-{filed['id']}")).to_have_attribute(
            "data-status", "pending"
        )
        shoot(page, "ems-refusal-damaged-hospital")
    finally:
        with console.api("ems") as api:
            api.post(f"/medevac-missions/{filed['id']}/cancel", json={})
            api.patch(f"/hospitals/{chuo['id']}", json={"status": "operational"})
