"""Counterparts per incident (SPEC §3 rule 5, §10): none by default, set and changed by the
coordinator, audited, frozen into each plan's inputs, and they change the plan."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.api_helpers import assert_problem, count, error_locs, filing
from tests.app_support import make_settings
from ukg_aid.app import create_app
from ukg_aid.db import Database
from ukg_aid.principal import Role


@pytest.fixture
async def coord(tokens) -> dict[str, str]:
    headers: dict[str, str] = await tokens.headers(Role.coordinator)
    return headers


async def _incident(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    found = (await client.get("/api/v1/incidents", headers=headers)).json()
    incident_id: int = found["items"][0]["id"]
    return incident_id


def _url(incident_id: int) -> str:
    return f"/api/v1/incidents/{incident_id}/counterparts"


@pytest.mark.sqlite
async def test_a_default_instance_has_no_pairs(
    client: httpx.AsyncClient, coord: dict[str, str], session: AsyncSession
) -> None:
    incident_id = await _incident(client, coord)
    assert (await client.get(_url(incident_id), headers=coord)).json() == []
    assert await count(session, "incident_counterparts") == 0


async def test_setting_pairs_is_validated_and_audited(
    client: httpx.AsyncClient, coord: dict[str, str], session: AsyncSession
) -> None:
    incident_id = await _incident(client, coord)
    pairs = [
        {"supporter_code": "28", "recipient_code": "27"},
        {"supporter_code": "28100", "recipient_code": "27"},
    ]
    resp = await client.put(_url(incident_id), json=pairs, headers=coord)
    assert resp.status_code == 200, resp.text
    assert resp.json() == pairs
    bad = [
        {"supporter_code": "27", "recipient_code": "27"},
        {"supporter_code": "99", "recipient_code": "27"},
        {"supporter_code": "28", "recipient_code": "27"},
        {"supporter_code": "28", "recipient_code": "27"},
    ]
    body = assert_problem(await client.put(_url(incident_id), json=bad, headers=coord), 422)
    assert (("body", 0, "recipient_code") in error_locs(body)) and (
        ("body", 1, "supporter_code") in error_locs(body)
    )
    assert ("body", 3, "recipient_code") in error_locs(body)
    assert (await client.get(_url(incident_id), headers=coord)).json() == pairs
    await session.commit()
    event = (
        await session.execute(
            text(
                "SELECT before, after FROM audit_events "
                "WHERE action = 'incident.counterparts' ORDER BY id DESC LIMIT 1"
            )
        )
    ).one()
    assert event.before == {"counterparts": []}
    assert event.after == {"counterparts": pairs}


async def _plan(client: httpx.AsyncClient, coord: dict[str, str]) -> dict[str, object]:
    resp = await client.post("/api/v1/plans", json={}, headers=coord)
    assert resp.status_code == 201, resp.text
    plan: dict[str, object] = resp.json()
    return plan


@pytest.fixture
async def strong(db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a strong counterpart preference (factor 0.05), so a pair decides the plan."""
    settings = make_settings(db.url).model_copy(update={"counterpart_factor": 0.05})
    app = create_app(settings, database=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def test_counterparts_change_the_plan_and_are_frozen_into_its_inputs(
    strong: httpx.AsyncClient, coord: dict[str, str], tokens
) -> None:
    """Osaka asks for water. With no pairs (a default instance) the plan is the plain optimum:
    weighted haul = real haul. Paired with suppliers the plain plan did not use, the plan moves
    to them; its inputs name the pairs, and clearing the pairs later leaves them as they were."""
    client = strong
    incident_id = await _incident(client, coord)
    desk = await tokens.headers(Role.desk, "27")
    body = filing(lines=[{"item_code": "water", "quantity": 20_000}])
    assert (await client.post("/api/v1/aid-requests", json=body, headers=desk)).status_code == 201
    plain = await _plan(client, coord)
    plain_suppliers = {a["supplier_code"] for a in plain["allocations"]}  # type: ignore[attr-defined]
    plain_inputs = (await client.get(f"/api/v1/plans/{plain['id']}/inputs", headers=coord)).json()
    assert plain_inputs["inputs"]["options"]["counterparts"] == []
    objective = plain["solver"]["objective"]  # type: ignore[index]
    assert objective["weighted_haul_km_units"] == objective["haul_km_units"]
    others = sorted({"25", "26", "26100", "28", "28100", "29", "30"} - plain_suppliers - {"27"})
    assert others, plain_suppliers
    pairs = [{"supporter_code": s, "recipient_code": "27"} for s in others]
    assert (await client.put(_url(incident_id), json=pairs, headers=coord)).status_code == 200
    paired = await _plan(client, coord)
    paired_inputs = await client.get(f"/api/v1/plans/{paired['id']}/inputs", headers=coord)
    assert paired_inputs.json()["inputs"]["options"]["counterparts"] == sorted(
        [s, "27"] for s in others
    )
    reasons = [a["reason"] for a in paired["allocations"]]  # type: ignore[attr-defined]
    assert any(r.startswith("counterpart of 27") for r in reasons), reasons
    paired_suppliers = {a["supplier_code"] for a in paired["allocations"]}  # type: ignore[attr-defined]
    assert paired_suppliers & set(others) and paired_suppliers != plain_suppliers
    # Changing the pairs later changes no plan already made.
    assert (await client.put(_url(incident_id), json=[], headers=coord)).status_code == 200
    again = (await client.get(f"/api/v1/plans/{paired['id']}/inputs", headers=coord)).json()
    assert again == paired_inputs.json()
