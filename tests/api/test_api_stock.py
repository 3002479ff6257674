"""Stock rows: derived availability, stocktakes, adjustments, ledger and audit (SPEC §2, §7)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.api_helpers import assert_problem, error_locs, new_depot, stock_row
from ukg_aid.principal import Role
from ukg_aid.schemas import Page
from ukg_aid.stockpiles.schemas import StockRead


def _stock_url(depot_id: int, item: str = "water") -> str:
    return f"/api/v1/depots/{depot_id}/stock/{item}"


async def _put(
    client: httpx.AsyncClient, headers: dict[str, str], depot_id: int, **body: Any
) -> httpx.Response:
    return await client.put(_stock_url(depot_id), json=body, headers=headers)


async def _adjust(
    client: httpx.AsyncClient, headers: dict[str, str], depot_id: int, delta: int, reason: str
) -> httpx.Response:
    return await client.post(
        _stock_url(depot_id) + "/adjustments",
        json={"delta": delta, "reason": reason},
        headers=headers,
    )


async def _reserve(session: AsyncSession, depot_id: int, reserved: int) -> None:
    """Arrange ``reserved`` directly, as an approved plan would have."""
    row = await stock_row(session, depot_id, "water")
    assert row is not None
    row.reserved = reserved
    await session.commit()


async def _ledger(client: httpx.AsyncClient, headers: dict[str, str], depot_id: int) -> list[Any]:
    resp = await client.get(f"/api/v1/depots/{depot_id}/ledger", headers=headers)
    assert resp.status_code == 200, resp.text
    items: list[Any] = resp.json()["items"]
    return items


async def _audit(client: httpx.AsyncClient, headers: dict[str, str], depot_id: int) -> list[Any]:
    resp = await client.get(
        "/api/v1/audit-events",
        params={"entity": "stock", "entity_id": f"{depot_id}:water"},
        headers=headers,
    )
    assert resp.status_code == 200, resp.text
    items: list[Any] = resp.json()["items"]
    return items


@pytest.fixture
async def desk(tokens) -> dict[str, str]:
    headers: dict[str, str] = await tokens.headers(Role.desk, "27")
    return headers


@pytest.fixture
async def depot_id(client: httpx.AsyncClient, desk: dict[str, str]) -> int:
    return int((await new_depot(client, desk))["id"])


@pytest.mark.sqlite
async def test_put_creates_then_updates_the_row(
    client: httpx.AsyncClient, desk: dict[str, str], depot_id: int
) -> None:
    first = await _put(client, desk, depot_id, on_hand=100, reserve_floor=30)
    assert first.status_code == 201, first.text
    row = first.json()
    assert row == row | {
        "depot_id": depot_id,
        "member_code": "27",
        "item_code": "water",
        "on_hand": 100,
        "reserved": 0,
        "reserve_floor": 30,
        "available": 70,
    }
    second = await _put(client, desk, depot_id, on_hand=120, reason="recount")
    assert second.status_code == 200, second.text
    assert second.json()["reserve_floor"] == 30
    assert second.json()["available"] == 90


async def test_available_subtracts_reserved_and_floor(
    client: httpx.AsyncClient, desk: dict[str, str], depot_id: int, session: AsyncSession
) -> None:
    await _put(client, desk, depot_id, on_hand=100, reserve_floor=30)
    await _reserve(session, depot_id, 20)
    resp = await client.get("/api/v1/stock", params={"depot_id": depot_id}, headers=desk)
    [row] = resp.json()["items"]
    assert (row["on_hand"], row["reserved"], row["reserve_floor"]) == (100, 20, 30)
    assert row["available"] == 100 - 20 - 30


@pytest.mark.sqlite
async def test_available_is_never_negative(
    client: httpx.AsyncClient, desk: dict[str, str], depot_id: int
) -> None:
    resp = await _put(client, desk, depot_id, on_hand=10, reserve_floor=50)
    assert resp.status_code == 201, resp.text
    assert resp.json()["available"] == 0


async def test_stocktake_below_reserved_is_409_and_changes_nothing(
    client: httpx.AsyncClient, desk: dict[str, str], depot_id: int, session: AsyncSession
) -> None:
    await _put(client, desk, depot_id, on_hand=100)
    await _reserve(session, depot_id, 60)
    ledger_before = await _ledger(client, desk, depot_id)
    body = assert_problem(await _put(client, desk, depot_id, on_hand=59), 409)
    assert body["code"] == "stock-invariant"
    assert body["reserved"] == 60
    row = await stock_row(session, depot_id, "water")
    assert row is not None
    assert (row.on_hand, row.reserved) == (100, 60)
    assert await _ledger(client, desk, depot_id) == ledger_before
    assert (await _put(client, desk, depot_id, on_hand=60)).status_code == 200


async def test_every_change_is_in_ledger_and_audit_log(
    client: httpx.AsyncClient, desk: dict[str, str], depot_id: int, tokens
) -> None:
    await _put(client, desk, depot_id, on_hand=100, reserve_floor=10)
    await _put(client, desk, depot_id, on_hand=80, reason="water damage found at recount")
    await _adjust(client, desk, depot_id, 25, "delivery from Sakai")
    await _adjust(client, desk, depot_id, -5, "local shelter use")
    ledger = await _ledger(client, desk, depot_id)
    assert [e["delta_on_hand"] for e in ledger] == [-5, 25, -20, 100]
    assert [e["on_hand_after"] for e in ledger] == [100, 105, 80, 100]
    assert ledger[0]["reason"] == "local shelter use"
    assert ledger[2]["reason"] == "water damage found at recount"
    assert ledger[3]["reason"] == "stocktake"
    assert ledger[3]["delta_reserve_floor"] == 10
    assert all(e["actor"].startswith("desk-27") for e in ledger)
    events = await _audit(client, await tokens.headers(Role.coordinator), depot_id)
    assert [e["action"] for e in events] == [
        "stock.adjust",
        "stock.adjust",
        "stock.set",
        "stock.create",
    ]
    assert events[0]["before"]["on_hand"] == 105
    assert events[0]["after"]["on_hand"] == 100
    assert events[3]["before"] is None
    assert events[3]["after"]["on_hand"] == 100
    assert all(e["role"] == "desk" and e["member_code"] == "27" for e in events)


@pytest.mark.sqlite
async def test_adjustment_adds_and_removes(
    client: httpx.AsyncClient, desk: dict[str, str], depot_id: int
) -> None:
    await _put(client, desk, depot_id, on_hand=10)
    up = await _adjust(client, desk, depot_id, 7, "receipt")
    assert up.status_code == 200, up.text
    assert up.json()["on_hand"] == 17
    down = await _adjust(client, desk, depot_id, -17, "all used locally")
    assert down.status_code == 200
    assert down.json()["on_hand"] == 0


async def test_adjustment_below_zero_or_reserved_is_409(
    client: httpx.AsyncClient, desk: dict[str, str], depot_id: int, session: AsyncSession
) -> None:
    await _put(client, desk, depot_id, on_hand=10)
    assert_problem(await _adjust(client, desk, depot_id, -11, "too many"), 409)
    await _reserve(session, depot_id, 8)
    assert_problem(await _adjust(client, desk, depot_id, -3, "eats into reserved"), 409)
    ok = await _adjust(client, desk, depot_id, -2, "exactly what is free")
    assert ok.status_code == 200
    assert ok.json()["on_hand"] == 8
    assert len(await _ledger(client, desk, depot_id)) == 2


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"on_hand": -1}, ("body", "on_hand")),
        ({"on_hand": "ten"}, ("body", "on_hand")),
        ({"on_hand": 2.5}, ("body", "on_hand")),
        ({"on_hand": None}, ("body", "on_hand")),
        ({}, ("body", "on_hand")),
        ({"on_hand": 10, "reserve_floor": -1}, ("body", "reserve_floor")),
        ({"on_hand": 10, "colour": "blue"}, ("body", "colour")),
        ({"on_hand": 10, "at": "yesterday"}, ("body", "at")),
    ],
)
async def test_bad_stock_bodies_are_422_with_field_errors(
    client: httpx.AsyncClient,
    desk: dict[str, str],
    depot_id: int,
    body: dict[str, Any],
    loc: tuple[str, ...],
) -> None:
    resp = await client.put(_stock_url(depot_id), json=body, headers=desk)
    problem = assert_problem(resp, 422)
    assert loc in error_locs(problem)
    assert await _ledger(client, desk, depot_id) == []


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"delta": 5}, ("body", "reason")),
        ({"delta": 5, "reason": ""}, ("body", "reason")),
        ({"reason": "no delta"}, ("body", "delta")),
        ({"delta": 0.5, "reason": "half"}, ("body", "delta")),
        ({"delta": 5, "reason": "x", "by": "me"}, ("body", "by")),
    ],
)
async def test_bad_adjustments_are_422(
    client: httpx.AsyncClient,
    desk: dict[str, str],
    depot_id: int,
    body: dict[str, Any],
    loc: tuple[str, ...],
) -> None:
    await _put(client, desk, depot_id, on_hand=10)
    resp = await client.post(_stock_url(depot_id) + "/adjustments", json=body, headers=desk)
    assert loc in error_locs(assert_problem(resp, 422))


async def test_unknown_depot_or_item_is_404(
    client: httpx.AsyncClient, desk: dict[str, str], depot_id: int
) -> None:
    assert_problem(await client.put(_stock_url(99_999_999), json={"on_hand": 1}, headers=desk), 404)
    resp = await client.put(_stock_url(depot_id, "unobtainium"), json={"on_hand": 1}, headers=desk)
    assert assert_problem(resp, 404)["code"] == "unknown-item"
    adj = await client.post(
        _stock_url(depot_id, "unobtainium") + "/adjustments",
        json={"delta": 1, "reason": "x"},
        headers=desk,
    )
    assert_problem(adj, 404)
    no_row = await client.post(
        _stock_url(depot_id, "tents") + "/adjustments",
        json={"delta": 1, "reason": "x"},
        headers=desk,
    )
    assert assert_problem(no_row, 404)["code"] == "unknown-stock"
    assert_problem(await client.get("/api/v1/depots/99999999/ledger", headers=desk), 404)


async def test_admin_may_correct_any_members_stock(
    client: httpx.AsyncClient, tokens, desk: dict[str, str], depot_id: int
) -> None:
    admin = await tokens.headers(Role.admin)
    resp = await _put(client, admin, depot_id, on_hand=5, reason="admin correction")
    assert resp.status_code == 201, resp.text
    assert (await _ledger(client, desk, depot_id))[0]["actor"].startswith("admin-")


async def test_stock_list_filters(client: httpx.AsyncClient, tokens) -> None:
    headers = await tokens.headers(Role.observer)
    resp = await client.get(
        "/api/v1/stock", params={"member": "28", "item": "meals", "limit": 3}, headers=headers
    )
    page = resp.json()
    assert resp.status_code == 200
    assert page["limit"] == 3
    assert 0 < len(page["items"]) <= 3
    assert page["total"] >= len(page["items"])
    assert {(r["member_code"], r["item_code"]) for r in page["items"]} == {("28", "meals")}
    for row in page["items"]:
        expected = max(0, row["on_hand"] - row["reserved"] - row["reserve_floor"])
        assert row["available"] == expected


@pytest.mark.sqlite
async def test_stock_total_counts_every_matching_row(
    client: httpx.AsyncClient, tokens, session: AsyncSession
) -> None:
    """The total comes with the page (a count beside it, issue 11), or alone for a page past the
    end: either way it is the number of rows the filters match, counted here from the table."""
    headers = await tokens.headers(Role.observer)
    rows = (
        await session.execute(
            text(
                "SELECT stock.item_code, stock.depot_id, depots.member_code FROM stock"
                " JOIN depots ON depots.id = stock.depot_id"
            )
        )
    ).all()
    some = rows[0]
    shapes: list[dict[str, Any]] = [
        {},
        {"member": "28"},
        {"item": "meals"},
        {"member": some.member_code, "item": some.item_code},
        {"depot_id": some.depot_id},
        {"member": some.member_code, "depot_id": some.depot_id, "item": some.item_code},
    ]
    for params in shapes:
        expected = sum(
            1
            for r in rows
            if params.get("member", r.member_code) == r.member_code
            and params.get("item", r.item_code) == r.item_code
            and params.get("depot_id", r.depot_id) == r.depot_id
        )
        for offset in (0, expected + 5):
            resp = await client.get(
                "/api/v1/stock", params={**params, "limit": 2, "offset": offset}, headers=headers
            )
            assert resp.status_code == 200, resp.text
            page = resp.json()
            assert page["total"] == expected, (params, offset)
            assert len(page["items"]) == (min(2, expected) if offset == 0 else 0)


async def test_stock_page_is_what_the_model_answers(client: httpx.AsyncClient, tokens) -> None:
    """The stock list is built as plain data and serialised once (issue 11): every row must be
    exactly what ``StockRead`` answers for it — its fields in its order, times in Japan time."""
    headers = await tokens.headers(Role.observer)
    resp = await client.get("/api/v1/stock", params={"limit": 50}, headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/json"
    page = resp.json()
    assert page["items"]
    modelled = Page[StockRead].model_validate(page).model_dump(mode="json")
    assert page == modelled
    assert [list(row) for row in page["items"]] == [list(StockRead.model_fields)] * len(
        page["items"]
    )
    assert all(row["updated_at"].endswith("+09:00") for row in page["items"])
