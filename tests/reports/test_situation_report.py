"""The situation report over a filed → planned → dispatched → delivered scenario: every number.

Private items keep the arithmetic in view: 90 test kits available (a Nara depot, 100 on hand,
floor 10), 20 test cots (Wakayama), no test tents anywhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.app_support import StatementCounter
from ukg_aid.client import UkgClient
from ukg_aid.clock import JST
from ukg_aid.db import Database
from ukg_aid.principal import Role

# The scenario replays a fixed day (SPEC §9: only a simulated clock accepts such times).
pytestmark = pytest.mark.simulated_clock

URL = "/api/v1/reports/situation"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=JST)
OSAKA_CITY_HALL = {"name": "Osaka City Hall", "lat": 34.6937, "lon": 135.5022}
KOBE_CITY_HALL = {"name": "Kobe City Hall", "lat": 34.6901, "lon": 135.1955}
SAKAI_CITY_HALL = {"name": "Sakai City Hall", "lat": 34.5733, "lon": 135.4828}


def _at(hours: float) -> str:
    return (T0 + timedelta(hours=hours)).isoformat()


class Api:
    def __init__(self, client: httpx.AsyncClient, tokens: Any) -> None:
        self.client = client
        self.tokens = tokens

    async def ok(self, method: str, path: str, headers: dict[str, str], **body: Any) -> Any:
        resp = await self.client.request(method, f"/api/v1{path}", json=body, headers=headers)
        assert resp.status_code in (200, 201), resp.text
        return resp.json()

    async def file(self, member: str, point: dict[str, Any], lines: dict[str, int], h: float):
        desk = await self.tokens.headers(Role.desk, member)
        body = {
            "member_code": member,
            "delivery": point,
            "priority": "high",
            "lines": [{"item_code": c, "quantity": q} for c, q in lines.items()],
            "at": _at(h),
        }
        return await self.ok("POST", "/aid-requests", desk, **body)


async def _item(api: Api, admin: dict[str, str], code: str, name_ja: str, unit: str) -> None:
    await api.ok(
        "POST",
        "/items",
        admin,
        code=code,
        name_en=code.replace("_", " "),
        name_ja=name_ja,
        unit=unit,
        unit_weight_kg=1.5,
    )


async def _depot(api: Api, admin: dict[str, str], member: str) -> int:
    page = await api.ok("GET", f"/depots?member={member}", admin)
    return int(page["items"][0]["id"])


@pytest.fixture
async def scenario(client: httpx.AsyncClient, tokens) -> dict[str, Any]:
    api = Api(client, tokens)
    admin = await tokens.headers(Role.admin)
    coord = await tokens.headers(Role.coordinator)
    await _item(api, admin, "test_kit", "テストキット", "set")
    await _item(api, admin, "test_tent", "テストテント", "tent")
    await _item(api, admin, "test_cot", "テスト簡易ベッド", "cot")
    nara, wakayama = await _depot(api, admin, "29"), await _depot(api, admin, "30")
    await api.ok(
        "PUT", f"/depots/{nara}/stock/test_kit", admin, on_hand=100, reserve_floor=10, at=_at(-1)
    )
    await api.ok("PUT", f"/depots/{wakayama}/stock/test_cot", admin, on_hand=20, at=_at(-1))

    a = await api.file("27100", OSAKA_CITY_HALL, {"test_kit": 60, "test_tent": 5}, 0)
    c = await api.file("27140", SAKAI_CITY_HALL, {"test_kit": 10}, 0.5)
    b = await api.file("28100", KOBE_CITY_HALL, {"test_kit": 60}, 1)
    sakai = await tokens.headers(Role.desk, "27140")
    await api.ok("POST", f"/aid-requests/{c['id']}/cancel", sakai, at=_at(1.5))

    plan = await api.ok("POST", "/plans", coord, at=_at(2))
    kits = {x["request_id"]: x for x in plan["allocations"]}
    assert {r: x["quantity"] for r, x in kits.items()} == {a["id"]: 45, b["id"]: 45}
    await api.ok("POST", f"/plans/{plan['id']}/approve", coord, at=_at(2))
    supplier = await tokens.headers(Role.desk, "29")
    for x in plan["allocations"]:
        await api.ok("POST", f"/allocations/{x['id']}/dispatch", supplier, at=_at(3))
    osaka_city = await tokens.headers(Role.desk, "27100")
    await api.ok("POST", f"/allocations/{kits[a['id']]['id']}/deliver", osaka_city, at=_at(5))

    d = await api.file("28100", KOBE_CITY_HALL, {"test_cot": 10}, 6)
    proposed = await api.ok("POST", "/plans", coord, request_ids=[d["id"]], at=_at(6))
    assert [x["quantity"] for x in proposed["allocations"]] == [10]
    await api.file("27100", OSAKA_CITY_HALL, {"test_kit": 7}, 7)  # never planned
    return {"coord": coord}


def _row(code: str, name_ja: str, unit: str, *sums: int) -> dict[str, Any]:
    """One item's row of the report: its names, unit, unit sums and fill rate."""
    requested, allocated, dispatched, delivered, unmet = sums
    return {
        "item_code": code,
        "name_ja": name_ja,
        "name_en": code.replace("_", " "),
        "unit": unit,
        "requested": requested,
        "allocated": allocated,
        "dispatched": dispatched,
        "delivered": delivered,
        "unmet": unmet,
        "fill_rate": round(delivered / requested, 4),
    }


