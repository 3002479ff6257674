"""``python -m bench.api --only plans``: the Nankai-scale plan cycle alone (issue 11).

The same database, instance and measurements as the full run's first two parts (``bench/api.py``):
a fresh database seeded with ``nankai``, ``ukg-aid serve --workers 2``, timed create → approve →
cancel cycles with ``/healthz`` sampled on the workers (``plans.timed_cycles``), then one cycle
through the counting proxy on a 1-worker instance. No bare app and no wrk (the plan has no bare
counterpart). Writes ``bench/results/api_plans.json`` (the full run's ``api.json`` is left alone)
and the plan table between its own markers in ``docs/benchmarks.md``. A few minutes.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from bench.apibench import nankai, plans, report
from bench.apibench.pgwire import CountingProxy
from bench.apibench.procs import ConnectionSampler, Server, admin_sql, db_url, pg_host_port

RESULTS = Path(__file__).parent.parent / "results" / "api_plans.json"
BEGIN, END = "<!-- bench/api.py --only plans: begin -->", "<!-- bench/api.py --only plans: end -->"

ServiceFactory = Callable[[str, int], AbstractContextManager[Server]]
PlanCounter = Callable[[CountingProxy, Server, str], dict[str, Any]]


def measure(
    cycles: int, idle_s: float, budget_s: float, service: ServiceFactory, count: PlanCounter
) -> dict[str, Any]:
    """Seed a fresh database, time ``cycles`` plan cycles, count one; always drop it."""
    name = f"ukg_aid_bench_{uuid.uuid4().hex[:8]}"
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        seeded = asyncio.run(nankai.seed_database(db_url(name), nankai.build()))
        token = seeded.tokens["coordinator"]
        with ConnectionSampler([name]) as conns, service(db_url(name), 2) as svc:
            conns.phase = "plans"
            timed = plans.timed_cycles(svc, token, cycles, idle_s, budget_s)
        host, port = pg_host_port()
        proxy = CountingProxy(host, port)
        with proxy, service(f"postgresql://postgres@127.0.0.1:{proxy.port}/{name}", 1) as one:
            counted = count(proxy, one, token)
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return {"plans": timed, "statements": {"plan": counted}, "peak_connections": conns.peaks}


def run(
    cycles: int, idle_s: float, budget_s: float, service: ServiceFactory, count: PlanCounter
) -> None:
    started, load_before = time.time(), os.getloadavg()
    result = measure(cycles, idle_s, budget_s, service, count)
    result = {
        "started": time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(started)),
        "cpus": os.cpu_count(),
        "load_average": {"start": load_before, "end": os.getloadavg()},
        **result,
        "wall_s": time.time() - started,
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    write_docs(result)
    print(f"wrote {RESULTS}", flush=True)


def section(result: dict[str, Any]) -> str:
    load = result["load_average"]
    lines = [
        BEGIN,
        f"`python -m bench.api --only plans` → `bench/results/api_plans.json`; run"
        f" {result['started']}, {result['wall_s'] / 60:.1f} min, 1-minute load average"
        f" {load['start'][0]:.1f} at the start and {load['end'][0]:.1f} at the end (2 cores).",
        "",
        *report.plan_table(result),
        "",
        report.plan_facts(result),
        END,
    ]
    return "\n".join(lines) + "\n"


def _split(text: str) -> Iterator[str]:
    head, rest = text.split(BEGIN, 1)
    yield head
    yield rest.split(END, 1)[1].lstrip("\n")


def write_docs(result: dict[str, Any], path: Path = report.DOCS) -> None:
    """Replace the text between the markers (they must exist: the Issue 11 section holds them)."""
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text:
        raise SystemExit(f"{path}: no {BEGIN} marker to write the plan table at")
    head, tail = _split(text)
    path.write_text(head + section(result) + tail, encoding="utf-8")
