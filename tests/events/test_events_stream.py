"""GET /api/v1/events: server-sent events from the audit log, woken across workers by NOTIFY."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from conftest import make_settings
from ukg_aid.app import create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.auth.models import Role
from ukg_aid.db import Database

REQUEST = {
    "member_code": "27100",
    "priority": "high",
    "delivery": {"name": "Osaka City Hall", "lat": 34.6937, "lon": 135.5022},
    "lines": [{"item_code": "water", "quantity": 100}],
}


def parse(text: str) -> list[dict[str, object]]:
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
                params={"limit": 1},
                headers={"Authorization": f"Bearer {observer}"},
            )
        )
        await asyncio.sleep(0.5)  # let the stream subscribe before the other worker writes
        filed = await b.post(
            "/api/v1/aid-requests", json=REQUEST, headers={"Authorization": f"Bearer {desk}"}
        )
        assert filed.status_code == 201
        resp = await asyncio.wait_for(stream, timeout=20)
    (event,) = parse(resp.text)
    assert event["event"] == "aid_request.file"
    assert event["data"]["entity_id"] == str(filed.json()["id"])
