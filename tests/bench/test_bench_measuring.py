"""The measuring parts of bench/api.py measure what they claim: percentiles, wrk's report,
the wire-protocol counts (against the real server), process CPU, and the generated docs."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from bench.apibench import report
from bench.apibench.pgwire import CountingProxy, Framer
from bench.apibench.procs import Server, free_port, tree_cpu_s, workers_by_client_port
from bench.apibench.stats import Merged, parse_wrk, percentile, sample_percentile

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "api.json"


def test_percentile_is_nearest_rank() -> None:
    flat = Counter(range(1, 101))
    assert (percentile(flat, 50), percentile(flat, 99), percentile(flat, 100)) == (50, 99, 100)
    skewed = Counter({10: 98, 1000: 2})
    assert percentile(skewed, 98) == 10
    assert percentile(skewed, 99) == 1000  # the 99th of 100 samples is a slow one
    assert sample_percentile([5.0, 1.0, 3.0], 50) == 3.0
    with pytest.raises(ValueError, match="no samples"):
        percentile(Counter(), 50)
    with pytest.raises(ValueError, match="outside"):
        percentile(flat, 0)


def _wrk_line(requests: int, duration_us: int, latency: list[list[int]], status: int = 0) -> str:
    errors = {"connect": 0, "read": 0, "write": 0, "status": status, "timeout": 0}
    body = {"requests": requests, "duration_us": duration_us, "bytes": 10, "errors": errors}
    return "Running 5s test\nWRKJSON " + json.dumps(body | {"latency_us": latency}) + "\n"


def test_wrk_runs_merge_into_one_distribution() -> None:
    fast = parse_wrk(_wrk_line(100, 1_000_000, [[1000, 99], [5000, 1]]))
    slow = parse_wrk(_wrk_line(100, 3_000_000, [[2000, 90], [90000, 10]], status=3))
    assert (fast.requests, fast.duration_s, fast.failed, slow.failed) == (100, 1.0, 0, 3)
    merged = Merged([fast, slow]).summary()
    assert merged["rps"] == pytest.approx(200 / 4.0)  # total requests over total time
    assert merged["rps_rounds"] == [100.0, 33.3]
    assert merged["p50_ms"] == 2.0  # 99 at 1 ms, then the 100th and 101st are 2 ms
    assert merged["p99_ms"] == 90.0  # the 10 slowest of 200 samples are 90 ms
    assert merged["max_ms"] == 90.0
    assert merged["failed"] == 3
    with pytest.raises(ValueError, match="WRKJSON"):
        parse_wrk("wrk crashed")


def _message(kind: str, body: bytes) -> bytes:
    return kind.encode() + (len(body) + 4).to_bytes(4, "big") + body


def test_framer_finds_every_message_across_any_chunking() -> None:
    stream = (
        _message("P", b"s1\x00SELECT 1\x00\x00\x00")
        + _message("B", b"\x00s1\x00" + bytes(30))
        + _message("E", b"\x00\x00\x00\x00\x00")
        + _message("S", b"")
        + _message("Q", b"BEGIN;\x00")
    )
    whole = list(Framer(frozenset("QPB")).feed(stream))
    framer = Framer(frozenset("QPB"))
    bytewise = [m for i in range(len(stream)) for m in framer.feed(stream[i : i + 1])]
    assert whole == bytewise
    assert [kind for kind, _ in whole] == ["P", "B", "E", "S", "Q"]
    assert whole[0][1] == b"s1\x00SELECT 1\x00\x00\x00"
    assert whole[2][1] is None  # not captured: counted, body skipped
    assert whole[4][1] == b"BEGIN;\x00"


@dataclass
class Counted:
    statements: int
    round_trips: int
    parses: int
    sql: list[str]


async def _counted(proxy: CountingProxy, work: Awaitable[object]) -> Counted:
    before = proxy.counts()
    await work
    after = proxy.counts()
    return Counted(
        statements=after["statements"] - before["statements"],
        round_trips=after["round_trips"] - before["round_trips"],
        parses=after["parses"] - before["parses"],
        sql=proxy.sql[before["sql_mark"] : after["sql_mark"]],
    )


async def test_proxy_counts_statements_and_round_trips(pg_server: str) -> None:
    parts = urlsplit(pg_server)
    with CountingProxy(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
        conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{proxy.port}/postgres")
        try:
            first = await _counted(proxy, conn.fetchval("SELECT $1::int", 1))
            assert (first.statements, first.round_trips, first.parses) == (1, 2, 1)  # prepared
            again = await _counted(proxy, conn.fetchval("SELECT $1::int", 2))
            assert (again.statements, again.round_trips, again.parses) == (1, 1, 0)
            assert again.sql == ["SELECT $1::int"]

            async def in_transaction() -> None:
                async with conn.transaction():
                    await conn.execute("SELECT 1")

            xact = await _counted(proxy, in_transaction())
            assert (xact.statements, xact.round_trips) == (3, 3)
            assert [q.split()[0].rstrip(";") for q in xact.sql] == ["BEGIN", "SELECT", "COMMIT"]
            many = await _counted(proxy, conn.executemany("SELECT $1::int", [(1,), (2,), (3,)]))
            assert (many.statements, many.round_trips) == (3, 1)  # pipelined
        finally:
            await conn.close()
    assert proxy.connections == 1


BURN = (
    "import time\nt = time.process_time()\n"
    "while time.process_time() - t < 0.3: pass\ntime.sleep(30)"
)


def test_process_tree_cpu_includes_descendants() -> None:
    """uvicorn's workers are children of the server process: their CPU must be counted."""
    spawner = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {BURN!r}])"
    child = subprocess.Popen([sys.executable, "-c", spawner], start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while tree_cpu_s(child.pid) < 0.25:  # the grandchild burns 0.3 s; the child ~0.05
            assert time.monotonic() < deadline, "the grandchild's CPU never showed up"
            time.sleep(0.05)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def test_connections_are_traced_to_the_process_holding_them() -> None:
    """How the harness knows which worker answered a health sample or a plan call."""
    port = free_port()
    listen = (
        "import socket, time\ns = socket.socket()\n"
        f"s.bind(('127.0.0.1', {port}))\ns.listen()\n"
        "held = [s.accept()[0] for _ in range(2)]\ntime.sleep(30)"
    )
    child = subprocess.Popen([sys.executable, "-c", listen], start_new_session=True)
    server = Server("listener", f"http://127.0.0.1:{port}", child.pid)
    clients: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 20
        while len(clients) < 2:
            try:
                clients.append(socket.create_connection(("127.0.0.1", port), timeout=1))
            except OSError:
                assert time.monotonic() < deadline, "the listener never listened"
                time.sleep(0.05)
        ports = {c.getsockname()[1] for c in clients}
        while set(workers_by_client_port(server)) != ports:  # accepted: held by the child
            assert time.monotonic() < deadline, workers_by_client_port(server)
            time.sleep(0.05)
        assert set(workers_by_client_port(server).values()) == {child.pid}
    finally:
        for c in clients:
            c.close()
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def test_docs_section_is_regenerated_between_markers(tmp_path: Path) -> None:
    result = json.loads(RESULTS.read_text())
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\n## Matching\n\nkept\n")
    report.write_docs(result, docs)
    first = docs.read_text()
    assert first.startswith("# Benchmarks\n\n## Matching\n\nkept\n")
    assert first.count(report.BEGIN) == first.count(report.END) == 1
    docs.write_text(first + "\n## Later section\n\nalso kept\n")
    report.write_docs(result, docs)
    second = docs.read_text()
    assert second == first + "\n## Later section\n\nalso kept\n"
    rps = result["routes"]["depot_read"]["16"]["service"]["rps"]
    assert f"| depot read | 16 | {rps:.0f} / " in second


def test_proxy_stops_its_thread() -> None:
    with CountingProxy("127.0.0.1", 9) as proxy:
        assert proxy.port > 0
    assert not proxy._thread.is_alive()
