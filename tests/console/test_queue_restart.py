"""No lost departures (issue 13): a shipment queued while the periodic queue task was off leaves
by itself, at its trucks' return, once a process with the task runs — against real `ukg-aid
serve` processes on PostgreSQL."""

from __future__ import annotations

import time
import uuid
from typing import Any

import psycopg

from tests.app_support import served
from tests.console.console_support import Console, _prepare, _run
from tests.console.test_console_shipments import _queued_behind_a_full_pool


def test_a_restarted_service_dispatches_what_came_due_while_it_was_down(pg_server: str) -> None:
    name = "ukg_aid_test_queue_" + uuid.uuid4().hex[:8]
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{pg_server}/{name}"
    try:
        _run(_prepare(url))
        with served(url, env={"UKG_AID_QUEUE_ADVANCE_SECONDS": "0"}) as base:
            queued = _queued_behind_a_full_pool(Console(url=base, database_url=url))
            time.sleep(2)
            with Console(url=base, database_url=url).api("coordinator") as coord:
                assert coord.get(f"/shipments/{queued['id']}").json()["status"] == "queued"
        with served(url, env={"UKG_AID_QUEUE_ADVANCE_SECONDS": "1"}) as base:
            _wait_for_departure(Console(url=base, database_url=url), queued)
    finally:
        with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_for_departure(console: Console, queued: dict[str, Any]) -> None:
    with console.api("coordinator") as coord:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = coord.get(f"/shipments/{queued['id']}").json()
            if now["status"] != "queued":
                break
            time.sleep(0.5)
        assert now["status"] == "dispatched", now
        assert now["dispatched_at"] == queued["departure_at"]  # at the trucks' return
        events = coord.get("/audit-events", params={"action": "shipment.dispatch"}).json()
        mine = [e for e in events["items"] if str(e["entity_id"]) == str(queued["id"])]
        assert [e["actor"] for e in mine] == ["system"]
