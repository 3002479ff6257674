"""The supply flow in the browser: a desk files a request and the coordinator sees it live;
matching, review and approval; the supplier dispatches, the requester confirms; the printed
plan sheet and shipping slips; losing the event stream and resuming it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.console.console_support import (
    ENGLISH,
    Console,
    Server,
    Watched,
    console_server,
    go,
    log_in,
    shoot,
    visible_texts,
)


@dataclass
class Flow:
    """The day so far: the request filed, the plan approved, its allocations (API rows)."""

    request_id: int = 0
    plan_id: int = 0
    allocations: list[dict[str, Any]] = field(default_factory=list)


REQUESTER = "27100"  # Osaka City
WATER_L = 1800


@pytest.fixture(scope="module")
def console(pg_server: str) -> Iterator[Console]:
    """A server of its own: this module's day starts with no request and no plan."""
    with console_server(pg_server) as served_console:
        yield served_console


@pytest.fixture(scope="module")
def flow() -> Flow:
    """What one test of the module leaves for the next (the steps of one day)."""
    return Flow()


def test_a_filed_request_appears_on_the_coordinators_screen_without_reload(
    browse: Watched, console: Console, flow: Flow
) -> None:
    coordinator = log_in(browse.new_page(), console, "coordinator")
    expect(coordinator.get_by_test_id("open-requests-empty")).to_be_visible()
    coordinator.evaluate("window.__sameDocument = true")
    desk = log_in(browse.new_page(), console, "desk", REQUESTER)
    go(desk, "#/requests")
    desk.get_by_test_id("req-priority").select_option("critical")
    desk.get_by_test_id("req-delivery-name").fill("大阪城公園 避難所")
    # the point is picked on the map: a click sets latitude and longitude
    picker = desk.get_by_test_id("req-picker")
    expect(picker.locator("path.picked")).to_have_count(1)
    before = desk.get_by_test_id("req-lat").input_value()
    picker.click(position={"x": 150, "y": 60})
    assert desk.get_by_test_id("req-lat").input_value() != before
    desk.get_by_test_id("req-lat").fill("34.6873")
    desk.get_by_test_id("req-lon").fill("135.5262")
    desk.get_by_test_id("req-item").select_option("water")
    desk.get_by_test_id("req-qty").fill(str(WATER_L))
    desk.get_by_test_id("req-add-line").click()
    desk.get_by_test_id("req-item").nth(1).select_option("blankets")
    desk.get_by_test_id("req-qty").nth(1).fill("300")
    shoot(desk, "desk-request-form")
    desk.get_by_test_id("req-submit").click()
    expect(desk.get_by_test_id("notice")).to_contain_text("を登録しました")
    row = desk.locator("[data-testid^=request-][data-status=open]")
    expect(row).to_have_count(1)
    testid = row.get_attribute("data-testid")
    assert testid is not None
    request_id = int(testid.removeprefix("request-"))
    flow.request_id = request_id

    live = coordinator.get_by_test_id(f"open-request-{request_id}")
    expect(live).to_be_visible()
    expect(live).to_contain_text("最優先")
    expect(live).to_contain_text("大阪城公園 避難所")
    expect(coordinator.get_by_test_id(f"fill-{request_id}-water")).to_contain_text(
        f"0 / {WATER_L:,}"
    )
    assert coordinator.evaluate("window.__sameDocument") is True  # no reload happened
    expect(coordinator.locator(f"path.request-{request_id}")).to_have_count(1)
    shoot(coordinator, "coordinator-map-request")


