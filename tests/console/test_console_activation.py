"""The activation screens in the browser (SPEC §10, issue 12): the incident switcher, a guest
registered, the counterpart grid saved, a desk's shelter with its needs, push preview and filing,
push badges on the requests, closing the push remainder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.console.console_support import (
    CATALOGS,
    Console,
    Watched,
    console_server,
    go,
    log_in,
    shoot,
)

JA = CATALOGS["ja"]


@pytest.fixture(scope="module")
def console(pg_server: str) -> Iterator[Console]:
    """A server of its own: guests, shelters and push requests stay in this module."""
    with console_server(pg_server) as served_console:
        yield served_console


def test_the_coordinator_registers_a_guest_and_sets_counterparts(
    browse: Watched, console: Console
) -> None:
    page = log_in(browse.new_page(), console, "coordinator")
    switcher = page.get_by_test_id("incident-switcher")
    expect(switcher).to_be_visible()
    expect(switcher.locator("option")).to_have_count(1)
    go(page, "#/activation")
    page.get_by_test_id("guest-code").fill("17205")
    page.get_by_test_id("guest-name-ja").fill("珠洲市")
    page.get_by_test_id("guest-name-en").fill("Suzu City")
    page.get_by_test_id("guest-lat").fill("37.436389")
    page.get_by_test_id("guest-lon").fill("137.260278")
    page.get_by_test_id("guest-population").fill("12934")
    page.get_by_test_id("guest-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text(JA["guest.registered"])
    box = page.get_by_test_id("cp-28-17205")
    expect(box).to_be_visible()
    box.check()
    page.get_by_test_id("cp-28100-17205").check()
    page.get_by_test_id("counterparts-save").click()
    expect(page.get_by_test_id("notice").last).to_contain_text("2")
    shoot(page, "activation-counterparts", full_page=True)
    with console.api("coordinator") as api:
        incident = api.get("/incidents", params={"status": "active"}).json()["items"][0]
        pairs = api.get(f"/incidents/{incident['id']}/counterparts").json()
    assert pairs == [
        {"supporter_code": "28", "recipient_code": "17205"},
        {"supporter_code": "28100", "recipient_code": "17205"},
    ]


def test_a_live_refresh_keeps_the_boxes_the_coordinator_ticked(
    browse: Watched, console: Console
) -> None:
    """Another coordinator registers a guest while this one is ticking boxes: the grid is drawn
    again with the new column, and the unsaved tick survives it and is saved."""
    page = log_in(browse.new_page(), console, "coordinator")
    go(page, "#/activation")
    page.get_by_test_id("cp-26-17205").check()
    wajima = {
        "code": "17204",
        "name_ja": "輪島市",
        "name_en": "Wajima City",
        "kind": "guest",
        "office": {"lat": 37.390556, "lon": 136.899167},
        "population": 24608,
    }
    with console.api("coordinator") as api:
        assert api.post("/members", json=wajima).status_code == 201
    expect(page.get_by_test_id("cp-26-17204")).to_be_visible()  # the live refresh drew the grid
    expect(page.get_by_test_id("cp-26-17205")).to_be_checked()
    page.get_by_test_id("counterparts-save").click()
    expect(page.get_by_test_id("notice").last).to_contain_text("3")
    with console.api("coordinator") as api:
        incident = api.get("/incidents", params={"status": "active"}).json()["items"][0]
        pairs = api.get(f"/incidents/{incident['id']}/counterparts").json()
    assert {"supporter_code": "26", "recipient_code": "17205"} in pairs and len(pairs) == 3


def test_a_desk_keeps_a_shelter_and_the_coordinator_pushes_its_needs(
    browse: Watched, console: Console
) -> None:
    desk = log_in(browse.new_page(), console, "desk", "27100")
    go(desk, "#/shelters")
    expect(desk.get_by_test_id("shelter-list-empty")).to_be_visible()
    desk.get_by_test_id("shelter-name").fill("大阪市立中央小学校")
    desk.get_by_test_id("shelter-lat").fill("34.68")
    desk.get_by_test_id("shelter-lon").fill("135.51")
    desk.get_by_test_id("shelter-new-evacuees").fill("200")
    desk.get_by_test_id("shelter-submit").click()
    expect(desk.get_by_test_id("need-water")).to_contain_text("1,800")  # 3 L × 3 days × 200
    shoot(desk, "desk-shelters")
    coord = log_in(browse.new_page(), console, "coordinator")
    go(coord, "#/activation")
    coord.get_by_test_id("push-member").select_option("27100")
    coord.get_by_test_id("push-preview-button").click()
    expect(coord.get_by_test_id("push-preview")).to_contain_text("1,800")
    coord.get_by_test_id("push-file").click()
    expect(coord.get_by_test_id("push-filed")).to_be_visible()
    go(desk, "#/requests")
    expect(desk.locator("[data-testid^=push-badge-]")).to_have_count(1)
    expect(desk.locator("[data-testid^=push-badge-]")).to_have_text(JA["push.badge"])
    coord.get_by_test_id("push-close").click()
    expect(coord.get_by_test_id("push-closed")).to_be_visible()
