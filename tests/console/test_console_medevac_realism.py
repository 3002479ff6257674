"""The medevac board's SPEC §12 cards in a browser: hospital status, weather holds (by base and
by a polygon clicked on the map), stagings, visiting aircraft; a desk's hospital screen. The
console instance is shared by the session: each test puts back what it changed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from playwright.sync_api import Page, expect

from tests.console.console_support import Console, go, log_in, shoot
from ukg_aid.clock import JST

CHUO = "28-kobe-chuo-shimin"


def _hospital(console: Console, key: str) -> dict[str, Any]:
    with console.api("ems") as api:
        rows = api.get("/hospitals", params={"limit": 500}).json()["items"]
    return next(h for h in rows if h["key"] == key)


def test_ems_marks_a_hospital_damaged_and_back(page: Page, console: Console) -> None:
    chuo = _hospital(console, CHUO)
    log_in(page, console, "ems")
    row = page.get_by_test_id(f"hospital-{chuo['id']}")
    expect(row).to_have_attribute("data-status", "operational")
    expect(row).to_have_attribute("data-heliport", "on_site")
    expect(row).to_contain_text("神戸市立医療センター中央市民病院")
    expect(row).to_contain_text("敷地内")
    try:
        page.get_by_test_id(f"hospital-{chuo['id']}-damaged").click()
        page.get_by_test_id("dialog-note").fill("建物損傷")
        page.get_by_test_id("dialog-confirm").click()
        expect(row).to_have_attribute("data-status", "damaged")
        expect(row).to_contain_text("被災")
        shoot(page, "ems-hospitals", full_page=True)
        with console.api("ems") as api:
            history = api.get(f"/hospitals/{chuo['id']}/history").json()["items"]
        assert history[0]["status"] == "damaged" and history[0]["note"] == "建物損傷"
        page.get_by_test_id("hospitals-filter").select_option("damaged")
        expect(page.get_by_test_id("hospitals-table").locator("tbody tr")).to_have_count(1)
    finally:
        with console.api("ems") as api:
            api.patch(f"/hospitals/{chuo['id']}", json={"status": "operational"})


def test_a_desk_keeps_its_own_hospitals(page: Page, console: Console) -> None:
    chuo = _hospital(console, CHUO)
    log_in(page, console, "desk", "28100")
    go(page, "#/hospitals")
    rows = page.get_by_test_id("hospitals-table").locator("tbody tr")
    expect(rows).to_have_count(4)
    try:
        page.get_by_test_id(f"hospital-{chuo['id']}-full").click()
        page.get_by_test_id("dialog-confirm").click()
        expect(page.get_by_test_id(f"hospital-{chuo['id']}")).to_have_attribute(
            "data-status", "full"
        )
    finally:
        with console.api("ems") as api:
            api.patch(f"/hospitals/{chuo['id']}", json={"status": "operational"})


def test_weather_holds_by_base_and_by_a_clicked_polygon(page: Page, console: Console) -> None:
    log_in(page, console, "ems", lang="en")
    with console.api("ems") as api:
        fleet = api.get("/helicopters").json()["items"]
    toyooka = next(h for h in fleet if h["callsign"] == "KANSAI-KOUNOTORI")
    expect(page.get_by_test_id("holds")).to_contain_text("No weather holds")
    page.get_by_test_id("hold-base").select_option(str(toyooka["id"]))
    page.get_by_test_id("hold-reason").fill("fog")
    page.get_by_test_id("hold-submit").click()
    table = page.get_by_test_id("holds-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Base of KANSAI-KOUNOTORI")
    holds_map = page.get_by_test_id("holds-map")
    expect(holds_map.locator("path.hold-base")).to_have_count(1)

    page.get_by_test_id("hold-base").select_option("")
    box = holds_map.bounding_box()
    assert box
    for dx, dy in ((0.45, 0.5), (0.55, 0.5), (0.5, 0.6)):
        holds_map.click(position={"x": box["width"] * dx, "y": box["height"] * dy})
    assert len(page.get_by_test_id("hold-polygon").input_value().splitlines()) == 3
    page.get_by_test_id("hold-reason").fill("snow")
    page.get_by_test_id("hold-submit").click()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(holds_map.locator("path.hold-area")).to_have_count(1)
    shoot(page, "ems-weather-holds", full_page=True)
    with console.api("ems") as api:
        holds = api.get("/weather-holds").json()["items"]
    area = next(h for h in holds if h["area"])
    assert area["reason"] == "snow" and len(area["area"]["coordinates"][0]) == 4
    for hold in holds:
        page.get_by_test_id(f"lift-hold-{hold['id']}").click()
        # as a dispatcher would: see it gone before the next (the table redraws after a lift,
        # and a click landing during a redraw is lost)
        expect(page.get_by_test_id(f"hold-{hold['id']}")).to_have_count(0)
    expect(page.get_by_test_id("holds")).to_contain_text("No weather holds")


def test_staging_and_a_visiting_aircraft(page: Page, console: Console) -> None:
    log_in(page, console, "ems")
    with console.api("ems") as api:
        fleet = api.get("/helicopters").json()["items"]
    osaka = next(h for h in fleet if h["callsign"] == "KANSAI-MOZU")
    page.get_by_test_id("stage-heli").select_option(str(osaka["id"]))
    page.get_by_test_id("stage-name").fill("三木総合防災公園")
    page.get_by_test_id("stage-lat").fill("34.80")
    page.get_by_test_id("stage-lon").fill("135.01")
    page.get_by_test_id("stage-submit").click()
    stagings = page.get_by_test_id("stagings-table").locator("tbody tr")
    expect(stagings).to_have_count(1)
    expect(page.get_by_test_id(f"heli-{osaka['id']}")).to_contain_text("三木総合防災公園で待機中")

    page.get_by_test_id("visit-callsign").fill("OKAYAMA-1")
    page.get_by_test_id("visit-from").fill("岡山県ドクターヘリ")
    page.get_by_test_id("visit-base").fill("川崎医科大学附属病院")
    page.get_by_test_id("visit-lat").fill("34.59")
    page.get_by_test_id("visit-lon").fill("133.77")
    page.get_by_test_id("visit-cruise").fill("220")
    page.get_by_test_id("visit-range").fill("635")
    page.get_by_test_id("visit-submit").click()
    visitors = page.get_by_test_id("visitors-table").locator("tbody tr")
    expect(visitors).to_have_count(1)
    expect(page.get_by_test_id("fleet-table")).to_contain_text("応援（岡山県ドクターヘリ）")
    shoot(page, "ems-staging-visiting", full_page=True)
    with console.api("ems") as api:
        visitor = next(
            h for h in api.get("/helicopters").json()["items"] if h["member_code"] is None
        )
        staging = api.get("/helicopters/stagings").json()[0]
    page.get_by_test_id(f"leave-{visitor['id']}").click()
    expect(page.get_by_test_id("visitors")).to_contain_text("応援機はありません")
    page.get_by_test_id(f"withdraw-staging-{staging['id']}").click()
    expect(page.get_by_test_id("stagings-table-empty")).to_be_visible()


def test_coverage_says_why_at_night_and_a_mission_names_its_hospital(
    page: Page, console: Console
) -> None:
    chuo = _hospital(console, CHUO)
    log_in(page, console, "ems")
    page.get_by_test_id("mission-member").select_option("28100")
    page.get_by_test_id("mission-hospital").select_option(str(chuo["id"]))
    page.get_by_test_id("mission-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("を登録しました")
    with console.api("ems") as api:
        missions = api.get("/medevac-missions", params={"member": "28100"}).json()["items"]
        filed = missions[-1]
        assert filed["hospital_id"] == chuo["id"]
        api.post(f"/medevac-missions/{filed['id']}/cancel", json={}).raise_for_status()
    night = (datetime.now(JST) + timedelta(days=1)).date().isoformat() + "T23:00"
    at = page.get_by_test_id("coverage-at")
    at.fill(night)
    at.dispatch_event("change")
    expect(page.get_by_test_id("coverage-27")).to_contain_text("夜間のため運航不可")
