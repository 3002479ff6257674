"""Concurrent confirmations of one shipment (SPEC §11: nothing is counted twice)."""

from __future__ import annotations

import asyncio

import httpx

from tests.app_support import make_settings
from tests.plans.plan_helpers import file_request
from tests.plans.shipment_helpers import approved_plan, line_of, shipments, stocked
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.principal import Role


async def _headers(db: Database, role: Role, member: str | None = None) -> dict[str, str]:
    async with db.transaction() as s:
        issued = await auth_service.create_token(
            s, name=f"conc-{role.value}-{member}", role=role, member_code=member, expires_in_days=1
        )
    return {"Authorization": f"Bearer {issued.secret}"}


async def test_concurrent_confirmations_count_a_shipment_once(live_db: Database) -> None:
    app = create_app(make_settings(live_db.url), database=live_db)
    admin, coord = await _headers(live_db, Role.admin), await _headers(live_db, Role.coordinator)
    desk, nara = (
        await _headers(live_db, Role.desk, "27100"),
        await _headers(live_db, Role.desk, "29"),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as client:
        await stocked(client, admin, "conc_ship", 1.0, 1000)
        req = await file_request(client, desk, "27100", [("conc_ship", 100)])
        plan = await approved_plan(client, coord, [req["id"]])
        (shipment,) = await shipments(client, coord, plan_id=plan["id"])
        (a,) = plan["allocations"]
        url = f"/api/v1/shipments/{shipment['id']}"
        assert (await client.post(url + "/dispatch", headers=nara)).status_code == 200
        short = {"received": [{"allocation_id": a["id"], "received": 97, "reason": "lost"}]}
        calls = [client.post(url + "/deliver", headers=desk, json=short) for _ in range(6)]
        calls += [
            client.post(f"/api/v1/allocations/{a['id']}/deliver", headers=desk, json={})
            for _ in range(2)
        ]
        results = await asyncio.gather(*calls)
        codes = sorted(r.status_code for r in results)
        assert codes == [200] + [409] * 7, [r.text for r in results]
        line = await line_of(client, desk, req["id"], "conc_ship")
        winner = next(r for r in results if r.status_code == 200)
        lost = 3 if "shipments" in str(winner.request.url) else 0
        assert (line["delivered"], line["lost"], line["allocated"]) == (
            100 - lost,
            lost,
            100 - lost,
        )
