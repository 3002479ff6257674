"""The clock through the API (SPEC §9): which clock runs, the live window on every route that takes
``at`` (generated from the route table), sanity bounds in every mode, ``needed_by``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.app_support import make_settings
from tests.timeline.timeline_helpers import OSAKA_CITY_HALL, ago, count, file_request, problem
from ukg_aid.app import create_app
from ukg_aid.clock import ClockMode
from ukg_aid.db import Database
from ukg_aid.principal import Role

FILING = {
    "member_code": "27",
    "delivery": OSAKA_CITY_HALL,
    "lines": [{"item_code": "water", "quantity": 10}],
}

# The smallest body each route that takes ``at`` accepts (``at`` added by the test). A new route
# with an ``at`` and no entry here fails test_every_route_with_at_refuses_a_day_old_at_when_live.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/depots"): {"member_code": "27", "name": "x", "lat": 34.7, "lon": 135.5},
    ("PATCH", "/api/v1/depots/{depot_id}"): {"status": "damaged"},
    ("PUT", "/api/v1/depots/{depot_id}/stock/{item_code}"): {"on_hand": 1},
    ("POST", "/api/v1/depots/{depot_id}/stock/{item_code}/adjustments"): {
        "delta": 1,
        "reason": "x",
    },
    ("POST", "/api/v1/stock/import"): {
        "csv": "depot_id,item_code,on_hand\n1,water_2l,1\n",
        "reason": "x",
        "dry_run": False,
    },
    ("PATCH", "/api/v1/incidents/{incident_id}"): {"note": "x"},
    ("POST", "/api/v1/aid-requests"): FILING,
    ("POST", "/api/v1/shelters"): {
        "member_code": "27",
        "name": "x",
        "lat": 34.69,
        "lon": 135.52,
        "evacuees": 10,
    },
    ("PATCH", "/api/v1/shelters/{shelter_id}"): {"evacuees": 5},
    ("POST", "/api/v1/aid-requests/push/preview"): {"member_code": "27"},
    ("POST", "/api/v1/aid-requests/push"): {"member_code": "27"},
    ("POST", "/api/v1/aid-requests/push/close"): {"member_code": "27"},
    ("POST", "/api/v1/aid-requests/{request_id}/cancel"): {},
    ("POST", "/api/v1/plans"): {},
    ("POST", "/api/v1/plans/{plan_id}/approve"): {},
    ("POST", "/api/v1/plans/{plan_id}/discard"): {},
    ("POST", "/api/v1/plans/{plan_id}/cancel"): {},
    ("POST", "/api/v1/allocations/{allocation_id}/dispatch"): {},
    ("POST", "/api/v1/allocations/{allocation_id}/deliver"): {},
    ("POST", "/api/v1/allocations/{allocation_id}/decline"): {"reason": "road out"},
    ("POST", "/api/v1/shipments/{shipment_id}/dispatch"): {},
    ("POST", "/api/v1/shipments/{shipment_id}/deliver"): {},
    ("POST", "/api/v1/trucks/queue/advance"): {},
    ("PATCH", "/api/v1/helicopters/{heli_id}"): {"status": "maintenance"},
    ("POST", "/api/v1/helicopters"): {
        "callsign": "CLOCK-VISITOR",
        "visiting_from": "Okayama",
        "base": {"name": "Okayama", "lat": 34.66, "lon": 133.92},
        "aircraft_type": "EC135",
        "cruise_kmh": 220,
        "range_km": 635,
    },
    ("POST", "/api/v1/helicopters/{heli_id}/leave"): {},
    ("PATCH", "/api/v1/hospitals/{hospital_id}"): {"status": "full"},
    ("POST", "/api/v1/medevac-missions"): {
        "member_code": "27",
        "scene": {"lat": 34.7, "lon": 135.5},
        "severity": "red",
        "patients": 1,
    },
    ("POST", "/api/v1/medevac-missions/assign"): {},
    ("POST", "/api/v1/medevac-missions/{mission_id}/assign"): {},
    ("POST", "/api/v1/medevac-missions/{mission_id}/{action}"): {},
}
PATH_VALUES = {
    "depot_id": "1",
    "item_code": "water",
    "request_id": "1",
    "plan_id": "1",
    "allocation_id": "1",
    "shipment_id": "1",
    "heli_id": "1",
    "hospital_id": "1",
    "mission_id": "1",
    "incident_id": "1",
    "shelter_id": "1",
    "action": "cancel",
}


def _refs(schema: dict[str, Any]) -> list[str]:
    """The component names a request body schema points to (``$ref`` or ``anyOf`` of them)."""
    found = [schema["$ref"]] if "$ref" in schema else []
    for option in schema.get("anyOf", []):
        found += _refs(option)
    return [ref.rsplit("/", 1)[-1] for ref in found]


def routes_taking_at() -> list[tuple[str, str]]:
    """Every (method, path) whose JSON body has an ``at`` field, from the app's OpenAPI document
    (the route table as the app serves it)."""
    doc = create_app(make_settings("sqlite+aiosqlite:///:memory:")).openapi()
    components = doc["components"]["schemas"]
    found = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema", {})
            if any("at" in components[name].get("properties", {}) for name in _refs(schema)):
                found.append((method.upper(), path))
    return sorted(found)


def test_the_route_table_declares_a_body_for_every_route_with_at() -> None:
    found = routes_taking_at()
    missing = sorted(set(found) - set(BODIES))
    assert not missing, f"routes taking 'at' with no entry in BODIES: {missing}"
    assert set(found) == set(BODIES), sorted(set(BODIES) - set(found))


@pytest.mark.parametrize(("method", "path"), routes_taking_at(), ids=str)
async def test_every_route_with_at_refuses_a_day_old_at_when_live(
    client: httpx.AsyncClient, tokens, session: AsyncSession, method: str, path: str
) -> None:
    admin = await tokens.headers(Role.admin)
    events = await count(session, "audit_events")
    url = path.format(**PATH_VALUES)
    body = BODIES[(method, path)] | {"at": ago(hours=25)}
    # with an Idempotency-Key, as a client that retries safely sends it (push requires one)
    keyed = admin | {"Idempotency-Key": f"clock-{method}-{path}"}
    resp = await client.request(method, url, json=body, headers=keyed)
    found = problem(resp, 422, "at-outside-window")
    assert found["errors"][0]["loc"] == ["body", "at"]
    assert "24 h in the past" in found["detail"] and "UKG_AID_CLOCK=simulated" in found["detail"]
    assert await count(session, "audit_events") == events


@pytest.mark.sqlite
async def test_healthz_says_which_clock_runs(client: httpx.AsyncClient, db: Database) -> None:
    assert (await client.get("/healthz")).json()["clock"] == "live"
    app = create_app(make_settings(db.url, clock=ClockMode.simulated), database=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        body = (await c.get("/healthz")).json()
    assert body["clock"] == "simulated" and body["status"] == "ok"


@pytest.mark.sqlite
async def test_live_clock_takes_recent_times_and_refuses_the_future(
    client: httpx.AsyncClient, tokens, session: AsyncSession
) -> None:
    desk = await tokens.headers(Role.desk, "27")
    recent = await file_request(client, desk, [("water", 10)], member="27", at=ago(hours=23))
    assert recent["status"] == "open"
    soon = await file_request(client, desk, [("water", 10)], member="27", at=ago(minutes=-4))
    assert soon["status"] == "open"
    requests = await count(session, "aid_requests")
    ahead = await client.post(
        "/api/v1/aid-requests", json=FILING | {"at": ago(minutes=-10)}, headers=desk
    )
    assert "5 min in the future" in problem(ahead, 422, "at-outside-window")["detail"]
    assert await count(session, "aid_requests") == requests


@pytest.fixture
async def simulated(db: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(db.url, clock=ClockMode.simulated), database=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield c


@pytest.mark.sqlite
@pytest.mark.parametrize(
    "absurd", ["0001-01-01T00:00:00", "1900-06-01T09:00:00+09:00", "2100-03-01T09:00:00+09:00"]
)
async def test_dates_that_cannot_be_meant_never_reach_the_database(
    client: httpx.AsyncClient,
    simulated: httpx.AsyncClient,
    tokens,
    session: AsyncSession,
    absurd: str,
) -> None:
    desk = await tokens.headers(Role.desk, "27")
    before = {t: await count(session, t) for t in ("aid_requests", "stock_ledger")}
    depot = (await client.get("/api/v1/depots", params={"member": "27"}, headers=desk)).json()
    stock_url = f"/api/v1/depots/{depot['items'][0]['id']}/stock/water/adjustments"
    for app_client in (client, simulated):  # live and simulated alike
        filed = await app_client.post(
            "/api/v1/aid-requests", json=FILING | {"at": absurd}, headers=desk
        )
        problem(filed, 422, "time-out-of-bounds")
        adjust = {"delta": 1, "reason": "x", "at": absurd}
        problem(
            await app_client.post(stock_url, json=adjust, headers=desk), 422, "time-out-of-bounds"
        )
        deadline = FILING | {"needed_by": absurd}
        late = await app_client.post("/api/v1/aid-requests", json=deadline, headers=desk)
        assert late.status_code == 422 and late.json()["errors"][0]["loc"] == ["body", "needed_by"]
    assert {t: await count(session, t) for t in before} == before


@pytest.mark.sqlite
async def test_simulated_clock_replays_1995(simulated: httpx.AsyncClient, tokens) -> None:
    desk = await tokens.headers(Role.desk, "28")
    kobe = "1995-01-17T05:46:00+09:00"
    body = FILING | {"member_code": "28", "at": kobe, "needed_by": "1995-01-17T12:00:00+09:00"}
    resp = await simulated.post("/api/v1/aid-requests", json=body, headers=desk)
    assert resp.status_code == 201, resp.text
    assert resp.json()["filed_at"] == kobe


@pytest.mark.sqlite
async def test_needed_by_before_the_request_itself_is_refused(
    client: httpx.AsyncClient, tokens, session: AsyncSession
) -> None:
    desk = await tokens.headers(Role.desk, "27")
    requests = await count(session, "aid_requests")
    at = ago(hours=2)
    body = FILING | {"at": at, "needed_by": ago(hours=3)}
    found = problem(
        await client.post("/api/v1/aid-requests", json=body, headers=desk),
        422,
        "needed-by-before-filing",
    )
    assert found["errors"][0]["loc"] == ["body", "needed_by"]
    assert await count(session, "aid_requests") == requests
    same = await file_request(client, desk, [("water", 1)], member="27", at=at, needed_by=at)
    assert same["needed_by"] == same["filed_at"]
    unset = await client.post(
        "/api/v1/aid-requests", json=FILING | {"needed_by": ago(minutes=1)}, headers=desk
    )
    problem(unset, 422, "needed-by-before-filing")  # filed now: a minute ago is before it
