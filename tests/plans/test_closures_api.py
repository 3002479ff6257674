"""Closures per incident (SPEC §11): recorded by the coordinator, frozen into plan inputs; a
closed Akashi Kaikyō Bridge leaves Awaji to the Ōnaruto Bridge, both closed make it
unreachable."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.plans.plan_helpers import file_request, first_depot, put_stock
from tests.plans.shipment_helpers import weighted_item
from ukg_aid.principal import Role

pytestmark = pytest.mark.sqlite

SUMOTO = {"name": "洲本市役所 (Awaji)", "lat": 34.3428, "lon": 134.8952}


async def _url(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    page = await client.get("/api/v1/incidents", params={"status": "active"}, headers=headers)
    return f"/api/v1/incidents/{page.json()['items'][0]['id']}/closures"


async def _plan(
    client: httpx.AsyncClient, coord: dict[str, str], request_id: int
) -> dict[str, Any]:
    resp = await client.post("/api/v1/plans", json={"request_ids": [request_id]}, headers=coord)
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


async def test_closed_bridges_reroute_then_cut_off_awaji(client: httpx.AsyncClient, tokens) -> None:
    admin, coord = await tokens.headers(Role.admin), await tokens.headers(Role.coordinator)
    hyogo = await tokens.headers(Role.desk, "28")
    await weighted_item(client, admin, "awaji_kit", 1.0)
    await put_stock(client, admin, await first_depot(client, admin, "27"), "awaji_kit", 100)
    await put_stock(client, admin, await first_depot(client, admin, "36"), "awaji_kit", 100)
    req = await file_request(client, hyogo, "28", [("awaji_kit", 50)], delivery=SUMOTO)
    URL = await _url(client, coord)  # noqa: N806

    (open_way,) = (await _plan(client, coord, req["id"]))["allocations"]
    assert "明石海峡大橋" in open_way["reason"] or "大鳴門橋" in open_way["reason"]

    assert (await client.post(URL, json={"kind": "crossing"}, headers=coord)).status_code == 422
    body = {"kind": "crossing", "crossing": "akashi-kaikyo", "note": "点検"}
    assert (await client.post(URL, json=body, headers=hyogo)).status_code == 403
    akashi = await client.post(URL, json=body, headers=coord)
    assert akashi.status_code == 201 and akashi.json()["active"] is True
    (via_shikoku,) = (await _plan(client, coord, req["id"]))["allocations"]
    assert via_shikoku["supplier_code"] == "36" and "大鳴門橋" in via_shikoku["reason"]

    body = {"kind": "crossing", "crossing": "onaruto"}
    onaruto = (await client.post(URL, json=body, headers=coord)).json()
    cut = await _plan(client, coord, req["id"])
    assert cut["allocations"] == []
    assert [(u["quantity"], u["cause"]) for u in cut["unmet"]] == [(50, "unreachable")]
    inputs = (await client.get(f"/api/v1/plans/{cut['id']}/inputs", headers=coord)).json()
    assert inputs["inputs"]["closures"]["crossings"] == ["akashi-kaikyo", "onaruto"]

    reopened = await client.delete(f"{URL}/{onaruto['id']}", headers=coord)
    assert reopened.status_code == 200 and reopened.json()["active"] is False
    assert (await client.delete(f"{URL}/{onaruto['id']}", headers=coord)).status_code == 409
    listed = (await client.get(URL, headers=hyogo)).json()
    assert [c["active"] for c in listed] == [True, False]
    (again,) = (await _plan(client, coord, req["id"]))["allocations"]
    assert again["supplier_code"] == "36"


async def test_a_closed_area_is_a_polygon(client: httpx.AsyncClient, tokens) -> None:
    coord = await tokens.headers(Role.coordinator)
    URL = await _url(client, coord)  # noqa: N806
    ring = [[134.8, 34.3], [134.95, 34.3], [134.95, 34.4], [134.8, 34.4], [134.8, 34.3]]
    area = {"type": "Polygon", "coordinates": [ring]}
    ok = await client.post(URL, json={"kind": "area", "area": area}, headers=coord)
    assert ok.status_code == 201, ok.text
    bad = {"type": "Polygon", "coordinates": [ring[:3]]}
    refused = await client.post(URL, json={"kind": "area", "area": bad}, headers=coord)
    assert refused.status_code == 422 and refused.json()["code"] == "bad-area"
