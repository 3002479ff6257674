"""EMS coordinators assigning the same aircraft to several missions at once: exactly one wins."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from tests.medevac.medevac_helpers import WINTER_MORNING, by_callsign, fleet
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.clock import ClockMode
from ukg_aid.config import Settings
from ukg_aid.db import Database
from ukg_aid.principal import Role

ATTEMPTS = 6
SEED_DIR = Path(__file__).resolve().parents[2] / "data" / "stockpiles"


async def _token(db: Database, role: Role) -> dict[str, str]:
    async with db.transaction() as s:
        issued = await auth_service.create_token(
            s,
            name=f"{role.value}-{time.monotonic_ns()}",
            role=role,
            member_code=None,
            expires_in_days=1,
        )
    return {"Authorization": f"Bearer {issued.secret}"}


async def test_same_aircraft_many_missions_at_once(live_db: Database) -> None:
    settings = Settings(database_url=live_db.url, seed_dir=SEED_DIR, clock=ClockMode.simulated)
    app = create_app(settings, database=live_db)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        coordinators = [await _token(live_db, Role.ems) for _ in range(ATTEMPTS)]
        first = coordinators[0]
        mozu = by_callsign(await fleet(client, first), "KANSAI-MOZU")
        ids = []
        for i in range(ATTEMPTS):
            lat = 34.70 + 0.01 * i
            body = {
                "member_code": "27",
                "scene": {"lat": lat, "lon": 135.5},
                "severity": "red",
                "patients": 1,
                "at": WINTER_MORNING,
            }
            resp = await client.post("/api/v1/medevac-missions", json=body, headers=first)
            ids.append(resp.json()["id"])

        async def grab(mission_id: int, headers: dict[str, str]) -> httpx.Response:
            body = {"helicopter_id": mozu["id"], "at": WINTER_MORNING}
            url = f"/api/v1/medevac-missions/{mission_id}/assign"
            return await client.post(url, json=body, headers=headers)

        results = await asyncio.gather(*map(grab, ids, coordinators))
        codes = sorted(r.status_code for r in results)
        assert codes == [200] + [409] * (ATTEMPTS - 1), [r.text for r in results]
        losers = [r.json() for r in results if r.status_code == 409]
        assert {p["reason"] for p in losers} == {"not_available"}

        missions = [
            (await client.get(f"/api/v1/medevac-missions/{i}", headers=first)).json() for i in ids
        ]
        assert sorted(m["status"] for m in missions) == ["assigned"] + ["pending"] * (ATTEMPTS - 1)
        history = (
            await client.get(f"/api/v1/helicopters/{mozu['id']}/history", headers=first)
        ).json()
        assert [h["status"] for h in history["items"]] == ["on_mission"]
