"""API benchmark: this service against a bare FastAPI + asyncpg app doing the same SQL (issue 11).

    python -m bench.api [--quick] [--report-only] [--only plans]

On the local PostgreSQL (``$BENCH_PG_URL``, default ``postgresql://postgres@127.0.0.1:5432``) it
creates a fresh database, migrates and seeds it and loads the Nankai-scale instance
(``apibench.nankai``), copies it for the bare app, and starts on loopback ports
``ukg-aid serve --workers 2`` and ``uvicorn bare_app:app --workers 2``. Then, in one run:

1. **Plans** (service only): create + approve + cancel of the whole instance, timed, with
   ``/healthz`` sampled on the same workers throughout (``apibench.plans``).
2. **Statements**: a 1-worker instance of each app behind a counting proxy
   (``apibench.pgwire``) answers a plan cycle and a few requests of each route one at a time;
   statements, round trips and parses per request come from the wire.
3. **Load**: for 16 and 64 connections and each route (stock list, depot read, stock adjustment,
   filing a 10-line aid request), wrk drives service and bare in turn, A B A B … (``rounds``
   each, after a warm-up of each), so machine drift hits both; requests/s, p50, p99, server
   CPU per request, wrk's own CPU, connections opened (``apibench.wrk``).

Server connections per database are sampled throughout (``pg_stat_activity``). Both databases
are dropped at the end, also on failure. Writes ``bench/results/api.json`` and regenerates the
"API" section of ``docs/benchmarks.md`` from it (``--report-only`` does only that). Bounded: wrk
runs are fixed-length and no plan cycle starts after a budget: about 7 minutes in full (10 on a
heavily loaded machine), 3 with ``--quick``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import itertools
import json
import os
import platform
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.apibench import nankai, plan_only, plans, procs, report
from bench.apibench.cluster import own_cluster
from bench.apibench.pgwire import CountingProxy
from bench.apibench.procs import (
    ConnectionSampler,
    PgAdmin,
    Server,
    admin_sql,
    db_url,
    free_port,
    pg_host_port,
    serving,
    tree_cpu_s,
)
from bench.apibench.stats import Merged
from bench.apibench.wrk import Load, run_wrk, wrk_binary

RESULTS = Path(__file__).parent / "results" / "api.json"
CONCURRENCY = (16, 64)
APPS = ("service", "bare")


@dataclass(frozen=True)
class Plan:
    """How long each part runs."""

    rounds: int = 2  # wrk runs per app, route and concurrency (3 took make bench past 15 min)
    seconds: int = 5  # per wrk run
    warmup_s: int = 1  # one unrecorded wrk run per app before the rounds
    plan_cycles: int = 2
    plan_budget_s: float = 60.0  # no new plan cycle after this
    idle_s: float = 2.0  # health baseline before the first plan
    count_requests: int = 5  # requests per route through the counting proxy


FULL, QUICK = Plan(), Plan(rounds=1, seconds=2, plan_cycles=1, idle_s=1.0, count_requests=3)


@contextmanager
def service(url: str, workers: int) -> Iterator[Server]:
    port = free_port()
    cli = str(Path(sys.executable).with_name("ukg-aid"))
    env = {"UKG_AID_DATABASE_URL": url, "UKG_AID_LOG_LEVEL": "warning"}
    argv = [cli, "serve", "--port", str(port), "--workers", str(workers)]
    with serving("service", argv, env, port, ready="/readyz") as server:
        yield server


@contextmanager
def bare(url: str, workers: int) -> Iterator[Server]:
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "bench.bare_app:app"]
    argv += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with serving(
        "bare", [*argv, "--log-level", "warning"], {"BENCH_BARE_DATABASE_URL": url}, port
    ) as s:
        yield s


def loads(seeded: nankai.Seeded) -> dict[str, Load]:
    """The four routes as wrk drives them (the same requests go to both apps)."""
    office = _office(nankai.FILE_MEMBER)
    filing = {
        "member_code": nankai.FILE_MEMBER,
        "delivery": {"name": "prefectural office (bench)", **office},
        "priority": "normal",
        "lines": [{"item_code": f"bench-{k:02d}", "quantity": 100} for k in range(10)],
    }
    t = seeded.tokens
    adjust = tuple(f"/api/v1/depots/{d}/stock/{i}/adjustments" for d, i in seeded.adjust_rows)
    return {
        "stock_list": Load("GET", ("/api/v1/stock",), t["observer"]),
        "depot_read": Load(
            "GET", tuple(f"/api/v1/depots/{i}" for i in seeded.depot_ids), t["observer"]
        ),
        "stock_adjust": Load(
            "POST",
            adjust,
            t[f"desk-{nankai.ADJUST_MEMBER}"],
            {"delta": 1, "reason": "bench: receipt"},
        ),
        "file_request": Load(
            "POST", ("/api/v1/aid-requests",), t[f"desk-{nankai.FILE_MEMBER}"], filing
        ),
    }


def _office(member: str) -> dict[str, float]:
    with (nankai.SEED_DIR / "members.csv").open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["code"] == member)
    return {"lat": float(row["office_lat"]), "lon": float(row["office_lon"])}


@dataclass
class Rig:
    """The running pair, their databases and the run's bookkeeping connection."""

    servers: dict[str, Server]
    dbs: dict[str, str]
    admin: PgAdmin
    plan: Plan
    slot_waits_s: float = 0.0

    def measure(self, app: str, load: Load, conc: int, seconds: float) -> tuple[Any, float, int]:
        """One wrk run of ``app``: (measured, server CPU seconds, connections opened)."""
        # Our peak is about 60 connections (the service's pools keep what they opened, up to
        # 2 × 20, beside the bare app's 20); wait for that room before each run.
        self.slot_waits_s += self.admin.wait_for_slots(self.dbs.values(), need=60, timeout=120)
        server, db = self.servers[app], self.dbs[app]
        opened, cpu = self.admin.sessions(db), tree_cpu_s(server.pid)
        measured = run_wrk(server.url, load, connections=conc, seconds=seconds)
        cpu = tree_cpu_s(server.pid) - cpu
        return measured, cpu, self.admin.sessions(db) - opened


