"""The fleet through the API: seed, filters, status changes by role, history, idempotent seed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.medevac.medevac_helpers import by_callsign, fleet, set_status
from ukg_aid.principal import Role
from ukg_aid.seed import seed

SEED_DIR = Path(__file__).resolve().parents[2] / "data" / "stockpiles"


@pytest.mark.sqlite
async def test_seeded_fleet_and_filters(client: httpx.AsyncClient, tokens) -> None:
    reader = await tokens.headers(Role.observer)
    helis = await fleet(client, reader)
    assert len(helis) == 8 and len({h["callsign"] for h in helis}) == 8
    tottori = by_callsign(helis, "KANSAI-OSHIDORI")
    assert tottori["daylight_fixed_end"] == "17:15" and tottori["member_code"] == "31"
    assert tottori["base"]["lat"] == pytest.approx(35.436)
    assert all(h["daylight_start"] == "08:30" and h["cruise_kmh"] == 220 for h in helis)

    hyogo = await client.get("/api/v1/helicopters", params={"member": "28"}, headers=reader)
    assert {h["callsign"] for h in hyogo.json()["items"]} == {
        "KANSAI-KOUNOTORI",
        "UKG-HYOGO-HARIMA",
    }
    one = await client.get(f"/api/v1/helicopters/{tottori['id']}", headers=reader)
    assert one.json()["callsign"] == "KANSAI-OSHIDORI"
    assert (await client.get("/api/v1/helicopters/99999", headers=reader)).status_code == 404


@pytest.mark.simulated_clock  # grounds the fleet at the start of FY2026
async def test_grounding_is_a_status_change(client: httpx.AsyncClient, tokens) -> None:
    ems = await tokens.headers(Role.ems)
    admin = await tokens.headers(Role.admin)
    helis = await fleet(client, ems)
    # The union goes from 8 aircraft to 6: two status changes, no code change.
    for callsign, who in (("UKG-HYOGO-HARIMA", ems), ("UKG-WAKAYAMA", admin)):
        heli = by_callsign(helis, callsign)
        resp = await set_status(
            client, who, heli["id"], "off_duty", at="2026-04-01T00:00:00+09:00", note="FY2026"
        )
        assert resp.status_code == 200 and resp.json()["status"] == "off_duty"
    available = await client.get("/api/v1/helicopters", params={"status": "available"}, headers=ems)
    assert available.json()["total"] == 6

    harima = by_callsign(helis, "UKG-HYOGO-HARIMA")
    history = (await client.get(f"/api/v1/helicopters/{harima['id']}/history", headers=ems)).json()
    change = history["items"][0]
    assert (change["previous"], change["status"], change["note"]) == (
        "available",
        "off_duty",
        "FY2026",
    )
    assert datetime.fromisoformat(change["at"]) == datetime.fromisoformat("2026-04-01T00:00+09:00")

    assert (await set_status(client, ems, harima["id"], "flying")).status_code == 422
    on_mission = await set_status(client, ems, harima["id"], "on_mission")
    assert on_mission.status_code == 409
    assert (await set_status(client, ems, harima["id"], "available")).status_code == 200


async def test_reseeding_leaves_the_fleet_alone(
    client: httpx.AsyncClient, tokens, session: AsyncSession
) -> None:
    ems = await tokens.headers(Role.ems)
    heli = by_callsign(await fleet(client, ems), "UKG-NARA")
    await set_status(client, ems, heli["id"], "maintenance")
    report = await seed(session, SEED_DIR)
    await session.commit()
    assert "helicopters" not in report.added
    again = (await client.get(f"/api/v1/helicopters/{heli['id']}", headers=ems)).json()
    assert again["status"] == "maintenance"
