"""Plans that know the trucks, in the browser (issue 13): when the supplier's trucks are out,
the plan review shows the wait inside the ETA and in the reason, in Japanese and English, and
the supplier's allocation row shows it too."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.console.console_support import (
    ENGLISH,
    Console,
    Watched,
    console_server,
    go,
    log_in,
    shoot,
    visible_texts,
)

SUPPLIER = "25"  # Shiga holds the private item alone


@pytest.fixture(scope="module")
def console(pg_server: str) -> Iterator[Console]:
    with console_server(pg_server) as served_console:
        yield served_console


def _request(console: Console, quantity: int, priority: str) -> int:
    body = {
        "member_code": "27100",
        "priority": priority,
        "delivery": {"name": "中之島 避難所", "lat": 34.6937, "lon": 135.5022},
        "lines": [{"item_code": "tw_crate", "quantity": quantity}],
    }
    with console.api("desk", "27100") as desk:
        resp = desk.post("/aid-requests", json=body)
        assert resp.status_code == 201, resp.text
        return int(resp.json()["id"])


def _trucks_out(console: Console) -> dict[str, Any]:
    """Shiga's whole 36 t pool on the road with a first shipment; returns that shipment."""
    with console.api("admin") as admin:
        item = {
            "code": "tw_crate",
            "name_en": "Water crate pallet",
            "name_ja": "飲料水パレット",
            "unit": "piece",
            "unit_weight_kg": 1000.0,
        }
        assert admin.post("/items", json=item).status_code == 201
        depot = admin.get("/depots", params={"member": SUPPLIER}).json()["items"][0]["id"]
        resp = admin.put(f"/depots/{depot}/stock/tw_crate", json={"on_hand": 100})
        assert resp.status_code in (200, 201), resp.text
    first = _request(console, 36, "high")
    with console.api("coordinator") as coord:
        plan = coord.post("/plans", json={"request_ids": [first]}).json()
        assert coord.post(f"/plans/{plan['id']}/approve").status_code == 200
        (shipment,) = coord.get("/shipments", params={"plan_id": plan["id"]}).json()["items"]
    with console.api("desk", SUPPLIER) as desk:
        out = desk.post(f"/shipments/{shipment['id']}/dispatch", json={}).json()
    assert out["status"] == "dispatched", out
    return dict(out)


def test_the_plan_review_shows_the_truck_wait_in_the_eta(browse: Watched, console: Console) -> None:
    _trucks_out(console)
    _request(console, 2, "critical")
    page = log_in(browse.new_page(), console, "coordinator")
    go(page, "#/plans")
    page.get_by_test_id("run-matching").click()
    page.wait_for_function("() => /^#\\/plans\\/\\d+$/.test(location.hash)")
    plan_id = int(page.evaluate("location.hash").rsplit("/", 1)[1])
    with console.api("coordinator") as coord:
        (row,) = coord.get("/allocations", params={"plan_id": plan_id}).json()["items"]
    wait = math.floor(row["truck_wait_minutes"] + 0.5)  # half up, as the console rounds
    assert wait > 60, row
    eta = page.get_by_test_id(f"plan-eta-{row['id']}")
    expect(eta).to_contain_text(f"うちトラック待ち {wait:,} 分")
    reason = page.locator(f"[data-testid=plan-alloc-{row['id']}] td.reason")
    expect(reason).to_contain_text("在庫のある最寄りの稼働拠点")
    expect(reason).to_contain_text(f"到着見込みにトラック待ち {wait} 分を含む")
    texts = [t["text"] for t in visible_texts(page) if t["lang"] != "en"]
    assert not [t for t in texts if ENGLISH.search(t)], texts
    shoot(page, "coordinator-plan-truck-wait", full_page=True)

    english = log_in(browse.new_page(), console, "coordinator", lang="en")
    go(english, f"#/plans/{plan_id}")
    expect(english.get_by_test_id(f"plan-eta-{row['id']}")).to_contain_text(
        f"incl. {wait:,} min waiting for trucks"
    )
    expect(english.locator(f"[data-testid=plan-alloc-{row['id']}] td.reason")).to_contain_text(
        f"truck wait of {wait} min in the ETA"
    )

    with console.api("coordinator") as coord:
        assert coord.post(f"/plans/{plan_id}/approve").status_code == 200
    supplier = log_in(browse.new_page(), console, "desk", SUPPLIER)
    go(supplier, "#/shipments")
    expect(supplier.get_by_test_id(f"alloc-{row['id']}")).to_contain_text(
        f"うちトラック待ち {wait:,} 分"
    )
    shoot(supplier, "supplier-allocation-truck-wait")