def test_the_coordinator_matches_reviews_approves_and_sees_the_flows(
    page: Page, console: Console, flow: Flow
) -> None:
    log_in(page, console, "coordinator")
    go(page, "#/plans")
    page.get_by_test_id("run-matching").click()
    page.wait_for_function("() => /^#\\/plans\\/\\d+$/.test(location.hash)")
    plan_id = int(page.evaluate("location.hash").rsplit("/", 1)[1])
    flow.plan_id = plan_id
    review = page.get_by_test_id(f"plan-{plan_id}")
    expect(review).to_have_attribute("data-status", "proposed")
    allocations = page.locator("[data-testid=plan-allocations] tbody tr")
    expect(allocations.first).to_be_visible()
    reasons = page.locator("[data-testid=plan-allocations] td.reason").all_inner_texts()
    assert reasons and all(r.endswith(" km") and "depot" not in r for r in reasons), reasons
    assert any(
        r.startswith(
            ("在庫のある最寄りの稼働拠点", "より近い拠点", "在庫不足", "大阪市のカウンターパート")
        )
        for r in reasons
    )
    shoot(page, "coordinator-plan-review", full_page=True)

    page.get_by_test_id("approve-plan").click()
    page.get_by_test_id("dialog-note").fill("第1回 調整会議で承認")
    page.get_by_test_id("dialog-confirm").click()
    expect(review).to_have_attribute("data-status", "approved")
    # the plan's audit trail, with the note given on approval
    page.get_by_test_id("audit-plan").click()
    trail = page.get_by_test_id("audit-panel")
    expect(trail).to_contain_text("計画を承認")
    expect(trail).to_contain_text("第1回 調整会議で承認")
    expect(trail).to_contain_text("計画を作成")
    expect(trail).to_contain_text("状態：承認待ち → 承認済み")
    texts = [t["text"] for t in visible_texts(page) if t["lang"] != "en"]
    assert not [t for t in texts if ENGLISH.search(t)], texts
    shoot(page, "coordinator-audit-trail")
    page.keyboard.press("Escape")
    expect(trail).to_be_hidden()

    go(page, "#/map")
    expect(page.get_by_test_id("map-plan")).to_have_attribute("data-plan-id", str(plan_id))
    with console.api("coordinator") as api:
        rows = api.get("/allocations", params={"plan_id": plan_id}).json()["items"]
    routes = {(a["depot_id"], a["request_id"]) for a in rows}
    expect(page.locator("path.flow-line.flow-approved")).to_have_count(len(routes))
    # what the plan allocated shows in the request's fill bars
    for a in rows:
        expect(page.get_by_test_id(f"fill-{a['request_id']}-{a['item_code']}")).to_contain_text(
            f"{a['quantity']:,} /"
        )
    shoot(page, "coordinator-map-flows")
    flow.allocations = rows


def test_the_supplier_dispatches_and_the_requester_confirms_delivery(
    browse: Watched, console: Console, flow: Flow
) -> None:
    allocation = flow.allocations[0]
    supplier = allocation["supplier_code"]
    sender = log_in(browse.new_page(), console, "desk", supplier)
    go(sender, "#/shipments")
    row = sender.get_by_test_id(f"alloc-{allocation['id']}")
    expect(row).to_have_attribute("data-status", "planned")
    sender.get_by_test_id(f"dispatch-{allocation['id']}").click()
    sender.get_by_test_id("dialog-note").fill("4tトラック1台で出発")
    sender.get_by_test_id("dialog-confirm").click()
    expect(row).to_have_attribute("data-status", "dispatched")
    shoot(sender, "supplier-shipments")

    receiver = log_in(browse.new_page(), console, "desk", REQUESTER)
    go(receiver, "#/shipments")
    inbound = receiver.get_by_test_id(f"alloc-{allocation['id']}")
    expect(inbound).to_have_attribute("data-status", "dispatched")
    expect(receiver.get_by_test_id(f"dispatch-{allocation['id']}")).to_have_count(0)
    receiver.get_by_test_id(f"deliver-{allocation['id']}").click()
    receiver.get_by_test_id("dialog-note").fill("全数受領")
    receiver.get_by_test_id("dialog-confirm").click()
    expect(inbound).to_have_attribute("data-status", "delivered")
    shoot(receiver, "requester-shipments")
    with console.api("observer") as api:
        rows = api.get("/allocations", params={"plan_id": flow.plan_id}).json()["items"]
    assert {a["id"]: a["status"] for a in rows}[allocation["id"]] == "delivered"


