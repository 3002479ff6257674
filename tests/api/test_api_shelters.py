"""Shelters (SPEC §10): kept by their desk or the coordinator, every change in the history,
needs from the catalog's per-person-per-day rates (``ukg_aid.needs``, the drill model's)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.api_helpers import assert_problem, count, hours_ago
from ukg_aid import needs
from ukg_aid.principal import Role

URL = "/api/v1/shelters"
SHELTER: dict[str, Any] = {
    "member_code": "27",
    "name": "大阪市立中央小学校",
    "lat": 34.68,
    "lon": 135.51,
    "evacuees": 400,
}


async def _open(
    client: httpx.AsyncClient, headers: dict[str, str], **fields: Any
) -> dict[str, Any]:
    resp = await client.post(URL, json=SHELTER | fields, headers=headers)
    assert resp.status_code == 201, resp.text
    created: dict[str, Any] = resp.json()
    return created


@pytest.mark.sqlite
async def test_a_desk_keeps_its_shelter_and_every_change_is_history(
    client: httpx.AsyncClient, tokens
) -> None:
    desk = await tokens.headers(Role.desk, "27")
    shelter = await _open(client, desk, at=hours_ago(3))
    assert shelter["incident_id"] is not None and shelter["evacuees"] == 400
    resp = await client.patch(
        f"{URL}/{shelter['id']}",
        json={
            "evacuees": 520,
            "infants": 6,
            "note": "night count",
            "at": hours_ago(2),
        },
        headers=desk,
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["evacuees"] == 520 and resp.json()["infants"] == 6
    history = (await client.get(f"{URL}/{shelter['id']}/history", headers=desk)).json()
    assert [(h["evacuees"], h["infants"], h["note"]) for h in history] == [
        (400, None, None),
        (520, 6, "night count"),
    ]
    listed = (await client.get(URL, params={"member": "27"}, headers=desk)).json()
    assert [s["id"] for s in listed["items"]] == [shelter["id"]]


async def test_shelter_rules(client: httpx.AsyncClient, tokens, session) -> None:
    other = await tokens.headers(Role.desk, "28")
    assert_problem(await client.post(URL, json=SHELTER, headers=other), 403)
    coord = await tokens.headers(Role.coordinator)
    before = await count(session, "shelters")
    for bad in (
        SHELTER | {"evacuees": -1},
        SHELTER | {"infants": 500},
        SHELTER | {"lat": 37.43, "lon": 137.25},  # Noto: outside the union for Osaka
        SHELTER | {"evacuees": "400"},
    ):
        assert_problem(await client.post(URL, json=bad, headers=coord), 422)
    assert await count(session, "shelters") == before
    shelter = await _open(client, coord, at=hours_ago(3))
    back = await client.patch(
        f"{URL}/{shelter['id']}",
        json={"evacuees": 1, "at": hours_ago(4)},
        headers=coord,
    )
    assert assert_problem(back, 422)["code"] == "timeline-backwards"


async def test_needs_follow_the_shared_rates(client: httpx.AsyncClient, tokens) -> None:
    coord = await tokens.headers(Role.coordinator)
    await _open(client, coord, evacuees=400)
    await _open(client, coord, name="第二避難所", evacuees=100, infants=2, elderly=40)
    resp = await client.get(URL + "/needs", params={"member": "27", "days": 3}, headers=coord)
    assert resp.status_code == 200, resp.text
    got = {n["item_code"]: n["quantity"] for n in resp.json()}
    expected = needs.shelter_needs([needs.ShelterCount(400), needs.ShelterCount(100, 2, 40)], 3)
    assert got["water"] == expected["water"] == 3 * 3 * 500
    assert got["meals"] == 3 * 3 * 500
    assert got == {k: v for k, v in expected.items() if v > 0 and k in got}
    assert set(got) <= set(expected)
    bad = await client.get(URL + "/needs", params={"days": 0}, headers=coord)
    assert_problem(bad, 422)
