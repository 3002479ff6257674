"""GET /api/v1/events: server-sent events from the audit log, woken across workers by NOTIFY."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from tests.app_support import make_settings
from tests.events.events_support import until_subscribed
from ukg_aid.app import create_app
from ukg_aid.audit import service as audit_service
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.principal import SYSTEM, Role

REQUEST = {
    "member_code": "27100",
    "priority": "high",
    "delivery": {"name": "Osaka City Hall", "lat": 34.6937, "lon": 135.5022},
    "lines": [{"item_code": "water", "quantity": 100}],
}


def parse(text: str) -> list[dict[str, Any]]:
    """The events of an SSE body: ``id`` (int), ``event`` (str), ``data`` (decoded JSON)."""
    events = []
    for block in text.split("\n\n"):
        fields = dict(
            line.split(": ", 1)
            for line in block.splitlines()
            if ": " in line and not line.startswith(":")
        )
        if "data" in fields:
            events.append(
                {
                    "id": int(fields["id"]),
                    "event": fields["event"],
                    "data": json.loads(fields["data"]),
                }
            )
    return events


@pytest.mark.sqlite
async def test_stream_replays_events_in_order_and_hides_payloads_from_desks(
    client: httpx.AsyncClient, tokens
) -> None:
    desk = await tokens.headers(Role.desk, "27100")
    observer = await tokens.headers(Role.observer)
    for _ in range(2):
        assert (
            await client.post("/api/v1/aid-requests", json=REQUEST, headers=desk)
        ).status_code == 201
    latest = (
        await client.get("/api/v1/audit-events", params={"limit": 2}, headers=observer)
    ).json()["items"]
    first_id = min(e["id"] for e in latest)

    resp = await client.get(
        "/api/v1/events", params={"after": first_id - 1, "limit": 2}, headers=observer
    )
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/event-stream")
    events = parse(resp.text)
    assert [e["event"] for e in events] == ["aid_request.file", "aid_request.file"]
    assert events[0]["id"] < events[1]["id"]
    assert events[0]["data"]["after"]["lines"][0]["quantity"] == 100

    resumed = await client.get(
        "/api/v1/events", params={"limit": 1}, headers=desk | {"Last-Event-ID": str(first_id)}
    )
    (only,) = parse(resumed.text)
    assert only["id"] == events[1]["id"]
    assert "after" not in only["data"] and only["data"]["entity"] == "aid_request"


async def test_stream_needs_a_token(client: httpx.AsyncClient) -> None:
    resp = await client.get("/api/v1/events", params={"limit": 1})
    assert resp.status_code == 401


async def test_a_commit_in_another_worker_wakes_the_stream(live_db: Database) -> None:
    """Two app instances on one PostgreSQL stand for two worker processes; the stream's poll
    interval is far longer than the wait, so only LISTEN/NOTIFY can deliver in time."""
    async with live_db.transaction() as s:
        observer = (
            await auth_service.create_token(
                s, name="obs", role=Role.observer, member_code=None, expires_in_days=1
            )
        ).secret
        desk = (
            await auth_service.create_token(
                s, name="desk", role=Role.desk, member_code="27100", expires_in_days=1
            )
        ).secret
    async with live_db.transaction() as s:
        start = await audit_service.last_event_id(s)
    settings = make_settings(live_db.url).model_copy(update={"events_poll_seconds": 60.0})
    listener, writer = (
        create_app(settings, database=live_db),
        create_app(settings, database=live_db),
    )
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=listener), base_url="http://a") as a,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=writer), base_url="http://b") as b,
    ):
        stream = asyncio.create_task(
            a.get(
                "/api/v1/events",
                # From a fixed id: should the write land before the stream subscribes, the
                # stream's first read finds it and the test still holds.
                params={"limit": 1, "after": start},
                headers={"Authorization": f"Bearer {observer}"},
            )
        )
        await until_subscribed(listener, [stream])  # it waits on NOTIFY from now on
        filed = await b.post(
            "/api/v1/aid-requests", json=REQUEST, headers={"Authorization": f"Bearer {desk}"}
        )
        assert filed.status_code == 201
        resp = await asyncio.wait_for(stream, timeout=20)
    (event,) = parse(resp.text)
    assert event["event"] == "aid_request.file"
    assert event["data"]["entity_id"] == str(filed.json()["id"])


async def test_an_event_committed_late_is_still_sent(live_db: Database) -> None:
    """Transaction A takes the smaller id but commits after B: the stream sends both."""
    async with live_db.transaction() as s:
        observer = (
            await auth_service.create_token(
                s, name="obs-late", role=Role.observer, member_code=None, expires_in_days=1
            )
        ).secret
    async with live_db.transaction() as s:
        start = await audit_service.last_event_id(s)
    settings = make_settings(live_db.url).model_copy(update={"events_poll_seconds": 0.2})
    app = create_app(settings, database=live_db)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://a"
    ) as client:
        stream = asyncio.create_task(
            client.get(
                "/api/v1/events",
                params={"after": start, "limit": 2},
                headers={"Authorization": f"Bearer {observer}"},
            )
        )
        async with live_db.sessionmaker() as slow:
            early = await audit_service.record(
                slow, principal=SYSTEM, action="test.slow", entity="test", entity_id="a"
            )
            async with live_db.transaction() as quick:
                late = await audit_service.record(
                    quick, principal=SYSTEM, action="test.quick", entity="test", entity_id="b"
                )
            assert early < late
            await asyncio.sleep(1.0)  # the stream has sent the quick one by now
            await slow.commit()
        resp = await asyncio.wait_for(stream, timeout=20)
    assert sorted(e["id"] for e in parse(resp.text)) == [early, late]


async def test_open_streams_do_not_starve_the_pool(live_db: Database) -> None:
    """Three open streams and ordinary requests on a two-connection pool."""
    small = Database(live_db.url, pool_size=1)
    try:
        async with small.transaction() as s:
            observer = (
                await auth_service.create_token(
                    s,
                    name=f"obs-pool-{id(s)}",
                    role=Role.observer,
                    member_code=None,
                    expires_in_days=1,
                )
            ).secret
        settings = make_settings(small.url).model_copy(update={"events_poll_seconds": 0.2})
        app = create_app(settings, database=small)
        headers = {"Authorization": f"Bearer {observer}"}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://a", timeout=60
        ) as client:
            streams = [
                asyncio.create_task(
                    client.get("/api/v1/events", params={"limit": 1}, headers=headers)
                )
                for _ in range(3)
            ]
            await until_subscribed(app, streams, count=len(streams))
            members = await client.get("/api/v1/members", headers=headers)
            assert members.status_code == 200
            admin = await _admin(small)
            made = await client.post(
                "/api/v1/items",
                headers=admin,
                json={
                    "code": f"pool_probe_{id(app) % 10_000}",
                    "name_en": "probe",
                    "name_ja": "probe",
                    "unit": "piece",
                    "unit_weight_kg": 1.0,
                },
            )
            assert made.status_code == 201
            done = await asyncio.wait_for(asyncio.gather(*streams), timeout=30)
        assert all(parse(r.text)[0]["event"] == "item.create" for r in done)
    finally:
        await small.dispose()


async def _admin(db: Database) -> dict[str, str]:
    async with db.transaction() as s:
        issued = await auth_service.create_token(
            s, name=f"admin-pool-{id(s)}", role=Role.admin, member_code=None, expires_in_days=1
        )
    return {"Authorization": f"Bearer {issued.secret}"}


async def test_revoking_the_token_ends_an_open_stream(live_db: Database) -> None:
    """On a committed database: the stream and the revocation run on separate connections."""
    admin = await _admin(live_db)
    observer_name = "watcher"
    settings = make_settings(live_db.url).model_copy(
        update={"events_poll_seconds": 0.1, "events_heartbeat_seconds": 0.3}
    )
    app = create_app(settings, database=live_db)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://a"
    ) as client:
        issued = await client.post(
            "/api/v1/tokens", headers=admin, json={"name": observer_name, "role": "observer"}
        )
        secret = issued.json()["token"]
        stream = asyncio.create_task(
            client.get("/api/v1/events", headers={"Authorization": f"Bearer {secret}"})
        )
        await until_subscribed(app, [stream])
        assert not stream.done()  # no limit: it streams until something ends it
        revoked = await client.post(f"/api/v1/tokens/{observer_name}/revoke", headers=admin)
        assert revoked.status_code == 200
        resp = await asyncio.wait_for(stream, timeout=20)
    assert "event: closed" in resp.text
