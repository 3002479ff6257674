"""A desk's depots and stock: inline edits need a ledger reason, depot status, live updates;
CSV export and import with a preview (CONTRACTS §3)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import APIResponse, FilePayload, Page, Route, expect

from tests.app_support import json_object
from tests.console.console_support import Console, log_in, shoot

MEMBER = "28"  # Hyogo


def _first_row(console: Console) -> dict[str, Any]:
    with console.api("observer") as api:
        depot = api.get("/depots", params={"member": MEMBER}).json()["items"][0]
        rows = api.get("/stock", params={"depot_id": depot["id"], "item": "water"}).json()
        return json_object(rows["items"][0])


def test_an_inline_stock_edit_needs_a_reason_and_lands_in_the_ledger(
    page: Page, console: Console
) -> None:
    row = _first_row(console)
    depot, before = row["depot_id"], row["on_hand"]
    log_in(page, console, "desk", MEMBER)
    page.get_by_test_id(f"edit-stock-{depot}-water").click()
    edit = page.get_by_test_id(f"stock-edit-{depot}-water")
    edit.get_by_test_id("stock-on-hand").fill(str(before + 250))
    edit.get_by_test_id("stock-save").click()
    # no reason: the browser keeps the form open and nothing is sent
    expect(edit).to_be_visible()
    assert _first_row(console)["on_hand"] == before
    edit.get_by_test_id("stock-reason").fill("棚卸し（12月1日）")
    shoot(page, "desk-stock-edit")
    edit.get_by_test_id("stock-save").click()
    shown = page.get_by_test_id(f"stock-row-{depot}-water")
    expect(shown.locator("td").first).to_have_text(f"{before + 250:,}")
    assert _first_row(console)["on_hand"] == before + 250
    with console.api("observer") as api:
        ledger = api.get(f"/depots/{depot}/ledger", params={"item": "water"}).json()["items"]
    assert ledger[0]["reason"] == "棚卸し（12月1日）"
    assert ledger[0]["delta_on_hand"] == 250


def test_a_stock_change_elsewhere_shows_up_live(page: Page, console: Console) -> None:
    row = _first_row(console)
    log_in(page, console, "desk", MEMBER)
    with console.api("admin") as api:
        api.post(
            f"/depots/{row['depot_id']}/stock/water/adjustments",
            json={"delta": -100, "reason": "地域での配布"},
        ).raise_for_status()
    shown = page.get_by_test_id(f"stock-row-{row['depot_id']}-water")
    expect(shown.locator("td").first).to_have_text(f"{row['on_hand'] - 100:,}")


def test_a_slow_answer_never_draws_over_a_newer_one(page: Page, console: Console) -> None:
    """Two stock changes land while the screen's redraw for the first still waits for the
    server (its answer is held back here). Run side by side, the second redraw would draw the
    newest figure and the held, older answer would then draw over it; one at a time, the
    second waits for the first, and the table ends on the newest figure and stays there."""
    row = _first_row(console)
    log_in(page, console, "desk", MEMBER)
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "open")
    shown = page.get_by_test_id(f"stock-row-{row['depot_id']}-water").locator("td").first
    expect(shown).to_have_text(f"{row['on_hand']:,}")
    held: list[tuple[Route, APIResponse]] = []

    def hold_the_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append((route, route.fetch()))  # the server's answer now, delivered later

    page.route(re.compile(r"/api/v1/stock\?"), hold_the_first)
    with console.api("admin") as api:
        adjust = f"/depots/{row['depot_id']}/stock/water/adjustments"
        api.post(adjust, json={"delta": -100, "reason": "配布（1回目）"}).raise_for_status()
        for _ in range(100):  # the first change's live update asks for a redraw
            if held:
                break
            page.wait_for_timeout(100)
        assert held, "the screen did not redraw after the first change"
        api.post(adjust, json={"delta": -50, "reason": "配布（2回目）"}).raise_for_status()
    page.wait_for_timeout(2_000)  # the second change's live update asks for another meanwhile
    route, answer = held[0]
    route.fulfill(response=answer)
    newest = f"{row['on_hand'] - 150:,}"
    expect(shown).to_have_text(newest)
    page.wait_for_timeout(1_000)  # an older answer drawn late would have replaced it by now
    expect(shown).to_have_text(newest)


def test_a_desk_marks_its_depot_damaged(page: Page, console: Console) -> None:
    row = _first_row(console)
    depot = row["depot_id"]
    log_in(page, console, "desk", MEMBER)
    page.get_by_test_id(f"depot-status-{depot}").select_option("damaged")
    page.get_by_test_id(f"depot-status-save-{depot}").click()
    expect(page.get_by_test_id(f"depot-{depot}").locator(".badge").first).to_have_text("被災")
    with console.api("observer") as api:
        assert api.get(f"/depots/{depot}").json()["status"] == "damaged"
    # other members' depots are not offered for editing
    with console.api("observer") as api:
        foreign = api.get("/depots", params={"member": "27"}).json()["items"][0]["id"]
    expect(page.get_by_test_id(f"depot-{foreign}")).to_have_count(0)


def _export(page: Page) -> str:
    with page.expect_download() as download:
        page.get_by_test_id("csv-export").click()
    path = download.value.path()
    assert download.value.suggested_filename.startswith(f"stock-{MEMBER}-")
    raw = Path(path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel on Japanese Windows
    return raw.decode("utf-8-sig")


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _edit(text: str, changes: dict[int, str]) -> str:
    """The CSV with the on_hand cell of the given (1-based) lines replaced."""
    rows = _rows(text)
    col = rows[0].index("on_hand")
    for number, value in changes.items():
        rows[number - 1][col] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _cells(text: str, number: int) -> dict[str, str]:
    rows = _rows(text)
    return dict(zip(rows[0], rows[number - 1], strict=True))


def _upload(page: Page, text: str, reason: str) -> None:
    page.get_by_test_id("csv-file").set_input_files(
        files=[FilePayload(name="stock.csv", mimeType="text/csv", buffer=text.encode("utf-8-sig"))]
    )
    page.get_by_test_id("csv-reason").fill(reason)
    page.get_by_test_id("csv-preview").click()


def test_a_csv_import_with_one_bad_row_applies_nothing_and_names_the_row(
    page: Page, console: Console
) -> None:
    log_in(page, console, "desk", MEMBER)
    text = _export(page)
    assert text.splitlines()[0].startswith("depot_id,depot_name,item_code")
    good, bad = _cells(text, 2), _cells(text, 4)
    edited = _edit(text, {2: str(int(good["on_hand"]) + 10), 4: "-5"})
    _upload(page, edited, "棚卸し")
    errors = page.get_by_test_id("csv-errors")
    expect(errors).to_contain_text("4行目")
    expect(errors.get_by_test_id("csv-errors-lines").locator("li")).to_have_count(1)
    expect(page.get_by_test_id("csv-result")).to_contain_text("何も反映していません")
    expect(page.get_by_test_id("csv-apply")).to_have_count(0)
    shoot(page, "desk-csv-refused")
    with console.api("observer") as api:
        for row in (good, bad):
            stock = api.get(
                "/stock", params={"depot_id": row["depot_id"], "item": row["item_code"]}
            ).json()["items"][0]
            assert stock["on_hand"] == int(row["on_hand"])


def test_a_csv_import_is_previewed_then_applied(page: Page, console: Console) -> None:
    log_in(page, console, "desk", MEMBER)
    text = _export(page)
    row = _cells(text, 3)
    after = int(row["on_hand"]) + 40
    _upload(page, _edit(text, {3: str(after)}), "受入（県備蓄から）")
    change = page.get_by_test_id("csv-change-3")
    expect(change).to_contain_text(f"{int(row['on_hand']):,} → {after:,}")
    expect(page.locator("[data-testid=csv-changes] tbody tr")).to_have_count(1)
    shoot(page, "desk-csv-preview")
    with console.api("observer") as api:
        params = {"depot_id": row["depot_id"], "item": row["item_code"]}
        assert api.get("/stock", params=params).json()["items"][0]["on_hand"] == int(row["on_hand"])
    page.get_by_test_id("csv-apply").click()
    expect(page.get_by_test_id("csv-applied")).to_contain_text("1 行を反映しました")
    with console.api("observer") as api:
        assert api.get("/stock", params=params).json()["items"][0]["on_hand"] == after
        ledger = api.get(
            f"/depots/{row['depot_id']}/ledger", params={"item": row["item_code"]}
        ).json()["items"]
    assert ledger[0]["reason"].startswith("受入（県備蓄から）")  # the import adds its line
    expect(
        page.get_by_test_id(f"stock-row-{row['depot_id']}-{row['item_code']}").locator("td").first
    ).to_have_text(f"{after:,}")
