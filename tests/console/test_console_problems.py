"""What a desk sees when the API refuses: the problem in its language, field by field; nothing
filed (issue 9: clear messages for API problems)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.console.console_support import Console, go, log_in, ready, shoot


def test_a_refused_request_is_explained_in_words_and_nothing_is_filed(
    page: Page, console: Console
) -> None:
    log_in(page, console, "desk", "26100")  # Kyoto City
    go(page, "#/requests")
    page.get_by_test_id("req-delivery-name").fill("東京都庁")
    page.get_by_test_id("req-lat").fill("35.6895")
    page.get_by_test_id("req-lon").fill("139.6917")
    page.get_by_test_id("req-item").select_option("water")
    page.get_by_test_id("req-qty").fill("100")
    page.get_by_test_id("req-submit").click()
    error = page.get_by_test_id("error")
    expect(error).to_contain_text("入力内容を確認してください")
    expect(error.get_by_test_id("error-lines")).to_contain_text("届け先：連合の区域外です")
    shoot(page, "desk-request-refused")
    with console.api("observer") as api:
        assert api.get("/aid-requests", params={"member": "26100"}).json()["total"] == 0
    page.get_by_test_id("lang-toggle").click()
    ready(page, view="requests", lang="en")  # the form is drawn again in English: fill that one
    page.get_by_test_id("req-delivery-name").fill("Tokyo")
    page.get_by_test_id("req-lat").fill("35.6895")
    page.get_by_test_id("req-lon").fill("139.6917")
    page.get_by_test_id("req-qty").fill("100")
    page.get_by_test_id("req-submit").click()
    expect(page.get_by_test_id("error").last).to_contain_text("delivery point: outside the union")


def test_dates_are_japan_time_in_either_language(page: Page, console: Console) -> None:
    with console.api("ems") as api:
        mission = api.post(
            "/medevac-missions",
            json={
                "member_code": "29",
                "scene": {"lat": 34.6851, "lon": 135.8048, "name": "Nara Park"},
                "severity": "yellow",
                "patients": 1,
            },
        ).json()
    reported = mission["reported_at"]  # "2026-12-01T19:05:03.123+09:00"
    stamp = re.match(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})", reported)
    assert stamp is not None, reported
    y, mo, d, hh, mm = stamp.groups()
    log_in(page, console, "ems")
    row = page.get_by_test_id(f"mission-{mission['id']}")
    expect(row).to_contain_text(f"{y}年{int(mo)}月{int(d)}日 {hh}:{mm}")
    page.get_by_test_id("lang-toggle").click()
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    expect(row).to_contain_text(f"{int(d)} {months[int(mo) - 1]} {y} {hh}:{mm}")
    with console.api("ems") as api:
        api.post(f"/medevac-missions/{mission['id']}/cancel", json={}).raise_for_status()