@pytest.mark.sqlite
async def test_every_number_of_the_situation(client: httpx.AsyncClient, scenario) -> None:
    resp = await client.get(URL, headers=scenario["coord"])
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert report["incident_id"] is None
    assert report["generated_at"].endswith("+09:00")
    members = {m["member_code"]: m for m in report["members"]}
    assert list(members) == ["27100", "27140", "28100"]  # only members that filed
    assert members["27100"] == {
        "member_code": "27100",
        "name_ja": "大阪市",
        "name_en": members["27100"]["name_en"],
        "requests_open": 2,
        "requested": 72,
        "allocated": 45,
        "dispatched": 45,
        "delivered": 45,
        "unmet": 27,
        "fill_rate": 0.625,
        "first_request_at": _at(0),
        "first_delivery_at": _at(5),
        "hours_to_first_delivery": 5.0,
        # the 72 above adds kits to tents; per item, and as lines, it reads
        "lines": 3,
        "lines_delivered": 0,
        "lines_unmet": 3,
        "items": [
            _row("test_kit", "テストキット", "set", 67, 45, 45, 45, 22),
            _row("test_tent", "テストテント", "tent", 5, 0, 0, 0, 5),
        ],
    }
    kobe = members["28100"]
    assert (kobe["requests_open"], kobe["requested"], kobe["allocated"]) == (2, 70, 45)
    assert (kobe["dispatched"], kobe["delivered"], kobe["unmet"]) == (45, 0, 25)
    assert (kobe["fill_rate"], kobe["first_request_at"]) == (0.0, _at(1))
    assert (kobe["first_delivery_at"], kobe["hours_to_first_delivery"]) == (None, None)
    assert (kobe["lines"], kobe["lines_delivered"], kobe["lines_unmet"]) == (2, 0, 2)
    assert [i["item_code"] for i in kobe["items"]] == ["test_cot", "test_kit"]
    sakai = members["27140"]  # filed, then cancelled before anything shipped
    assert (sakai["requests_open"], sakai["requested"], sakai["unmet"]) == (0, 0, 0)
    assert (sakai["fill_rate"], sakai["first_request_at"]) == (None, _at(0.5))
    assert (sakai["lines"], sakai["items"]) == (0, [])  # withdrawn: nothing was asked after all
    assert report["totals"] == {
        "requested": 142,
        "allocated": 90,
        "dispatched": 90,
        "delivered": 45,
        "unmet": 52,
        "fill_rate": round(45 / 142, 4),
        "lines": 5,
        "lines_delivered": 0,
        "lines_unmet": 5,
    }
    assert report["items"] == [
        _row("test_cot", "テスト簡易ベッド", "cot", 10, 0, 0, 0, 10),
        _row("test_kit", "テストキット", "set", 127, 90, 90, 45, 37),
        _row("test_tent", "テストテント", "tent", 5, 0, 0, 0, 5),
    ]
    assert [(u["item_code"], u["cause"], u["quantity"]) for u in report["unmet"]] == [
        ("test_kit", "shortage", 30),
        ("test_cot", "awaiting_approval", 10),
        ("test_kit", "not_planned", 7),
        ("test_tent", "no_stock", 5),
    ]
    tent = report["unmet"][-1]
    assert (tent["name_ja"], tent["name_en"], tent["unit"]) == ("テストテント", "test tent", "tent")
    assert report["plans"] == {
        "proposed": 1,
        "approved": 1,
        "completed": 0,
        "discarded": 0,
        "cancelled": 0,
    }