def drive(rig: Rig, load: Load, conc: int) -> dict[str, Any]:
    """Warm both, then ``rounds`` runs of each, alternating service and bare."""
    for app in APPS:
        rig.measure(app, load, conc, rig.plan.warmup_s)
    merged = {app: Merged() for app in APPS}
    cpu, wrk_cpu, opened = (
        dict.fromkeys(APPS, 0.0),
        dict.fromkeys(APPS, 0.0),
        dict.fromkeys(APPS, 0),
    )
    for _ in range(rig.plan.rounds):
        for app in APPS:
            measured, server_cpu, new_connections = rig.measure(app, load, conc, rig.plan.seconds)
            merged[app].add(measured.run)
            cpu[app] += server_cpu
            wrk_cpu[app] += measured.wrk_cpu_s
            opened[app] += new_connections
    out: dict[str, Any] = {}
    for app in APPS:
        row = merged[app].summary()
        seconds = sum(r.duration_s for r in merged[app].runs)
        requests = sum(r.requests for r in merged[app].runs)
        row["server_cpu_ms_per_request"] = 1000 * cpu[app] / max(1, requests)
        row["wrk_cpu_share"] = wrk_cpu[app] / seconds
        row["connections_opened"] = opened[app]
        out[app] = row
    out["ratio_rps"] = out["service"]["rps"] / out["bare"]["rps"]
    out["ratio_p99"] = out["service"]["p99_ms"] / out["bare"]["p99_ms"]
    return out


COUNTED = ("statements", "round_trips", "parses", "connections")


