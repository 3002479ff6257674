"""The medevac board: grounding an aircraft changes coverage; a mission no aircraft can fly is
refused with its reasons in words (issue 9 acceptance)."""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from tests.console.console_support import Console, log_in, shoot
from ukg_aid.clock import JST

MEMBER = "27"  # Osaka Prefecture


def _daytime() -> str:
    """Tomorrow 11:00 in Japan: inside every aircraft's daylight window whatever the hour now."""
    tomorrow = datetime.now(JST).date() + timedelta(days=1)
    return f"{tomorrow.isoformat()}T11:00"


def test_grounding_an_aircraft_changes_coverage(page: Page, console: Console) -> None:
    log_in(page, console, "ems")
    at = page.get_by_test_id("coverage-at")
    at.fill(_daytime())
    at.dispatch_event("change")
    row = page.get_by_test_id(f"coverage-{MEMBER}")
    expect(row).to_have_attribute("data-within", "true")
    covering = row.get_attribute("data-callsign")
    assert covering
    shoot(page, "ems-medevac-board", full_page=True)
    with console.api("ems") as api:
        fleet = api.get("/helicopters").json()["items"]
    heli = next(h for h in fleet if h["callsign"] == covering)
    page.get_by_test_id(f"heli-{heli['id']}-maintenance").click()
    page.get_by_test_id("dialog-note").fill("ローター点検")
    page.get_by_test_id("dialog-confirm").click()
    expect(page.get_by_test_id(f"heli-{heli['id']}")).to_have_attribute(
        "data-status", "maintenance"
    )
    expect(row).not_to_have_attribute("data-callsign", covering)
    assert row.get_attribute("data-callsign") != covering
    with console.api("ems") as api:
        history = api.get(f"/helicopters/{heli['id']}/history").json()["items"]
    assert history[0]["status"] == "maintenance"
    assert history[0]["note"] == "ローター点検"

    page.get_by_test_id(f"heli-{heli['id']}-available").click()
    page.get_by_test_id("dialog-confirm").click()
    expect(row).to_have_attribute("data-callsign", covering)


def test_a_mission_no_aircraft_can_fly_is_refused_in_words(page: Page, console: Console) -> None:
    with console.api("ems") as api:
        fleet = api.get("/helicopters").json()["items"]
        for heli in fleet:
            api.patch(f"/helicopters/{heli['id']}", json={"status": "off_duty"}).raise_for_status()
        mission = api.post(
            "/medevac-missions",
            json={
                "member_code": "30",
                "scene": {"lat": 33.7283, "lon": 135.3777, "name": "白浜町"},
                "severity": "red",
                "patients": 1,
            },
        ).json()
    try:
        log_in(page, console, "ems")
        expect(page.get_by_test_id(f"mission-{mission['id']}")).to_be_visible()
        page.get_by_test_id(f"assign-{mission['id']}").click()
        refusal = page.get_by_test_id("refusal")
        expect(refusal).to_contain_text("運航可能な機体がありません")
        expect(page.get_by_test_id(f"mission-{mission['id']}")).to_have_attribute(
            "data-status", "pending"
        )
        # the reason recorded on the mission is shown in words after a reload too
        expect(page.get_by_test_id(f"mission-reason-{mission['id']}")).to_have_text(
            "運航可能な機体がありません"
        )
        blocked = page.get_by_test_id(f"mission-blocked-{mission['id']}")
        blocked.locator("summary").click()
        expect(blocked.locator("li")).to_have_count(len(fleet))
        expect(blocked.locator("li").first).to_contain_text(
            "出動中・整備中・運航休止のため飛べません"
        )
        shoot(page, "ems-refusal")
        page.get_by_test_id("assign-all").click()
        expect(page.get_by_test_id("notice")).to_contain_text("1 件は割当できず")
    finally:
        with console.api("ems") as api:
            for heli in fleet:
                api.patch(f"/helicopters/{heli['id']}", json={"status": "available"})