async def test_every_reader_may_read_it_in_a_few_statements(
    client: httpx.AsyncClient, tokens, db: Database, scenario
) -> None:
    for role, member in ((Role.desk, "31"), (Role.observer, None), (Role.ems, None)):
        headers = await tokens.headers(role, member)
        assert (await client.get(URL, headers=headers)).status_code == 200
    assert (await client.get(URL)).status_code == 401
    bad = await client.post(URL, headers=scenario["coord"])
    assert bad.status_code == 405
    with StatementCounter(db.engine) as counter:
        await client.get(URL, headers=scenario["coord"])
    with StatementCounter(db.engine) as auth_only:
        await client.get("/api/v1/members/99", headers=scenario["coord"])
    # six set-based queries beyond authentication, however many requests and plans exist
    assert counter.count - auth_only.count <= 6, counter.statements


async def test_an_empty_union_reports_zeros(client: httpx.AsyncClient, tokens) -> None:
    headers = await tokens.headers(Role.observer)
    report = (await client.get(URL, headers=headers)).json()
    typed = await UkgClient(client, headers["Authorization"].removeprefix("Bearer ")).situation()
    assert typed.totals.requested == 0 and typed.plans.proposed == 0
    assert report["members"] == [] and report["unmet"] == []
    assert report["totals"]["fill_rate"] is None and report["totals"]["requested"] == 0
    assert set(report["plans"].values()) == {0}


async def test_a_line_delivered_in_full_is_counted_as_one(
    client: httpx.AsyncClient, tokens
) -> None:
    """10 cots asked and all 10 delivered is a line delivered in full; 200 kits asked of the 90
    available is a line with a remainder — 2 lines, whatever their units."""
    api = Api(client, tokens)
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    await _item(api, admin, "test_kit", "テストキット", "set")
    await _item(api, admin, "test_cot", "テスト簡易ベッド", "cot")
    nara, wakayama = await _depot(api, admin, "29"), await _depot(api, admin, "30")
    await api.ok("PUT", f"/depots/{nara}/stock/test_kit", admin, on_hand=90, at=_at(-1))
    await api.ok("PUT", f"/depots/{wakayama}/stock/test_cot", admin, on_hand=20, at=_at(-1))
    await api.file("27100", OSAKA_CITY_HALL, {"test_cot": 10, "test_kit": 200}, 0)
    plan = await api.ok("POST", "/plans", coord, at=_at(1))
    await api.ok("POST", f"/plans/{plan['id']}/approve", coord, at=_at(1))
    desk = await tokens.headers(Role.desk, "27100")
    for x in plan["allocations"]:
        supplier = await tokens.headers(Role.desk, x["supplier_code"])
        await api.ok("POST", f"/allocations/{x['id']}/dispatch", supplier, at=_at(2))
        await api.ok("POST", f"/allocations/{x['id']}/deliver", desk, at=_at(4))
    report = (await client.get(URL, headers=coord)).json()
    (osaka,) = report["members"]
    assert (osaka["lines"], osaka["lines_delivered"], osaka["lines_unmet"]) == (2, 1, 1)
    assert [(i["item_code"], i["delivered"], i["unmet"]) for i in osaka["items"]] == [
        ("test_cot", 10, 0),
        ("test_kit", 90, 110),
    ]
    totals = report["totals"]
    assert (totals["lines"], totals["lines_delivered"], totals["lines_unmet"]) == (2, 1, 1)
