"""A transaction PostgreSQL rolls back for losing a race (deadlock 40P01, serialization failure
40001) is run again inside the service, whole, before any response byte: the client sees one
answer, and ``Idempotency-Key`` still means exactly once.

The failures are real PostgreSQL errors: a trigger on the committed test database raises the
SQLSTATE for the first N inserts into ``aid_requests`` (a sequence counts attempts, outside any
transaction, so the rolled-back attempts still count).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from starlette.types import Message, Receive, Scope, Send

from tests.app_support import make_settings
from ukg_aid.app import NO_RETRY_PATHS, create_app
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.db.retry import RetryTransactions, TransactionRetry, retries_left
from ukg_aid.principal import Role

REQUEST = {
    "member_code": "27100",
    "priority": "high",
    "delivery": {"name": "Osaka City Hall", "lat": 34.6937, "lon": 135.5022},
    "lines": [{"item_code": "water", "quantity": 5}],
}


async def _fail_first_inserts(db: Database, times: int, sqlstate: str) -> None:
    async with db.transaction() as s:
        await s.execute(text("CREATE SEQUENCE test_attempts"))
        await s.execute(
            text(
                f"""CREATE FUNCTION test_lose_race() RETURNS trigger AS $$
                BEGIN
                  IF nextval('test_attempts') <= {times} THEN
                    RAISE EXCEPTION 'test: lost a race' USING ERRCODE = '{sqlstate}';
                  END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql"""
            )
        )
        await s.execute(
            text(
                "CREATE TRIGGER test_lose_race BEFORE INSERT ON aid_requests "
                "FOR EACH ROW EXECUTE FUNCTION test_lose_race()"
            )
        )


async def _attempts(db: Database) -> int:
    async with db.transaction() as s:
        return int((await s.execute(text("SELECT last_value FROM test_attempts"))).scalar_one())


async def _count(db: Database) -> int:
    async with db.transaction() as s:
        return int((await s.execute(text("SELECT count(*) FROM aid_requests"))).scalar_one())


@pytest.fixture
async def desk_client(live_db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with live_db.transaction() as s:
        issued = await auth_service.create_token(
            s, name="retry-desk", role=Role.desk, member_code="27100", expires_in_days=1
        )
    app = create_app(make_settings(live_db.url), database=live_db)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://retry",
        headers={"Authorization": f"Bearer {issued.secret}"},
    ) as client:
        yield client


def _reruns(sqlstate: str) -> float:
    value = REGISTRY.get_sample_value(
        "ukg_aid_db_transaction_retries_total", {"sqlstate": sqlstate}
    )
    return value or 0.0


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
async def test_a_lost_race_is_run_again_and_answered_once(
    live_db: Database, desk_client: httpx.AsyncClient, sqlstate: str
) -> None:
    await _fail_first_inserts(live_db, 2, sqlstate)
    before, reruns = await _count(live_db), _reruns(sqlstate)
    headers = {"Idempotency-Key": f"lost-race-{sqlstate}"}
    first = await desk_client.post("/api/v1/aid-requests", json=REQUEST, headers=headers)
    assert first.status_code == 201, first.text
    assert await _attempts(live_db) == 3  # two lost races, then the attempt that committed
    assert _reruns(sqlstate) - reruns == 2
    assert await _count(live_db) == before + 1
    replay = await desk_client.post("/api/v1/aid-requests", json=REQUEST, headers=headers)
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    assert await _count(live_db) == before + 1


async def test_retries_are_bounded_then_409_retry_and_nothing_stored(
    live_db: Database, desk_client: httpx.AsyncClient
) -> None:
    await _fail_first_inserts(live_db, 100, "40P01")
    before = await _count(live_db)
    resp = await desk_client.post(
        "/api/v1/aid-requests", json=REQUEST, headers={"Idempotency-Key": "always-loses"}
    )
    assert resp.status_code == 409, resp.text
    assert resp.json()["code"] == "retry"
    assert await _attempts(live_db) == 4  # the first attempt and UKG_AID_DB_RETRIES=3 more
    assert await _count(live_db) == before


def _lost_race() -> DBAPIError:
    return DBAPIError("INSERT ...", {}, Exception("deadlock detected"))


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(_message: Message) -> None:
    return None


async def test_the_event_stream_and_started_responses_are_never_re_run() -> None:
    """Re-running is only safe before anything was sent; the SSE route is excluded outright."""
    calls: list[str] = []
    sent: list[Message] = []

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        calls.append(scope["path"])
        if scope["path"] == "/started":
            await send({"type": "http.response.start", "status": 200, "headers": []})
        raise TransactionRetry(_lost_race())

    async def send(message: Message) -> None:
        sent.append(message)

    middleware = RetryTransactions(endpoint, retries=3, skip_paths=NO_RETRY_PATHS)
    for method, path in (
        ("GET", "/api/v1/events"),
        ("POST", "/api/v1/events"),
        ("POST", "/started"),
    ):
        with pytest.raises((TransactionRetry, DBAPIError)):
            await middleware({"type": "http", "method": method, "path": path}, _receive, send)
    assert calls == ["/api/v1/events", "/api/v1/events", "/started"]  # each ran once


async def test_reads_pass_straight_through() -> None:
    """A GET or HEAD takes no row locks and runs at READ COMMITTED: the database never rolls it
    back for a lost race, so the middleware does not record or replay it (issue 11)."""
    calls: list[str] = []

    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        calls.append(scope["method"])
        assert retries_left(scope) == 0  # nothing left to re-run with: the handler answers
        raise TransactionRetry(_lost_race())

    middleware = RetryTransactions(endpoint, retries=3)
    for method in ("GET", "HEAD"):
        with pytest.raises(TransactionRetry):
            await middleware({"type": "http", "method": method, "path": "/x"}, _receive, _send)
    assert calls == ["GET", "HEAD"]
    assert set(create_app().openapi()["paths"]) >= NO_RETRY_PATHS  # the excluded route exists
