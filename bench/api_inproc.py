"""CPU per request of the app itself, in one process, without HTTP (issue 11, the depot read).

    python -m bench.api_inproc [--requests 4000] [--conc 16] [--profile depot_read]

Seeds a Nankai-scale database like ``bench/api.py`` (and a copy for the bare app), builds the
service's app (``create_app`` on a pool of 16, so no task waits for a connection) and the bare
app (``bench/bare_app.py``, also 16) in this process and calls each through ASGI directly:
``--conc`` tasks on one uvloop, each sending its requests one after another. What is timed is
the app's own work per request (routing, middleware, dependencies, the session, the statements'
client side, serialisation), not uvicorn's HTTP parsing nor wrk. Prints CPU ms per request of
this process (``time.process_time``; the database server's CPU is not in it) and requests/s for
the depot read, the stock list and ``/healthz`` of both apps, rounds interleaved. ``--profile
ROUTE`` runs that route of the service once more under cProfile (its times for frames that await
the driver are not to be trusted: py-spy, ``bench.apibench.profile``, samples better). The
databases are dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import time
import uuid
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

import uvloop

from bench import bare_app
from bench.apibench import nankai
from bench.apibench.procs import admin_sql, db_url
from ukg_aid.app import create_app
from ukg_aid.config import Settings
from ukg_aid.db import Database
from ukg_aid.db.session import Limits, PoolOptions

App = Callable[..., Any]


async def call(app: App, path: str, token: str) -> int:
    """One GET through ``app``'s ASGI interface; its status."""
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def drive(app: App, paths: list[str], token: str, total: int, conc: int) -> dict[str, float]:
    """``total`` requests over ``conc`` tasks; CPU ms per request and requests/s."""
    per_task = total // conc
    statuses: list[int] = []

    async def one(k: int) -> None:
        for i in range(per_task):
            statuses.append(await call(app, paths[(k * per_task + i) % len(paths)], token))

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one(k) for k in range(conc)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    bad = sum(1 for s in statuses if s != 200)
    if bad:
        raise SystemExit(f"{bad} of {len(statuses)} requests failed (statuses {set(statuses)})")
    n = len(statuses)
    return {"cpu_ms": 1000 * cpu / n, "rps": n / wall}


def service_app(url: str) -> Any:
    settings = Settings(database_url=url, db_pool_size=16)
    db = Database(
        url,
        limits=Limits.from_settings(settings),
        pool=PoolOptions.from_settings(settings),
    )
    return create_app(settings, db), db


async def run(args: argparse.Namespace, urls: dict[str, str], seeded: nankai.Seeded) -> None:
    token = seeded.tokens["observer"]
    routes = {
        "depot_read": [f"/api/v1/depots/{i}" for i in seeded.depot_ids],
        "stock_list": ["/api/v1/stock"],
        "healthz": ["/healthz"],
    }
    service, db = service_app(urls["service"])
    bare = bare_app.create_app(urls["bare"], pool_max=16)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(db.dispose)
        await stack.enter_async_context(bare.router.lifespan_context(bare))
        apps = {"service": service, "bare": bare}
        for route, paths in routes.items():
            sums = {name: {"cpu_ms": 0.0, "rps": 0.0} for name in apps}
            for app in apps.values():  # warm-up
                await drive(app, paths, token, 200, args.conc)
            for _ in range(args.rounds):
                for name, app in apps.items():
                    got = await drive(app, paths, token, args.requests, args.conc)
                    for key, value in got.items():
                        sums[name][key] += value / args.rounds
            print(f"== {route} ({args.conc} tasks, {args.requests} requests x {args.rounds})")
            for name, row in sums.items():
                ratio = sums["bare"]["cpu_ms"] / row["cpu_ms"]
                print(
                    f"  {name:>8}: {row['cpu_ms']:6.3f} CPU ms/req  {row['rps']:7.0f} req/s"
                    f"  (bare CPU / this: x{ratio:4.2f})",
                    flush=True,
                )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            await drive(service, routes[args.profile], token, args.requests, args.conc)
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(args.top)
            stats.sort_stats("cumulative").print_stats(args.top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--conc", type=int, default=16)
    parser.add_argument("--profile", choices=["depot_read", "stock_list", "healthz"])
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    name = f"ukg_aid_inproc_{uuid.uuid4().hex[:8]}"
    urls = {"service": db_url(name), "bare": db_url(f"{name}_bare")}
    load_start = os.getloadavg()
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        seeded = asyncio.run(nankai.seed_database(urls["service"], nankai.build()))
        admin_sql(f'CREATE DATABASE "{name}_bare" TEMPLATE "{name}"')
        uvloop.run(run(args, urls, seeded))
    finally:
        admin_sql(*(f'DROP DATABASE IF EXISTS "{d}" WITH (FORCE)' for d in (name, f"{name}_bare")))
    print(f"load average: start {load_start}, end {os.getloadavg()}")


if __name__ == "__main__":
    main()
