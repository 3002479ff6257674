"""The shipments board in the browser (SPEC §11, §13): the supplier's desk dispatches a whole
shipment and declines an allocation with a reason; the receiver confirms with a short count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.console.console_support import Console, Watched, console_server, go, log_in, shoot


@pytest.fixture(scope="module")
def console(pg_server: str) -> Iterator[Console]:
    with console_server(pg_server) as served_console:
        yield served_console


def _arrange(console: Console) -> dict[str, int]:
    """Two requests of Osaka City for a private item only Nara holds: two shipments."""
    with console.api("admin") as admin:
        item = {
            "code": "board_kit",
            "name_en": "Board kit",
            "name_ja": "ボード資材",
            "unit": "piece",
            "unit_weight_kg": 2.0,
        }
        assert admin.post("/items", json=item).status_code == 201
        depot = admin.get("/depots", params={"member": "29"}).json()["items"][0]["id"]
        resp = admin.put(f"/depots/{depot}/stock/board_kit", json={"on_hand": 500})
        assert resp.status_code in (200, 201)
    ids = []
    with console.api("desk", "27100") as desk:
        for name, lat in (("中之島 避難所", 34.6937), ("天王寺 避難所", 34.6465)):
            body = {
                "member_code": "27100",
                "priority": "high",
                "delivery": {"name": name, "lat": lat, "lon": 135.5022},
                "lines": [{"item_code": "board_kit", "quantity": 40}],
            }
            ids.append(desk.post("/aid-requests", json=body).json()["id"])
    with console.api("coordinator") as coord:
        plan = coord.post("/plans", json={"request_ids": ids}).json()
        assert coord.post(f"/plans/{plan['id']}/approve").status_code == 200
        found = coord.get("/shipments", params={"plan_id": plan["id"]}).json()["items"]
    first, second = sorted(found, key=lambda s: s["id"])
    return {"ship": first["id"], "other_alloc": second["allocation_ids"][0], "other": second["id"]}


def test_dispatch_decline_and_a_counted_delivery(browse: Watched, console: Console) -> None:
    ids = _arrange(console)
    nara = log_in(browse.new_page(), console, "desk", "29")
    go(nara, "#/shipments")
    row = nara.get_by_test_id(f"shipment-{ids['ship']}")
    expect(row).to_contain_text("発送待ち")
    expect(row).to_contain_text("4 t × 1")
    nara.get_by_test_id(f"ship-dispatch-{ids['ship']}").click()
    expect(nara.get_by_test_id("notice")).to_contain_text("発送しました")
    expect(nara.get_by_test_id(f"shipment-{ids['ship']}")).to_have_attribute(
        "data-status", "dispatched"
    )
    nara.get_by_test_id(f"decline-{ids['other_alloc']}").click()
    nara.get_by_test_id("dialog-note").fill("国道168号 通行止め")
    nara.get_by_test_id("dialog-confirm").click()
    expect(nara.get_by_test_id("notice").last).to_contain_text("辞退しました")
    shoot(nara, "desk-shipments-board")

    osaka = log_in(browse.new_page(), console, "desk", "27100", lang="en")
    go(osaka, "#/shipments")
    osaka.get_by_test_id(f"ship-deliver-{ids['ship']}").click()
    dialog = osaka.get_by_test_id("count-dialog")
    dialog.locator("input").fill("37")
    dialog.locator("select").select_option("damaged")
    osaka.get_by_test_id("count-confirm").click()
    expect(osaka.get_by_test_id("notice").last).to_contain_text("confirmed")
    with console.api("coordinator") as coord:
        shipment = coord.get(f"/shipments/{ids['ship']}").json()
        assert shipment["status"] == "delivered"
        rows = coord.get("/allocations", params={"plan_id": shipment["plan_id"]}).json()["items"]
        counted = next(r for r in rows if r["id"] in shipment["allocation_ids"])
        assert (counted["received"], counted["loss_reason"]) == (37, "damaged")
        declined = next(r for r in rows if r["id"] == ids["other_alloc"])
        assert declined["status"] == "declined"


def test_the_coordinator_closes_and_reopens_a_bridge_on_the_map(
    browse: Watched, console: Console
) -> None:
    coordinator = log_in(browse.new_page(), console, "coordinator", lang="en")
    go(coordinator, "#/map")
    coordinator.get_by_test_id("close-akashi-kaikyo").click()
    panel = coordinator.get_by_test_id("closures")
    expect(panel.locator("li")).to_have_count(1)
    expect(panel).to_contain_text("Akashi Kaikyō Bridge")
    expect(coordinator.get_by_test_id("union-map").locator("path[stroke='#b00020']")).to_have_count(
        1
    )
    shoot(coordinator, "coordinator-map-closure")
    with console.api("coordinator") as coord:
        incident = coord.get("/incidents", params={"status": "active"}).json()["items"][0]["id"]
        listed = coord.get(f"/incidents/{incident}/closures").json()
        (closure,) = [c for c in listed if c["active"]]
        assert closure["crossing"] == "akashi-kaikyo"
    coordinator.get_by_test_id(f"reopen-{closure['id']}").click()
    expect(panel.locator("li")).to_have_count(0)


def _heavy_shipment(console: Console, code: str = "wave_pallet") -> dict[str, int]:
    """12 t for Osaka City from Nara, dispatched: a 10 t and a 4 t truck, two waves."""
    with console.api("admin") as admin:
        item = {
            "code": code,
            "name_en": "Water pallet",
            "name_ja": "飲料水パレット",
            "unit": "pallet",
            "unit_weight_kg": 1000.0,
        }
        assert admin.post("/items", json=item).status_code == 201
        depot = admin.get("/depots", params={"member": "29"}).json()["items"][0]["id"]
        resp = admin.put(f"/depots/{depot}/stock/{code}", json={"on_hand": 20})
        assert resp.status_code in (200, 201)
    with console.api("desk", "27100") as desk:
        body = {
            "member_code": "27100",
            "priority": "high",
            "delivery": {"name": "住吉 避難所", "lat": 34.6128, "lon": 135.4996},
            "lines": [{"item_code": code, "quantity": 12}],
        }
        request_id = desk.post("/aid-requests", json=body).json()["id"]
    with console.api("coordinator") as coord:
        plan = coord.post("/plans", json={"request_ids": [request_id]}).json()
        assert coord.post(f"/plans/{plan['id']}/approve").status_code == 200
        (found,) = coord.get("/shipments", params={"plan_id": plan["id"]}).json()["items"]
    with console.api("desk", "29") as nara:
        sent = nara.post(f"/shipments/{found['id']}/dispatch", json={}).json()
        assert sent["status"] == "dispatched" and sent["waves_total"] == 2, sent
    return {"ship": found["id"], "alloc": found["allocation_ids"][0]}


def test_the_receiver_counts_each_truck_trip_as_it_arrives(
    browse: Watched, console: Console
) -> None:
    ids = _heavy_shipment(console)
    osaka = log_in(browse.new_page(), console, "desk", "27100", lang="en")
    go(osaka, "#/shipments")
    row = osaka.get_by_test_id(f"shipment-{ids['ship']}")
    expect(osaka.get_by_test_id(f"waves-{ids['ship']}")).to_contain_text("trips counted: 0 of 2")
    button = osaka.get_by_test_id(f"ship-deliver-{ids['ship']}")
    expect(button).to_have_text("Confirm trip 1 of 2")
    button.click()
    dialog = osaka.get_by_test_id("count-dialog")
    expect(dialog).to_contain_text("trip 1")
    expect(dialog.locator("input")).to_have_value("10")  # the 10 t truck's part
    dialog.locator("input").fill("9")
    dialog.locator("select").select_option("damaged")
    osaka.get_by_test_id("count-confirm").click()
    expect(osaka.get_by_test_id(f"waves-{ids['ship']}")).to_contain_text("trips counted: 1 of 2")
    expect(row).to_have_attribute("data-status", "dispatched")
    shoot(osaka, "desk-shipment-waves")
    with console.api("coordinator") as coord:
        shipment = coord.get(f"/shipments/{ids['ship']}").json()
        first = next(w for w in shipment["waves"] if w["wave"] == 1)
        assert [(p["received"], p["loss_reason"]) for p in first["parts"]] == [(9, "damaged")]
    osaka.get_by_test_id(f"ship-deliver-{ids['ship']}").click()
    expect(osaka.get_by_test_id("count-dialog").locator("input")).to_have_value("2")
    osaka.get_by_test_id("count-confirm").click()
    expect(osaka.get_by_test_id(f"shipment-{ids['ship']}")).to_have_count(0)  # off the board
    with console.api("coordinator") as coord:
        assert coord.get(f"/shipments/{ids['ship']}").json()["status"] == "delivered"
        rows = coord.get("/allocations", params={"status": "delivered"}).json()["items"]
        counted = next(r for r in rows if r["id"] == ids["alloc"])
        assert (counted["received"], counted["loss_reason"]) == (11, "damaged")


def test_the_board_speaks_japanese_about_trips(browse: Watched, console: Console) -> None:
    ids = _heavy_shipment(console, "wave_pallet_ja")
    osaka = log_in(browse.new_page(), console, "desk", "27100")
    go(osaka, "#/shipments")
    expect(osaka.get_by_test_id(f"waves-{ids['ship']}")).to_contain_text("受領済みの便：0 / 2")
    expect(osaka.get_by_test_id(f"ship-deliver-{ids['ship']}")).to_have_text(
        "第 1 便を受領（全 2 便）"
    )


def _queued_behind_a_full_pool(console: Console) -> dict[str, Any]:
    """Wakayama's pool (36 t) all out on one shipment 20 h ago; a second one queued behind it."""
    at = (datetime.now(UTC) - timedelta(hours=20)).isoformat()
    with console.api("admin") as admin:
        item = {
            "code": "queue_pallet",
            "name_en": "Meal pallet",
            "name_ja": "食料パレット",
            "unit": "pallet",
            "unit_weight_kg": 1000.0,
        }
        assert admin.post("/items", json=item).status_code == 201
        depot = admin.get("/depots", params={"member": "30"}).json()["items"][0]["id"]
        resp = admin.put(f"/depots/{depot}/stock/queue_pallet", json={"on_hand": 50, "at": at})
        assert resp.status_code in (200, 201)
    ids = []
    with console.api("desk", "27100") as desk:
        for name, lat, qty in (("港 避難所", 34.6556, 36), ("西成 避難所", 34.6352, 2)):
            body = {
                "member_code": "27100",
                "priority": "normal",
                "delivery": {"name": name, "lat": lat, "lon": 135.46},
                "lines": [{"item_code": "queue_pallet", "quantity": qty}],
                "at": at,
            }
            resp = desk.post("/aid-requests", json=body)
            assert resp.status_code == 201, resp.text
            ids.append(resp.json()["id"])
    with console.api("coordinator") as coord:
        plan = coord.post("/plans", json={"request_ids": ids, "at": at}).json()
        approved = coord.post(f"/plans/{plan['id']}/approve", json={"at": at})
        assert approved.status_code == 200, approved.text
        found = coord.get("/shipments", params={"plan_id": plan["id"]}).json()["items"]
    big, small = sorted(found, key=lambda s: -s["weight_kg"])
    with console.api("desk", "30") as wakayama:
        sent = wakayama.post(f"/shipments/{big['id']}/dispatch", json={"at": at}).json()
        assert sent["status"] == "dispatched", sent
        queued = wakayama.post(f"/shipments/{small['id']}/dispatch", json={"at": at}).json()
        assert queued["status"] == "queued", queued
    return dict(queued)


