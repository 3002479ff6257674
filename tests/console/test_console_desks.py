"""The console for tired desks (issues 9, 12–14): the situation report and the desk's allocations
follow the incident picked in the header; closing an incident is asked first; a refused form
says which field is wrong beside it; unknown shelter counts say so; no screen scrolls sideways on
a 1024-px laptop and every status badge carries its word."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, Request, expect

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
DRILL = "訓練：上町断層帯（机上）"
SCREENS = {
    ("desk", "27100"): ["stock", "requests", "shipments", "hospitals", "shelters", "report"],
    ("coordinator", None): ["map", "activation", "shelters", "plans", "medevac", "audit", "report"],
    ("ems", None): ["map", "medevac", "report"],
}


@pytest.fixture(scope="module")
def console(pg_server: str) -> Iterator[Console]:
    """A server of its own: this module opens a drill and files into it."""
    with console_server(pg_server) as served_console:
        yield served_console


@pytest.fixture(scope="module")
def day(console: Console) -> dict[str, int]:
    """The seed's incident and a drill opened after it; Osaka City files water into the drill
    and the plan for it is approved; a shelter in the drill with no infant or elderly count."""
    with console.api("coordinator") as coord:
        default = coord.get("/incidents", params={"status": "active"}).json()["items"][0]["id"]
        drill = coord.post("/incidents", json={"name": DRILL, "kind": "drill"}).json()["id"]
    with console.api("desk", "27100") as desk:
        body = {
            "member_code": "27100",
            "incident_id": drill,
            "priority": "high",
            "delivery": {"name": "中之島 避難所", "lat": 34.6937, "lon": 135.5022},
            "lines": [{"item_code": "water", "quantity": 600}],
        }
        request = desk.post("/aid-requests", json=body)
        assert request.status_code == 201, request.text
        # a second delivery point: a second shipment, a second slip
        body["delivery"] = {"name": "天王寺 避難所", "lat": 34.6465, "lon": 135.5133}
        body["lines"] = [{"item_code": "water", "quantity": 400}]
        assert desk.post("/aid-requests", json=body).status_code == 201
        shelter = {
            "member_code": "27100",
            "incident_id": drill,
            "name": "中之島小学校",
            "lat": 34.69,
            "lon": 135.50,
            "evacuees": 120,
        }
        assert desk.post("/shelters", json=shelter).status_code == 201
        # and 250 L into the seed's incident, planned but not yet approved
        body |= {"incident_id": default, "lines": [{"item_code": "water", "quantity": 250}]}
        assert desk.post("/aid-requests", json=body).status_code == 201
    with console.api("coordinator") as coord:
        plan = coord.post("/plans", json={"incident_id": drill}).json()
        approved = coord.post(f"/plans/{plan['id']}/approve")
        assert approved.status_code == 200, approved.text
        proposal = coord.post("/plans", json={"incident_id": default}).json()
        assert proposal["status"] == "proposed" and proposal["allocations"], proposal
    return {"default": default, "drill": drill, "plan": plan["id"], "proposal": proposal["id"]}


def _incident_queries(page: Page, path: str) -> list[str | None]:
    """Records the ?incident= of every call the page makes to ``path`` from now on."""
    seen: list[str | None] = []

    def record(request: Request) -> None:
        if f"/api/v1{path}?" in request.url or request.url.endswith(f"/api/v1{path}"):
            query = request.url.partition("?")[2]
            params = dict(p.partition("=")[::2] for p in query.split("&") if p)
            seen.append(params.get("incident"))

    page.on("request", record)
    return seen


def test_the_report_follows_the_incident_chosen_in_the_header(
    page: Page, console: Console, day: dict[str, int]
) -> None:
    log_in(page, console, "desk", "27100")
    asked = _incident_queries(page, "/reports/situation")
    go(page, "#/report")
    # the newest active incident is the default: the drill, where Osaka City filed
    expect(page.get_by_test_id("incident-switcher")).to_have_value(str(day["drill"]))
    expect(page.get_by_test_id("report-scope")).to_contain_text(DRILL)
    expect(page.get_by_test_id("report-scope")).to_contain_text(JA["incident.kind.drill"])
    water = page.get_by_test_id("report-member-item-27100-water")
    expect(water).to_contain_text("1,000")
    shoot(page, "desk-report-drill")
    page.get_by_test_id("incident-switcher").select_option(str(day["default"]))
    expect(page.get_by_test_id("report-scope")).to_contain_text("既定の事案")
    expect(water).to_contain_text("250")
    expect(water).not_to_contain_text("1,000")
    assert asked[0] == str(day["drill"]) and asked[-1] == str(day["default"]), asked
    # the printed report is the same incident's
    go(page, "#/print-report")
    expect(page.get_by_test_id("report-sheet").get_by_test_id("report-scope")).to_contain_text(
        "既定の事案"
    )
    expect(
        page.get_by_test_id("report-sheet").get_by_test_id("report-member-item-27100-water")
    ).to_contain_text("250")


def test_the_desks_allocations_are_the_chosen_incidents(
    page: Page, console: Console, day: dict[str, int]
) -> None:
    log_in(page, console, "desk", "27100")
    asked = _incident_queries(page, "/allocations")
    go(page, "#/shipments")
    expect(page.get_by_test_id("alloc-in").locator("tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("board-in").locator("tbody tr")).to_have_count(2)
    assert asked and set(asked) == {str(day["drill"])}, asked
    page.get_by_test_id("incident-switcher").select_option(str(day["default"]))
    # the seed's incident has only a proposal: nothing is coming until it is approved
    expect(page.get_by_test_id("alloc-in-empty")).to_have_text(JA["shipments.none_in"])
    # the shipments board above says its own empty line, not the allocation list's again
    expect(page.get_by_test_id("board-in-empty")).to_have_text(JA["board.none_in"])
    assert asked[-1] == str(day["default"]), asked
    with console.api("desk", "27100") as desk:
        proposed = desk.get("/allocations", params={"plan_id": day["proposal"]}).json()["items"]
    assert proposed and {a["status"] for a in proposed} == {"planned"}


def test_an_unknown_shelter_count_says_so_and_a_save_is_confirmed(
    page: Page, console: Console, day: dict[str, int]
) -> None:
    log_in(page, console, "desk", "27100")
    go(page, "#/shelters")
    row = page.locator("[data-testid^=shelter-]", has_text="中之島小学校").first
    expect(row).to_contain_text(JA["shelter.unknown"])
    count = row.locator("[data-testid^=shelter-evacuees-]")
    count.fill("150")
    row.locator("[data-testid^=shelter-save-]").click()
    expect(page.get_by_test_id("notice").last).to_have_text(
        JA["shelter.saved"].replace("{n}", "150")
    )
    with console.api("desk", "27100") as desk:
        listed = desk.get("/shelters", params={"incident": day["drill"]}).json()["items"]
    assert [s["evacuees"] for s in listed] == [150]


def test_a_refused_guest_names_the_field_beside_it_and_registers_nothing(
    page: Page, console: Console, day: dict[str, int]
) -> None:
    log_in(page, console, "coordinator")
    go(page, "#/activation")
    for testid, value in {
        "guest-code": "17205",
        "guest-name-ja": "珠洲市",
        "guest-name-en": "Suzu City",
        "guest-lat": "137.26",  # the longitude typed into the latitude
        "guest-lon": "37.43",
        "guest-population": "12000",
    }.items():
        page.get_by_test_id(testid).fill(value)
    page.get_by_test_id("guest-submit").click()
    expect(page.get_by_test_id("guest-error")).to_have_text(JA["problem.status.422"])
    expect(page.get_by_test_id("guest-lat")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("guest-lat-error")).to_have_text(JA["validation.less_than_equal"])
    expect(page.get_by_test_id("guest-lon")).not_to_have_attribute("aria-invalid", "true")
    shoot(page, "coordinator-guest-refused")
    with console.api("coordinator") as coord:
        assert coord.get("/members/17205").status_code == 404
    # fixed, it goes through and the marks go away
    page.get_by_test_id("guest-lat").fill("37.43")
    page.get_by_test_id("guest-lon").fill("137.26")
    page.get_by_test_id("guest-submit").click()
    expect(page.get_by_test_id("notice").last).to_have_text(JA["guest.registered"])
    expect(page.get_by_test_id("guest-lat")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("guest-lat-error")).to_have_count(0)


@pytest.mark.parametrize(("role", "member"), list(SCREENS))
def test_no_screen_scrolls_sideways_on_a_laptop_and_badges_say_their_word(
    browse: Watched, console: Console, day: dict[str, int], role: str, member: str | None
) -> None:
    page = browse.new_page()
    for lang, width, height in (("ja", 1024, 768), ("en", 1024, 768), ("ja", 1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        log_in(page, console, role, member, lang)
        for view in SCREENS[(role, member)]:
            go(page, f"#/{view}")
            wide = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert wide <= 0, f"{role} {view} {lang} {width}px scrolls sideways by {wide}px"
            blank = page.evaluate(
                """() => [...document.querySelectorAll('main .badge')]
                     .filter(b => b.offsetParent && !b.textContent.trim()).length"""
            )
            assert blank == 0, f"{role} {view}: {blank} badges show a colour only"
            if width == 1024:
                shoot(page, f"laptop-{role}-{view}")
        if width == 1280:
            # the header is one row at 1280 px: the incident picker shrinks, not the tabs
            bar = page.get_by_test_id("incident-switcher").bounding_box()
            lang_toggle = page.get_by_test_id("lang-toggle").bounding_box()
            assert bar and lang_toggle and abs(bar["y"] - lang_toggle["y"]) < 20, (bar, lang_toggle)
        page.get_by_test_id("logout").click()


def test_with_a_drill_beside_the_real_incident_a_request_files_into_the_chosen_one(
    page: Page, console: Console, day: dict[str, int]
) -> None:
    """Two incidents are active: the form names the one in the header (the server would refuse
    to guess), and the desk's list is that incident's."""
    log_in(page, console, "desk", "27100")
    page.get_by_test_id("incident-switcher").select_option(str(day["default"]))
    go(page, "#/requests")
    expect(page.get_by_test_id("request-table").locator("tbody tr")).to_have_count(1)
    page.get_by_test_id("req-delivery-name").fill("扇町公園")
    page.get_by_test_id("req-item").select_option("blankets")
    page.get_by_test_id("req-qty").fill("30")
    page.get_by_test_id("req-submit").click()
    expect(page.get_by_test_id("notice").last).to_contain_text("#")
    expect(page.get_by_test_id("request-table").locator("tbody tr")).to_have_count(2)
    with console.api("desk", "27100") as desk:
        mine = desk.get("/aid-requests", params={"incident": day["default"]}).json()["items"]
        drill = desk.get("/aid-requests", params={"incident": day["drill"]}).json()["items"]
    assert "扇町公園" in [r["delivery"]["name"] for r in mine]
    assert "扇町公園" not in [r["delivery"]["name"] for r in drill]
    page.get_by_test_id("incident-switcher").select_option(str(day["drill"]))
    expect(page.get_by_test_id("request-table").locator("tbody tr")).to_have_count(len(drill))


def _pdf_pages(page: Page) -> int:
    """How many A4 pages the browser prints the screen on."""
    pdf = page.pdf(prefer_css_page_size=True)
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_each_shipping_slip_prints_on_one_a4_page_and_the_chrome_does_not(
    page: Page, console: Console, day: dict[str, int]
) -> None:
    log_in(page, console, "desk", "27100")
    go(page, f"#/print-slips/{day['plan']}")
    slips = page.locator(".sheet.slip")
    expect(slips).to_have_count(2)
    shoot(page, "desk-slips", full_page=True)
    page.emulate_media(media="print")
    for chrome in ("print-now", "nav", "incident-bar", "lang-toggle"):
        expect(page.get_by_test_id(chrome)).to_be_hidden()
    assert slips.first.evaluate("el => getComputedStyle(el).breakAfter") == "page"
    assert _pdf_pages(page) == 2
    page.emulate_media(media="screen")
    go(page, "#/print-report")
    expect(page.get_by_test_id("report-scope")).to_contain_text(DRILL)
    page.emulate_media(media="print")
    expect(page.get_by_test_id("report-scope")).to_be_visible()
    assert _pdf_pages(page) == 1


def test_closing_an_incident_is_asked_first(
    page: Page, console: Console, day: dict[str, int]
) -> None:
    """Last in the module: it closes the drill."""
    log_in(page, console, "coordinator")
    go(page, "#/activation")
    expect(page.get_by_test_id("incident-switcher")).to_have_value(str(day["drill"]))
    page.get_by_test_id("incident-close").click()
    dialog = page.get_by_test_id("dialog")
    expect(dialog).to_contain_text(DRILL)
    page.get_by_test_id("dialog-cancel").click()
    with console.api("coordinator") as coord:
        assert coord.get(f"/incidents/{day['drill']}").json()["status"] == "active"
    page.get_by_test_id("incident-close").click()
    page.get_by_test_id("dialog-note").fill("訓練終了")
    page.get_by_test_id("dialog-confirm").click()
    expect(page.get_by_test_id("notice").last).to_have_text(JA["incident.closed"])
    expect(page.get_by_test_id(f"incident-{day['drill']}")).to_contain_text(
        JA["incident.status.closed"]
    )
    with console.api("coordinator") as coord:
        closed = coord.get(f"/incidents/{day['drill']}").json()
    assert closed["status"] == "closed" and closed["note"] == "訓練終了", closed
