"""``python -m bench.api --only plans``: the Nankai-scale plan cycle alone (issue 11).

The same database, instance and measurements as the full run's first two parts (``bench/api.py``):
a fresh database seeded with ``nankai``, ``ukg-aid serve --workers 2``, timed create → approve →
cancel cycles with ``/healthz`` sampled on the workers (``plans.timed_cycles``), then one cycle
through the counting proxy on a 1-worker instance. No bare app and no wrk (the plan has no bare
counterpart). Writes ``bench/results/api_plans.json`` (the full run's ``api.json`` is left alone)
and the plan table between its own markers in ``docs/benchmarks.md``. A few minutes.
``--against REV`` also runs the service as it was at git revision ``REV`` (its ``src`` exported
to a scratch folder, on a copy of the database), cycles alternating with this one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from bench.apibench import nankai, plans, report
from bench.apibench.pgwire import CountingProxy
from bench.apibench.procs import (
    REPO,
    ConnectionSampler,
    Server,
    admin_sql,
    db_url,
    free_port,
    pg_host_port,
    serving,
)

RESULTS = Path(__file__).parent.parent / "results" / "api_plans.json"
BEGIN, END = "<!-- bench/api.py --only plans: begin -->", "<!-- bench/api.py --only plans: end -->"

ServiceFactory = Callable[[str, int], AbstractContextManager[Server]]
PlanCounter = Callable[[CountingProxy, Server, str], dict[str, Any]]


def measure(
    cycles: int,
    idle_s: float,
    budget_s: float,
    service: ServiceFactory,
    count: PlanCounter,
    against: str | None = None,
) -> dict[str, Any]:
    """Seed a fresh database, time ``cycles`` plan cycles, count one; always drop it. With
    ``against`` (a git revision), the service as it was there runs too, on a copy of the same
    database, and the cycles alternate: this service, that one, this one, … (same run, same
    instance, so the machine's load hits both)."""
    name = f"ukg_aid_bench_{uuid.uuid4().hex[:8]}"
    names = [name, f"{name}_base"] if against else [name]
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        seeded = asyncio.run(nankai.seed_database(db_url(name), nankai.build()))
        if against:
            admin_sql(f'CREATE DATABASE "{names[1]}" TEMPLATE "{name}"')
        token = seeded.tokens["coordinator"]
        with contextlib.ExitStack() as stack:
            conns = stack.enter_context(ConnectionSampler(names))
            svc = stack.enter_context(service(db_url(name), 2))
            old = None
            if against:
                src = stack.enter_context(_tree_at(against))
                old = stack.enter_context(_service_from(src, db_url(names[1]), against))
            conns.phase = "plans"
            rounds = _alternate(svc, old, token, cycles, idle_s, budget_s, names)
        host, port = pg_host_port()
        proxy = CountingProxy(host, port)
        with proxy, service(f"postgresql://postgres@127.0.0.1:{proxy.port}/{name}", 1) as one:
            counted = count(proxy, one, token)
    finally:
        admin_sql(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names))
    out = {"plans": rounds["service"][0], "statements": {"plan": counted}, "rounds": rounds}
    return out | {"against": against, "peak_connections": conns.peaks}


def _alternate(
    svc: Server,
    old: Server | None,
    token: str,
    cycles: int,
    idle_s: float,
    budget_s: float,
    names: list[str],
) -> dict[str, list[dict[str, Any]]]:
    """One cycle at a time, alternating; no new round after ``budget_s`` (the first runs).
    ``names``: this service's database, then the revision's."""
    rounds: dict[str, list[dict[str, Any]]] = {"service": [], "base": []}
    started = time.monotonic()
    for k in range(cycles):
        if k and time.monotonic() - started > budget_s:
            break
        rounds["service"].append(plans.timed_cycles(svc, token, 1, idle_s, budget_s, names[0]))
        if old is not None:
            base = plans.timed_cycles(old, token, 1, idle_s, budget_s, names[1])
            rounds["base"].append(base)
    return rounds


@contextlib.contextmanager
def _tree_at(revision: str) -> Iterator[Path]:
    """The service's source as it was at ``revision`` (``git archive``), in a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="ukg_aid_base_") as scratch:
        tar = subprocess.run(
            ["git", "-C", str(REPO), "archive", revision, "src"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", scratch], input=tar, check=True)
        yield Path(scratch) / "src"


def _service_from(src: Path, url: str, revision: str) -> AbstractContextManager[Server]:
    """``ukg-aid serve --workers 2`` importing the package from ``src`` (``PYTHONPATH`` comes
    before the editable install's path)."""
    port = free_port()
    cli = str(Path(sys.executable).with_name("ukg-aid"))
    env = {"UKG_AID_DATABASE_URL": url, "UKG_AID_LOG_LEVEL": "warning", "PYTHONPATH": str(src)}
    argv = [cli, "serve", "--port", str(port), "--workers", "2"]
    return serving(f"service at {revision}", argv, env, port)


def run(
    cycles: int,
    idle_s: float,
    budget_s: float,
    service: ServiceFactory,
    count: PlanCounter,
    against: str | None = None,
) -> None:
    started, load_before = time.time(), os.getloadavg()
    result = measure(cycles, idle_s, budget_s, service, count, against)
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
        "",
        *_against_table(result),
        END,
    ]
    return "\n".join(lines) + "\n"


def _against_table(result: dict[str, Any]) -> list[str]:
    """Each call's seconds in every round, this service beside the revision it is measured
    against (same run, alternating), with the CPU seconds the call cost (service processes +
    its database's PostgreSQL backends) and /healthz p99 on all workers meanwhile."""
    if not result.get("against"):
        return []
    rounds, rev = result["rounds"], result["against"]
    lines = [
        f"Against `{rev}` in the same run (cycles alternating, this service first; CPU s:"
        " the service's processes + its database's PostgreSQL backends during the call, the"
        " health requests answered meanwhile included; /healthz p99 over both workers during"
        " the call):",
        "",
        f"| call | seconds now | seconds at {rev} | CPU s now | CPU s at {rev}"
        " | health p99 ms now | health p99 ms then |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for phase, label in (("create", "POST /plans"), ("approve", "approve"), ("cancel", "cancel")):
        cells = []
        for who in ("service", "base"):
            cells.append(", ".join(f"{r[f'{phase}_s'][0]:.2f}" for r in rounds[who]))
        for who in ("service", "base"):
            cells.append(", ".join(_cpu(r, phase) for r in rounds[who]))
        for who in ("service", "base"):
            cells.append(", ".join(_p99(r["health"][phase]) for r in rounds[who]))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def _cpu(r: dict[str, Any], phase: str) -> str:
    spent = r.get(f"{phase}_cpu_s", [{}])[0]
    if not spent:
        return "—"
    return f"{spent.get('service', 0):.2f} + {spent.get('database', 0):.2f}"


def _p99(h: dict[str, Any]) -> str:
    return f"{h['p99_ms']:.0f}" if h.get("samples") else "—"


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