def test_a_queued_shipment_leaves_by_itself_on_the_board(browse: Watched, console: Console) -> None:
    queued = _queued_behind_a_full_pool(console)
    wakayama = log_in(browse.new_page(), console, "desk", "30", lang="en")
    go(wakayama, "#/shipments")
    row = wakayama.get_by_test_id(f"shipment-{queued['id']}")
    expect(row).to_have_attribute("data-status", "queued")
    expect(wakayama.get_by_test_id(f"queue-{queued['id']}")).to_contain_text("1 in the queue")
    with console.api("coordinator") as coord:  # what the periodic task does every minute
        left = coord.post("/trucks/queue/advance", json={"member": "30"}).json()["dispatched"]
    assert [s["id"] for s in left] == [queued["id"]]
    assert left[0]["dispatched_at"] == queued["departure_at"]  # when the trucks came back
    expect(row).to_have_attribute("data-status", "dispatched")  # live, from the event stream
    shoot(wakayama, "desk-queue-left")
    with console.api("coordinator") as coord:
        events = coord.get("/audit-events", params={"action": "shipment.dispatch"}).json()
        mine = [e for e in events["items"] if str(e["entity_id"]) == str(queued["id"])]
        assert [(e["actor"], e["note"]) for e in mine] == [
            ("system", "queue: trucks back at the depot")
        ]