def short_sql(sql: str, width: int = 160) -> str:
    """One line, at most ``width`` characters."""
    text = " ".join(sql.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def delta(proxy: CountingProxy, before: dict[str, int], after: dict[str, int]) -> dict[str, Any]:
    """Counts between two snapshots, and the statements' text in order."""
    out: dict[str, Any] = {key: after[key] - before[key] for key in COUNTED}
    out["sql"] = proxy.sql[before["sql_mark"] : after["sql_mark"]]
    return out


def count_route(proxy: CountingProxy, server: Server, load: Load, n: int) -> dict[str, Any]:
    """Statements, round trips and parses of each of ``n`` requests (after 3 warm ones), and
    the text of the last one's statements."""
    per: list[dict[str, Any]] = []
    headers = {"Authorization": f"Bearer {load.token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
        for k in range(3 + n):
            before = proxy.counts()
            resp = client.request(load.method, load.paths[k % len(load.paths)], json=load.body)
            if resp.status_code >= 300:
                raise RuntimeError(f"{server.name} {load.paths[0]}: {resp.status_code} {resp.text}")
            if k >= 3:
                per.append(delta(proxy, before, proxy.counts()))
    out: dict[str, Any] = {key: statistics.median(p[key] for p in per) for key in COUNTED}
    out["spread"] = {key: [min(p[key] for p in per), max(p[key] for p in per)] for key in COUNTED}
    last = per[-1]["sql"]
    return out | {
        "requests": n,
        "heads": [report.head(q) for q in last],
        "sql": [short_sql(q) for q in last],
    }


def count_plan(proxy: CountingProxy, server: Server, token: str) -> dict[str, Any]:
    """One plan cycle through the proxy: counts per call and its most frequent statements."""
    snaps: dict[str, dict[str, int]] = {}
    plans.plan_cycle(
        server.url, token, between=lambda phase: snaps.__setitem__(phase, proxy.counts())
    )
    order = ["create", "approve", "cancel", "end"]
    out: dict[str, Any] = {}
    for phase, nxt in itertools.pairwise(order):
        row = delta(proxy, snaps[phase], snaps[nxt])
        shapes = Counter(report.head(q) for q in row.pop("sql"))
        out[phase] = row | {"top_sql": shapes.most_common(6)}
    return out


def counting(
    dbs: dict[str, str], seeded: nankai.Seeded, routes: dict[str, Load], plan: Plan
) -> dict[str, Any]:
    host, port = pg_host_port()
    with CountingProxy(host, port) as proxy:
        via = {app: f"postgresql://postgres@127.0.0.1:{proxy.port}/{dbs[app]}" for app in APPS}
        with service(via["service"], 1) as svc, bare(via["bare"], 1) as bare_server:
            out: dict[str, Any] = {"plan": count_plan(proxy, svc, seeded.tokens["coordinator"])}
            for name, load in routes.items():
                out[name] = {
                    app: count_route(proxy, server, load, plan.count_requests)
                    for app, server in (("service", svc), ("bare", bare_server))
                }
    return out


def run(plan: Plan, seeded: nankai.Seeded, dbs: dict[str, str]) -> dict[str, Any]:
    routes = loads(seeded)
    result: dict[str, Any] = {"routes": {name: {} for name in routes}}
    admin = PgAdmin()
    with (
        ConnectionSampler(list(dbs.values())) as conns,
        service(db_url(dbs["service"]), 2) as svc,
        bare(db_url(dbs["bare"]), 2) as bare_s,
    ):
        rig = Rig({"service": svc, "bare": bare_s}, dbs, admin, plan)
        conns.phase = "plans"
        _say("plans: create, approve, cancel")
        result["plans"] = plans.timed_cycles(
            svc,
            seeded.tokens["coordinator"],
            plan.plan_cycles,
            plan.idle_s,
            plan.plan_budget_s,
            dbs["service"],
        )
        conns.phase = "counting"
        _say("statements: through the counting proxy")
        result["statements"] = counting(dbs, seeded, routes, plan)
        for conc in CONCURRENCY:
            conns.phase = f"load_{conc}"
            for name, load in routes.items():
                _say(f"load: {name} at {conc} connections")
                row = result["routes"][name][str(conc)] = drive(rig, load, conc)
                svc_row, bare_row = row["service"], row["bare"]
                _say(
                    f"  {svc_row['rps']:.0f} vs {bare_row['rps']:.0f} req/s"
                    f" (x{row['ratio_rps']:.2f}), p99 {svc_row['p99_ms']:.0f} vs"
                    f" {bare_row['p99_ms']:.0f} ms"
                )
        conns.phase = "end"
    admin.close()
    result["connections"] = {
        phase: {app: conns.peaks[phase][dbs[app]] for app in APPS}
        for phase in ("plans", "load_16", "load_64")
    }
    result["slot_waits_s"] = rig.slot_waits_s
    return result


_T0 = time.monotonic()


def _say(what: str) -> None:
    print(f"[{time.monotonic() - _T0:5.0f} s] {what}", flush=True)


def benchmark(plan: Plan, server: str) -> dict[str, Any]:
    """Create, seed and copy the databases on ``server``, run, and always drop them."""
    procs.use_server(server)
    name = f"ukg_aid_bench_{uuid.uuid4().hex[:8]}"
    dbs = {"service": name, "bare": f"{name}_bare"}
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        instance = nankai.build()
        seeded = asyncio.run(nankai.seed_database(db_url(name), instance))
        admin_sql(f'CREATE DATABASE "{dbs["bare"]}" TEMPLATE "{name}"')
        _say(f"seeded {name}")
        result = run(plan, seeded, dbs)
    finally:
        admin_sql(*(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)' for db in dbs.values()))
    result["instance"] = {
        "depots": len(instance.depots),
        "items": len(instance.items),
        "stock_rows": seeded.stock_rows,
        "adjust_rows": len(seeded.adjust_rows),
        "requests": len(seeded.request_ids),
        "lines": seeded.lines,
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run (about 3 minutes)")
    parser.add_argument(
        "--own-cluster",
        action="store_true",
        help="run on a throwaway PostgreSQL cluster instead of the shared local server",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="regenerate docs/benchmarks.md from bench/results/api.json",
    )
    parser.add_argument("--only", choices=["plans"], help="only the plan cycle (plan_only.py)")
    parser.add_argument("--against", help="with --only plans: also the service at this revision")
    args = parser.parse_args()
    if args.only == "plans":
        with own_cluster() if args.own_cluster else nullcontext(procs.PG_SERVER) as server:
            procs.use_server(server)
            p = QUICK if args.quick else FULL
            times = (p.plan_cycles, p.idle_s, p.plan_budget_s * (5 if args.against else 1))
            plan_only.run(*times, service, count_plan, args.against)
        return
    if args.report_only:
        report.write_docs(json.loads(RESULTS.read_text()))
        return
    wrk_binary()
    plan, started, load_before = (QUICK if args.quick else FULL), time.time(), os.getloadavg()
    with own_cluster() if args.own_cluster else nullcontext(procs.PG_SERVER) as server:
        result = benchmark(plan, server)
    result = {
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "quick": args.quick,
        "database_server": "own throwaway cluster" if args.own_cluster else "shared local server",
        "settings": asdict(plan) | {"concurrency": list(CONCURRENCY)},
        "started": time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(started)),
        "load_average": {"start": load_before, "end": os.getloadavg()},
        **result,
        "wall_s": time.time() - started,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    report.write_docs(result)
    _say(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