def test_plan_sheet_and_shipping_slips_print_on_a4(
    page: Page, console: Console, flow: Flow
) -> None:
    plan_id = flow.plan_id
    log_in(page, console, "coordinator")
    go(page, f"#/print-plan/{plan_id}")
    expect(page.get_by_test_id("plan-sheet")).to_contain_text(f"計画 #{plan_id}")
    page.emulate_media(media="print")
    expect(page.get_by_test_id("nav")).to_be_hidden()
    shoot(page, "print-plan-sheet", full_page=True)
    page.emulate_media(media="screen")
    go(page, f"#/print-slips/{plan_id}")
    routes = {(a["depot_id"], a["request_id"]) for a in flow.allocations}
    slips = page.locator("article.slip")
    expect(slips).to_have_count(len(routes))
    first = slips.first
    expect(first.locator("h1")).to_have_text("出荷連絡票")
    expect(first).to_contain_text("総重量")
    expect(first.locator(".signature")).to_have_count(2)
    expect(first.locator("dl.blanks dd")).to_have_count(6)
    page.emulate_media(media="print")
    shoot(page, "print-shipping-slips", full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    # one A4 page per slip (595 x 842 pt)
    assert pdf.count(b"/MediaBox [0 0 595") >= len(routes) or pdf.count(b"/Type /Page\n") >= len(
        routes
    )
    page.emulate_media(media="screen")


def test_the_situation_report_shows_the_day_and_prints(
    page: Page, console: Console, flow: Flow
) -> None:
    log_in(page, console, "observer")
    go(page, "#/report")
    with console.api("observer") as api:
        report = api.get("/reports/situation").json()
    row = page.get_by_test_id(f"report-member-{REQUESTER}")
    expect(row.locator("th")).to_have_text("大阪市")
    mine = next(m for m in report["members"] if m["member_code"] == REQUESTER)
    assert mine["delivered"] > 0
    expect(row).to_contain_text(f"{mine['lines']:,}")
    for item in mine["items"]:  # units per item: one item's units add up
        expect(
            page.get_by_test_id(f"report-member-item-{REQUESTER}-{item['item_code']}")
        ).to_contain_text(f"{item['delivered']:,}")
    expect(page.get_by_test_id("kpi-lines")).to_contain_text(f"{report['totals']['lines']:,}")
    expect(page.get_by_test_id("report-plans")).to_contain_text("1")
    shoot(page, "situation-report", full_page=True)
    page.get_by_test_id("lang-toggle").click()
    expect(row.locator("th")).to_have_text("Osaka City")
    shoot(page, "situation-report", full_page=True)
    go(page, "#/print-report")
    page.emulate_media(media="print")
    expect(page.get_by_test_id("report-sheet")).to_be_visible()
    shoot(page, "print-situation-report", full_page=True)
    page.emulate_media(media="screen")


def test_a_lost_connection_is_shown_and_the_stream_resumes_from_the_last_event(
    browser: Browser, console: Console
) -> None:
    """A second server on the same database — a training deployment, on the simulated clock —
    dies under the page and comes back on its port; what was filed meanwhile (through the first
    server) arrives without a reload."""
    second = Server(console.database_url, UKG_AID_CLOCK="simulated")
    second.start()
    watched = Watched(browser, second.url)
    try:
        page = log_in(watched.new_page(), console, "coordinator", at=second.url)
        expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "open")
        banner = page.get_by_test_id("training-banner")  # the second server's simulated clock
        expect(banner).to_be_visible()
        expect(banner).to_have_text("訓練モード・模擬時計")
        page.evaluate("window.__sameDocument = true")
        second.kill()
        lost = page.get_by_test_id("connection-lost")
        expect(lost).to_be_visible()
        expect(lost).to_contain_text("接続が切れました")
        expect(page.get_by_test_id("live-status")).to_have_text("接続が切れました")
        shoot(page, "connection-lost")
        with console.api("desk", "28") as api:
            filed = api.post("/aid-requests", json=HIMEJI).json()
        second.start()
        expect(lost).to_be_hidden(timeout=30_000)
        expect(page.get_by_test_id(f"open-request-{filed['id']}")).to_be_visible()
        assert page.evaluate("window.__sameDocument") is True
    finally:
        second.kill()
        watched.close()
    assert watched.foreign == []
    assert watched.problems == []


HIMEJI = {
    "member_code": "28",
    "priority": "high",
    "delivery": {"name": "姫路市役所", "lat": 34.8151, "lon": 134.6854},
    "lines": [{"item_code": "meals", "quantity": 500}],
}
