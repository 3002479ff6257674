"""Console leftovers of the last review, in a browser: the batch-assign button is disabled (with
a title saying why) while no mission waits; a desk's hospitals screen names itself once; the
situation report never adds litres of water to blankets — across items it counts request
lines, units are per item — on the screen, in English and on paper."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.console.console_support import CATALOGS, Console, console_server, go, log_in, shoot

JA, EN = CATALOGS["ja"], CATALOGS["en"]
MISSION = {
    "member_code": "30",
    "scene": {"lat": 33.7283, "lon": 135.3777, "name": "白浜町"},
    "severity": "yellow",
    "patients": 1,
}


@pytest.fixture(scope="module")
def console(pg_server: str) -> Iterator[Console]:
    """A server of its own: this module starts with no mission and no request."""
    with console_server(pg_server) as served_console:
        yield served_console


@pytest.mark.parametrize(("lang", "words"), [("ja", JA), ("en", EN)])
def test_batch_assign_is_disabled_while_nothing_waits(
    page: Page, console: Console, lang: str, words: dict[str, str]
) -> None:
    log_in(page, console, "ems", lang=lang)
    button = page.get_by_test_id("assign-all")
    expect(button).to_be_disabled()
    expect(button).to_have_attribute("title", words["medevac.assign_all_nothing"])
    with console.api("ems") as api:
        mission = api.post("/medevac-missions", json=MISSION)
        assert mission.status_code == 201, mission.text
    try:
        # the board hears of the new mission on the event stream
        expect(button).to_be_enabled()
        expect(button).to_have_attribute(
            "title", words["medevac.assign_all_hint"].replace("{n}", "1")
        )
        shoot(page, "ems-assign-all-enabled")
    finally:
        with console.api("ems") as api:
            done = api.post(f"/medevac-missions/{mission.json()['id']}/cancel", json={})
            assert done.status_code == 200, done.text
    expect(button).to_be_disabled()


def test_a_desks_hospitals_screen_names_itself_once(page: Page, console: Console) -> None:
    log_in(page, console, "desk", "28100")
    go(page, "#/hospitals")
    expect(page.get_by_test_id("hospitals-table").locator("tbody tr").first).to_be_visible()
    title = page.locator("h1, h2, h3").filter(has_text=JA["hospitals.title"])
    expect(title).to_have_count(1)
    expect(page.locator("h1")).to_have_text(JA["hospitals.title"])


def test_the_report_counts_lines_across_items_and_units_per_item(
    page: Page, console: Console
) -> None:
    with console.api("desk", "27100") as desk:
        body = {
            "member_code": "27100",
            "priority": "high",
            "delivery": {"name": "中之島 避難所", "lat": 34.6937, "lon": 135.5022},
            "lines": [
                {"item_code": "water", "quantity": 600},
                {"item_code": "blankets", "quantity": 50},
            ],
        }
        filed = desk.post("/aid-requests", json=body)
        assert filed.status_code == 201, filed.text
    log_in(page, console, "desk", "27100")
    go(page, "#/report")
    member = page.get_by_test_id("report-member-27100")
    expect(member).to_be_visible()
    # 600 L of water and 50 blankets are two lines, not "650"
    expect(member).not_to_contain_text("650")
    expect(member.locator("td").nth(1)).to_have_text("2")
    expect(page.get_by_test_id("kpi-lines")).to_contain_text("2")
    expect(page.get_by_test_id("report-totals")).not_to_contain_text("650")
    expect(page.get_by_test_id("report-item-water")).to_contain_text("600")
    expect(page.get_by_test_id("report-item-blankets")).to_contain_text("50")
    expect(page.get_by_test_id("report-member-item-27100-water")).to_contain_text("600")
    expect(page.get_by_test_id("report-member-item-27100-blankets")).to_contain_text("50")
    shoot(page, "report-per-item", full_page=True)
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("report-members")).to_contain_text(EN["report.lines"])
    expect(page.get_by_test_id("report-items")).to_contain_text(EN["report.by_item"])
    shoot(page, "report-per-item", full_page=True)
    go(page, "#/print-report")
    sheet = page.get_by_test_id("report-sheet")
    expect(sheet.get_by_test_id("report-item-water")).to_contain_text("600")
    expect(sheet.get_by_test_id("report-member-27100")).not_to_contain_text("650")
    page.emulate_media(media="print")
    expect(sheet.get_by_test_id("report-member-items")).to_be_visible()
    shoot(page, "print-report-per-item", full_page=True)
    page.emulate_media(media="screen")
