"""A desk's depots and stock: inline edits need a ledger reason, depot status, live updates;
CSV export and import with a preview (CONTRACTS §3)."""

from __future__ import annotations

from console_support import Console, log_in, shoot
from playwright.sync_api import Page, expect

MEMBER = "28"  # Hyogo


def _first_row(console: Console) -> dict[str, object]:
    with console.api("observer") as api:
        depot = api.get("/depots", params={"member": MEMBER}).json()["items"][0]
        return api.get("/stock", params={"depot_id": depot["id"], "item": "water"}).json()["items"][
            0
        ]


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
