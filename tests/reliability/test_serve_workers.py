"""``ukg-aid serve --workers 2`` as a real process tree: ``/metrics`` sums both workers, who may
scrape it, and workers that do not outlive their supervisor."""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.app_support import serve_process, wait_for_workers, workers
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.principal import Role

SCRAPE_TOKEN = "scrape-" + "s3cret-for-tests-only"


async def _token(db: Database, role: Role, member: str | None = None) -> dict[str, str]:
    async with db.transaction() as s:
        issued = await auth_service.create_token(
            s, name=f"{role.value}-{time.monotonic_ns()}", role=role, member_code=member,
            expires_in_days=1,
        )  # fmt: skip
    return {"Authorization": f"Bearer {issued.secret}"}


def _healthz_total(body: str) -> float:
    for family in text_string_to_metric_families(body):
        if family.name == "ukg_aid_http_requests":
            return sum(
                s.value
                for s in family.samples
                if s.name.endswith("_total") and s.labels.get("route") == "/healthz"
            )
    return 0.0


@contextmanager
def _two_workers(db: Database) -> Iterator[tuple[str, int]]:
    env = {"UKG_AID_METRICS_TOKEN": SCRAPE_TOKEN}
    with serve_process(db.url, workers=2, env=env) as (url, proc):
        wait_for_workers(proc.pid, 2)
        yield url, proc.pid


@pytest.fixture(scope="module")
def two_workers(module_live_db: Database) -> Iterator[tuple[str, int]]:
    """One server for the metrics tests."""
    with _two_workers(module_live_db) as served:
        yield served


def _fresh_connection_get(url: str, path: str, headers: dict[str, str]) -> httpx.Response:
    """One request on its own connection, so the kernel may hand it to either worker."""
    with httpx.Client(base_url=url, timeout=30) as client:
        return client.get(path, headers=headers)


def _settled_total(url: str, scrape: dict[str, str]) -> float:
    """The /healthz count once it holds still for a second: the start-up wait polls /healthz
    with a 1 s timeout, and on a loaded machine a poll it gave up on is answered, and counted,
    after it moved on (seen: 61 of 60 on every scrape)."""
    seen = _healthz_total(_fresh_connection_get(url, "/metrics", scrape).text)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = _healthz_total(_fresh_connection_get(url, "/metrics", scrape).text)
        if now == seen:
            return now
        seen = now
    raise AssertionError("the /healthz count did not settle in 30 s")


async def test_metrics_are_the_sum_of_every_worker(two_workers: tuple[str, int]) -> None:
    url, _ = two_workers
    scrape = {"Authorization": f"Bearer {SCRAPE_TOKEN}"}
    before = _settled_total(url, scrape)
    sent = 60
    for _ in range(sent):
        assert _fresh_connection_get(url, "/healthz", {}).status_code == 200
    totals = [
        _healthz_total(_fresh_connection_get(url, "/metrics", scrape).text) - before
        for _ in range(8)
    ]
    print(f"metrics: {sent} requests sent, /healthz totals on 8 scrapes: {totals}")
    assert totals == [sent] * 8, totals  # one worker's view alone would show part of them


async def test_who_may_scrape_metrics(
    module_live_db: Database, two_workers: tuple[str, int]
) -> None:
    url, live_db = two_workers[0], module_live_db
    checks = {
        "nobody": ({}, 401),
        "a wrong secret": ({"Authorization": "Bearer not-the-scrape-token"}, 401),
        "a desk": (await _token(live_db, Role.desk, "27"), 403),
        "a coordinator": (await _token(live_db, Role.coordinator), 403),
        "an observer": (await _token(live_db, Role.observer), 200),
        "an admin": (await _token(live_db, Role.admin), 200),
        "the scrape token": ({"Authorization": f"Bearer {SCRAPE_TOKEN}"}, 200),
    }
    for who, (headers, expected) in checks.items():
        resp = _fresh_connection_get(url, "/metrics", headers)
        assert resp.status_code == expected, (who, resp.status_code, resp.text[:200])
        if expected != 200:
            assert resp.headers["content-type"].startswith("application/problem+json"), who


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_workers_exit_when_the_supervisor_is_killed(module_live_db: Database) -> None:
    with _two_workers(module_live_db) as (url, supervisor):
        _kill_supervisor_and_watch(url, supervisor)


def _kill_supervisor_and_watch(url: str, supervisor: int) -> None:
    port = int(url.rsplit(":", 1)[1])
    pids = workers(supervisor)
    assert len(pids) == 2 and not _port_free(port)
    os.kill(supervisor, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (any(map(_alive, pids)) or not _port_free(port)):
        time.sleep(0.1)
    took = 10 - (deadline - time.monotonic())
    print(f"supervisor killed: workers gone and port free after {took:.1f} s")
    assert not [pid for pid in pids if _alive(pid)], "orphan workers survived their supervisor"
    assert _port_free(port)
