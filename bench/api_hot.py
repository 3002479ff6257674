"""A narrow A/B harness for the hot routes (issue 11): service variants and the bare app, one run.

    python -m bench.api_hot [--routes depot_read,stock_adjust] [--rounds 3] [--seconds 4]
        [--variant NAME=ENV=VALUE,ENV=VALUE ...] [--conc 16]

Seeds a Nankai-scale database like ``bench/api.py`` (and a copy per app), starts the bare app
and one ``ukg-aid serve --workers 2`` per variant (``default`` always; each ``--variant`` adds
one with extra ``UKG_AID_*`` settings), then for each route drives all of them in turn with wrk,
A B C A B C …, so machine drift hits each alike. Prints req/s, p99, CPU ms per request and the
ratio to the bare app of the same rounds, and the load average at start and end. Only same-run
ratios mean anything on a shared machine. Databases are dropped at the end, also on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bench.api import bare, loads
from bench.apibench import nankai
from bench.apibench.procs import Server, admin_sql, db_url, free_port, serving, tree_cpu_s
from bench.apibench.stats import Merged
from bench.apibench.wrk import Load, run_wrk, wrk_binary


@contextmanager
def service(url: str, env: dict[str, str]) -> Iterator[Server]:
    port = free_port()
    cli = str(Path(sys.executable).with_name("ukg-aid"))
    argv = [cli, "serve", "--port", str(port), "--workers", "2"]
    extra = {"UKG_AID_DATABASE_URL": url, "UKG_AID_LOG_LEVEL": "warning"} | env
    with serving("service", argv, extra, port, ready="/readyz") as server:
        yield server


def _variants(specs: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {"default": {}}
    for spec in specs:
        name, _, pairs = spec.partition("=")
        out[name] = dict(pair.split("=", 1) for pair in pairs.split(",") if pair)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--routes", default="stock_list,depot_read,stock_adjust,file_request")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--conc", type=int, default=16)
    parser.add_argument("--variant", action="append", default=[])
    args = parser.parse_args()
    wrk_binary()
    variants = _variants(args.variant)
    name = f"ukg_aid_hot_{uuid.uuid4().hex[:8]}"
    dbs = {app: f"{name}_{app}" for app in [*variants, "bare"]}
    first = dbs["default"]
    load_start = os.getloadavg()
    admin_sql(f'CREATE DATABASE "{first}"')
    try:
        seeded = asyncio.run(nankai.seed_database(db_url(first), nankai.build()))
        admin_sql(
            *(f'CREATE DATABASE "{d}" TEMPLATE "{first}"' for d in dbs.values() if d != first)
        )
        routes = loads(seeded)
        with ExitStack() as stack:
            servers = {
                app: stack.enter_context(service(db_url(dbs[app]), env))
                for app, env in variants.items()
            }
            servers["bare"] = stack.enter_context(bare(db_url(dbs["bare"]), 2))
            for route in args.routes.split(","):
                _drive(route, routes[route], servers, args)
    finally:
        admin_sql(*(f'DROP DATABASE IF EXISTS "{d}" WITH (FORCE)' for d in dbs.values()))
    print(f"load average: start {load_start}, end {os.getloadavg()}")


def _drive(route: str, load: Load, servers: dict[str, Server], args: argparse.Namespace) -> None:
    merged = {app: Merged() for app in servers}
    cpu = dict.fromkeys(servers, 0.0)
    for server in servers.values():  # warm-up
        run_wrk(server.url, load, connections=args.conc, seconds=1)
    for _ in range(args.rounds):
        for app, server in servers.items():
            before = tree_cpu_s(server.pid)
            measured = run_wrk(server.url, load, connections=args.conc, seconds=args.seconds)
            cpu[app] += tree_cpu_s(server.pid) - before
            merged[app].add(measured.run)
    rows: dict[str, dict[str, Any]] = {app: merged[app].summary() for app in servers}
    bare_rps = float(rows["bare"]["rps"])
    print(f"== {route} at {args.conc} connections", flush=True)
    for app, row in rows.items():
        requests = sum(r.requests for r in merged[app].runs)
        ms = 1000 * cpu[app] / max(1, requests)
        print(
            f"  {app:>12}: {row['rps']:7.0f} req/s  x{row['rps'] / bare_rps:4.2f}"
            f"  p50 {row['p50_ms']:6.1f}  p99 {row['p99_ms']:6.1f} ms"
            f"  CPU {ms:5.2f} ms/req  failed {row['failed']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
