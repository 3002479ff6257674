"""Stock CSV export and import through the API (CONTRACTS §3): preview, all-or-nothing, every
bad line named, the same stock service as PUT, the desk's own member only."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from tests.api.api_helpers import assert_problem, count, new_depot
from ukg_aid.principal import Role

EXPORT = "/api/v1/stock/export"
IMPORT = "/api/v1/stock/import"
HEADER = (
    "depot_id,depot_name,item_code,item_name_ja,item_name_en,unit,"
    "on_hand,reserve_floor,reserved,available"
)


async def _export(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> str:
    resp = await client.get(EXPORT, params=params, headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "text/csv; charset=utf-8"
    assert resp.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    assert "attachment" in resp.headers["content-disposition"]
    return resp.content.decode("utf-8")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _file(rows: list[dict[str, Any]], columns: tuple[str, ...] | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or tuple(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


async def _import(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    text: str,
    *,
    dry_run: bool,
    key: str | None = None,
) -> httpx.Response:
    extra = {"Idempotency-Key": key} if key else {}
    return await client.post(
        IMPORT,
        json={"csv": text, "reason": "棚卸し 2026-12", "dry_run": dry_run},
        headers=headers | extra,
    )


@pytest.mark.sqlite
async def test_an_exported_file_imports_back_unchanged(client: httpx.AsyncClient, tokens) -> None:
    desk = await tokens.headers(Role.desk, "29")
    text = await _export(client, desk, member="29")
    assert text.removeprefix("\ufeff").splitlines()[0] == HEADER
    rows = _rows(text)
    stock = (
        await client.get("/api/v1/stock", params={"member": "29", "limit": 1000}, headers=desk)
    ).json()
    assert len(rows) == stock["total"] > 0
    first = stock["items"][0]
    assert rows[0]["depot_id"] == str(first["depot_id"])
    assert rows[0]["available"] == str(first["available"])
    assert rows[0]["item_name_ja"]  # names for people, ignored on import
    for dry_run in (True, False):
        resp = await _import(client, desk, text, dry_run=dry_run)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert (body["dry_run"], body["applied"]) == (dry_run, not dry_run)
        assert (body["changes"], body["unchanged"], body["rows"]) == ([], len(rows), len(rows))


async def test_preview_then_apply_through_the_stock_service(
    client: httpx.AsyncClient, tokens, session
) -> None:
    desk = await tokens.headers(Role.desk, "27")
    admin = await tokens.headers(Role.admin)
    depot = await new_depot(client, admin, "27")
    rows = _rows(await _export(client, desk, member="27"))[:2]
    rows[0]["on_hand"] = str(int(rows[0]["on_hand"]) + 500)
    rows[1]["reserve_floor"] = "0"
    rows.append({"depot_id": depot["id"], "item_code": "blankets", "on_hand": "１２０"})
    text = "\ufeff" + _file(rows, tuple(HEADER.split(",")))
    ledger_before, audit_before = (
        await count(session, "stock_ledger"),
        await count(session, "audit_events"),
    )

    preview = await _import(client, desk, text, dry_run=True)
    assert preview.status_code == 200, preview.text
    changes = preview.json()["changes"]
    assert [c["line"] for c in changes] == [2, 3, 4]
    assert changes[0]["on_hand_after"] == changes[0]["on_hand_before"] + 500
    assert changes[1]["reserve_floor_after"] == 0
    assert changes[2] | {"line": 0} == {
        "line": 0,
        "depot_id": depot["id"],
        "depot_name": "Test warehouse",
        "item_code": "blankets",
        "item_name_ja": changes[2]["item_name_ja"],
        "item_name_en": changes[2]["item_name_en"],
        "created": True,
        "on_hand_before": 0,
        "on_hand_after": 120,
        "reserve_floor_before": 0,
        "reserve_floor_after": 0,
    }
    assert await count(session, "stock_ledger") == ledger_before  # a preview changes nothing
    assert await count(session, "audit_events") == audit_before

    applied = await _import(client, desk, text, dry_run=False)
    assert applied.status_code == 200, applied.text
    assert applied.json()["changes"] == changes and applied.json()["applied"] is True
    assert await count(session, "stock_ledger") == ledger_before + 3
    row = (
        await client.get(
            "/api/v1/stock", params={"depot_id": depot["id"], "item": "blankets"}, headers=desk
        )
    ).json()["items"][0]
    assert (row["on_hand"], row["available"]) == (120, 120)
    ledger = (await client.get(f"/api/v1/depots/{depot['id']}/ledger", headers=desk)).json()
    assert ledger["items"][0]["reason"] == "棚卸し 2026-12 (CSV import, line 4)"
    events = (
        await client.get("/api/v1/audit-events", params={"entity": "stock"}, headers=admin)
    ).json()["items"]
    actions = [e["action"] for e in events[:4]]
    assert actions[0] == "stock.import" and sorted(actions[1:]) == [
        "stock.create",
        "stock.set",
        "stock.set",
    ]
    assert events[0]["after"]["changed"] == 3
    again = await _import(client, desk, text, dry_run=True)
    assert again.json()["changes"] == [] and again.json()["unchanged"] == 3


async def test_one_bad_row_applies_nothing_and_names_its_line(
    client: httpx.AsyncClient, tokens, session
) -> None:
    desk = await tokens.headers(Role.desk, "28")
    rows = _rows(await _export(client, desk, member="28"))[:4]
    good = [dict(r, on_hand=str(int(r["on_hand"]) + 1)) for r in rows]
    bad = [*good[:2], dict(good[2], on_hand="12.5"), *good[3:]]
    ledger_before = await count(session, "stock_ledger")
    for dry_run in (True, False):
        resp = await _import(client, desk, _file(bad), dry_run=dry_run)
        body = assert_problem(resp, 422)
        assert body["code"] == "csv-invalid" and "line 4" in body["detail"]
        assert body["errors"] == [
            {
                "line": 4,
                "column": "on_hand",
                "msg": "'12.5' is not a whole number (write digits only, e.g. 1200)",
                "type": "not_integer",
                "loc": ["body", "csv", 4, "on_hand"],
            }
        ]
    assert await count(session, "stock_ledger") == ledger_before
    after = _rows(await _export(client, desk, member="28"))[:4]
    assert [r["on_hand"] for r in after] == [r["on_hand"] for r in rows]


async def test_every_bad_row_is_listed(client: httpx.AsyncClient, tokens, reserved_kits) -> None:
    desk = await tokens.headers(Role.desk, "29")
    nara, osaka = reserved_kits["depot"], reserved_kits["osaka_depot"]
    text = "\n".join(
        [
            "depot_id,item_code,on_hand,reserve_floor",
            f"{nara},water,100,",  # line 2: fine
            "999999,water,1,",  # 3: unknown depot
            f"{osaka},water,1,",  # 4: another member's depot
            f"{nara},unobtainium,1,",  # 5: unknown item
            f"{nara},meals,-4,",  # 6: negative
            f"{nara},blankets,lots,",  # 7: not a number
            f"{nara},water,5,",  # 8: duplicate of line 2
            f"{nara},test_kit,10,",  # 9: below the 30 an approved plan reserved
            "",  # 10: blank lines are ignored
            ",meals,1,-1",  # 11: empty depot and a negative floor
        ]
    )
    # Another member's depot makes it a 403 (SPEC §7), still listing every bad line.
    body = assert_problem(await _import(client, desk, text, dry_run=True), 403)
    found = [(e["line"], e["column"], e["type"]) for e in body["errors"]]
    assert found == [
        (3, "depot_id", "unknown_depot"),
        (4, "depot_id", "wrong_member"),
        (5, "item_code", "unknown_item"),
        (6, "on_hand", "negative"),
        (7, "on_hand", "not_integer"),
        (8, "item_code", "duplicate"),
        (9, "on_hand", "below_reserved"),
        (11, "depot_id", "missing"),
        (11, "reserve_floor", "negative"),
    ]
    by_line = {e["line"]: e["msg"] for e in body["errors"]}
    assert "already on line 2" in by_line[8]
    assert "30 units approved plans have reserved" in by_line[9]
    assert "belongs to member 27" in by_line[4]


@pytest.fixture
async def reserved_kits(client: httpx.AsyncClient, tokens) -> dict[str, Any]:
    """An approved plan reserves 30 test kits at a Nara depot for Osaka City."""
    admin = await tokens.headers(Role.admin)
    made = await client.post(
        "/api/v1/items",
        headers=admin,
        json={
            "code": "test_kit",
            "name_en": "kit",
            "name_ja": "キット",
            "unit": "set",
            "unit_weight_kg": 2.0,
        },
    )
    assert made.status_code == 201
    depots = (await client.get("/api/v1/depots", params={"member": "29"}, headers=admin)).json()
    nara = depots["items"][0]["id"]
    osaka = (await client.get("/api/v1/depots", params={"member": "27"}, headers=admin)).json()
    put = await client.put(
        f"/api/v1/depots/{nara}/stock/test_kit", json={"on_hand": 100}, headers=admin
    )
    assert put.status_code == 201
    desk = await tokens.headers(Role.desk, "27100")
    coord = await tokens.headers(Role.coordinator)
    filed = await client.post(
        "/api/v1/aid-requests",
        headers=desk,
        json={
            "member_code": "27100",
            "delivery": {"name": "Osaka City Hall", "lat": 34.6937, "lon": 135.5022},
            "lines": [{"item_code": "test_kit", "quantity": 30}],
        },
    )
    plan = (await client.post("/api/v1/plans", json={}, headers=coord)).json()
    assert [a["request_id"] for a in plan["allocations"]] == [filed.json()["id"]]
    approved = await client.post(f"/api/v1/plans/{plan['id']}/approve", headers=coord)
    assert approved.status_code == 200
    return {"depot": nara, "osaka_depot": osaka["items"][0]["id"]}


async def test_who_may_import(client: httpx.AsyncClient, tokens) -> None:
    text = "depot_id,item_code,on_hand\n"
    for role in (Role.coordinator, Role.observer, Role.ems):
        headers = await tokens.headers(role)
        assert_problem(await _import(client, headers, text + "1,water,1\n", dry_run=True), 403)
    admin = await tokens.headers(Role.admin)
    osaka = (await client.get("/api/v1/depots", params={"member": "27"}, headers=admin)).json()
    line = f"{osaka['items'][0]['id']},water,1\n"
    ok = await _import(client, admin, text + line, dry_run=True)  # admin corrects any member
    assert ok.status_code == 200, ok.text
    nara_desk = await tokens.headers(Role.desk, "29")
    body = assert_problem(await _import(client, nara_desk, text + line, dry_run=False), 403)
    assert [e["type"] for e in body["errors"]] == ["wrong_member"]
    assert_problem(await client.post(IMPORT, json={"csv": text}, headers=admin), 422)  # reason
    too_long = {"csv": text, "reason": "x" * 201, "dry_run": True}
    assert_problem(await client.post(IMPORT, json=too_long, headers=admin), 422)
    assert_problem(await client.get(EXPORT, params={"member": "99"}, headers=admin), 404)
    assert_problem(await client.get(EXPORT, params={"depot_id": 999999}, headers=admin), 404)


async def test_encodings_bom_and_shift_jis(client: httpx.AsyncClient, tokens) -> None:
    desk = await tokens.headers(Role.desk, "26")
    text = await _export(client, desk, member="26")
    with_bom = await _import(client, desk, text, dry_run=True)
    assert with_bom.status_code == 200 and with_bom.json()["changes"] == []
    # Excel's plain "CSV" on Japanese Windows is Shift-JIS; a browser reading it as UTF-8
    # hands us U+FFFD where the Japanese names were.
    sjis = text.removeprefix("\ufeff").encode("cp932").decode("utf-8", errors="replace")
    body = assert_problem(await _import(client, desk, sjis, dry_run=True), 422)
    assert {e["type"] for e in body["errors"]} == {"encoding"}
    assert "Shift-JIS" in body["errors"][0]["msg"] and body["errors"][0]["line"] == 2
    utf16 = text.encode("utf-16-le").decode("utf-8", errors="replace")
    assert_problem(await _import(client, desk, utf16, dry_run=True), 422)
    # A lone surrogate escaped in JSON cannot be stored as UTF-8: a 422, never a 500.
    raw = '{"csv": "depot_id,item_code,on_hand\\n1,wa\\ud800ter,5\\n", "reason": "x"}'
    resp = await client.post(
        IMPORT, content=raw, headers=desk | {"Content-Type": "application/json"}
    )
    assert assert_problem(resp, 422)["errors"]


async def test_five_thousand_rows_at_most(client: httpx.AsyncClient, tokens) -> None:
    admin = await tokens.headers(Role.admin)
    header = "depot_id,item_code,on_hand\n"
    at_limit = header + "".join(f"{900000 + i},water,1\n" for i in range(5000))
    body = assert_problem(await _import(client, admin, at_limit, dry_run=True), 422)
    assert len(body["errors"]) == 5000 and body["errors"][-1]["line"] == 5001
    assert {e["type"] for e in body["errors"]} == {"unknown_depot"}  # read, not refused whole
    over = at_limit + "900001,meals,1\n"
    body = assert_problem(await _import(client, admin, over, dry_run=True), 422)
    assert [(e["line"], e["type"]) for e in body["errors"]] == [(5002, "too_many_rows")]


async def test_idempotent_import_and_formula_safe_export(
    client: httpx.AsyncClient, tokens, session
) -> None:
    desk = await tokens.headers(Role.desk, "30")
    depot = await new_depot(client, desk, "30", name='=HYPERLINK("http://x","y")')
    text = f"depot_id,item_code,on_hand\n{depot['id']},water,40\n"
    first = await _import(client, desk, text, dry_run=False, key="import-1")
    assert first.status_code == 200, first.text
    ledger = await count(session, "stock_ledger")
    again = await _import(client, desk, text, dry_run=False, key="import-1")
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert await count(session, "stock_ledger") == ledger
    exported = _rows(await _export(client, desk, depot_id=depot["id"]))
    assert exported[0]["depot_name"].startswith("'=")  # never a live formula in Excel
    back = await _import(client, desk, _file(exported), dry_run=True)
    assert back.json()["unchanged"] == 1
