"""What a read pays around its statements, piece by piece, in one process (issue 11).

    python -m bench.read_costs [--ops 6000] [--rounds 2]

CPU µs per operation (``time.process_time``, one uvloop, operations one after another, after
300 unrecorded ones), each piece alone, so a change to one of them can be judged by its own
figure rather than by a whole route's noisy total:

* **the read's session and connection**, on a fresh empty database of the local PostgreSQL:
  ``async with AsyncSession(...)`` (what ``Database.reading()`` did for every GET), a session
  built and closed, built alone; ``Database.reading()`` entered and left with nothing sent; the
  read lease taken and given back (``ukg_aid.db.lease``); an asyncpg pool's acquire and release
  without a reset (the bare app's); one ``greenlet_spawn`` of a no-op;
* **FastAPI's dependencies**, a bare FastAPI app called through ASGI: a route with only a path
  parameter, with one and two trivial dependencies, a guard over an ``HTTPBearer``
  sub-dependency (the service's guards before), and a guard that is the security scheme itself
  (``deps.Guard``'s shape);
* **the metrics middleware's series**: prometheus-client's ``labels()`` per request against
  series looked up once.

Prints a table and writes ``bench/results/read_costs.json``. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

import asyncpg
import uvloop
from fastapi import Depends, FastAPI, Request, Response
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.base import SecurityBase
from prometheus_client import CollectorRegistry, Counter, Histogram
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.util import greenlet_spawn

from bench.api_inproc import call
from bench.apibench.procs import admin_sql, db_url
from ukg_aid.config import Settings
from ukg_aid.db import Database
from ukg_aid.db.lease import ReadLease
from ukg_aid.db.session import READ_ONLY, Limits, PoolOptions

RESULTS = Path(__file__).resolve().parent / "results" / "read_costs.json"
Op = Callable[[], Awaitable[Any]]


async def cost(op: Op, ops: int) -> float:
    """CPU µs per call of ``op``."""
    for _ in range(300):
        await op()
    cpu = time.process_time()
    for _ in range(ops):
        await op()
    return 1e6 * (time.process_time() - cpu) / ops


def session_ops(db: Database, pool: asyncpg.Pool) -> dict[str, Op]:
    autocommit = db.engine.execution_options(isolation_level="AUTOCOMMIT")

    def session() -> AsyncSession:
        return AsyncSession(bind=autocommit, expire_on_commit=False, info={READ_ONLY: True})

    async def with_block() -> None:
        async with session():
            pass

    async def built_and_closed() -> None:
        await session().close()

    async def built() -> None:
        session()

    async def reading() -> None:
        async with db.reading():
            pass

    async def lease() -> None:
        taken = ReadLease(db.engine)
        await taken.connection()
        await taken.close()

    async def asyncpg_pool() -> None:
        await pool.release(await pool.acquire())

    async def greenlet() -> None:
        await greenlet_spawn(lambda: None)

    return {
        "async with AsyncSession(...)": with_block,
        "AsyncSession(...), then close()": built_and_closed,
        "AsyncSession(...) alone": built,
        "Database.reading(), nothing sent": reading,
        "read lease: take and give back": lease,
        "asyncpg pool: acquire and release (no reset)": asyncpg_pool,
        "greenlet_spawn of a no-op": greenlet,
    }


class _SchemeGuard(SecurityBase):
    """A guard that is the bearer scheme itself (``ukg_aid.deps.Guard``'s shape)."""

    def __init__(self) -> None:
        self.model = HTTPBearerModel()
        self.scheme_name = "bearer"

    async def __call__(self, request: Request) -> int:
        return len(request.headers.get("authorization", ""))


_BEARER = HTTPBearer(auto_error=False)


async def _session(request: Request) -> int:
    return 1


async def _guard(request: Request) -> int:
    return 2


async def _guard_over_bearer(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
) -> int:
    return 2


One = Annotated[int, Depends(_session)]
Guard = Annotated[int, Depends(_guard)]
GuardOverBearer = Annotated[int, Depends(_guard_over_bearer)]
SchemeGuard = Annotated[int, Depends(_SchemeGuard())]


def dependency_app() -> FastAPI:
    app = FastAPI()

    @app.get("/none/{i}")
    async def none(i: int) -> Response:
        return Response(b"{}")

    @app.get("/one/{i}")
    async def one(i: int, s: One) -> Response:
        return Response(b"{}")

    @app.get("/two/{i}")
    async def two(i: int, s: One, g: Guard) -> Response:
        return Response(b"{}")

    @app.get("/bearer/{i}")
    async def over_bearer(i: int, s: One, g: GuardOverBearer) -> Response:
        return Response(b"{}")

    @app.get("/scheme/{i}")
    async def scheme(i: int, s: One, g: SchemeGuard) -> Response:
        return Response(b"{}")

    return app


def dependency_ops(app: FastAPI) -> dict[str, Op]:
    def route(path: str) -> Op:
        return lambda: call(app, f"/{path}/7", "secret")

    return {
        "FastAPI route, a path parameter only": route("none"),
        "... and one dependency": route("one"),
        "... and two dependencies": route("two"),
        "... and a guard over an HTTPBearer dependency": route("bearer"),
        "... and a guard that is the bearer scheme": route("scheme"),
    }


def metric_ops() -> dict[str, Op]:
    registry = CollectorRegistry()
    requests = Counter("r", "requests", ["method", "route", "status"], registry=registry)
    latency = Histogram("l", "latency", ["method", "route"], registry=registry)
    series = (requests.labels("GET", "/x/{id}", "200"), latency.labels("GET", "/x/{id}"))

    async def labels() -> None:
        requests.labels("GET", "/x/{id}", "200").inc()
        latency.labels("GET", "/x/{id}").observe(0.01)

    async def looked_up() -> None:
        series[0].inc()
        series[1].observe(0.01)

    return {"metrics: labels() per request": labels, "metrics: series looked up once": looked_up}


async def measure(url: str, ops: int, rounds: int) -> dict[str, list[float]]:
    settings = Settings(database_url=url, db_pool_size=4)
    db = Database(
        url, limits=Limits.from_settings(settings), pool=PoolOptions.from_settings(settings)
    )

    async def no_reset(_conn: asyncpg.Connection) -> None:
        return None

    pool = await asyncpg.create_pool(url, min_size=1, max_size=4, reset=no_reset)
    try:
        table = session_ops(db, pool) | dependency_ops(dependency_app()) | metric_ops()
        found: dict[str, list[float]] = {name: [] for name in table}
        for _ in range(rounds):
            for name, op in table.items():
                found[name].append(await cost(op, ops))
        return found
    finally:
        await pool.close()
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    name = f"ukg_aid_read_costs_{uuid.uuid4().hex[:8]}"
    load_start = os.getloadavg()
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        found = uvloop.run(measure(db_url(name), args.ops, args.rounds))
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"{'operation':<52} CPU µs per op (each round)")
    for op, values in found.items():
        print(f"{op:<52} " + "  ".join(f"{v:7.1f}" for v in values))
    load = {"start": load_start, "end": os.getloadavg()}
    print(f"load average: start {load['start']}, end {load['end']}")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    body = {"when": when, "ops": args.ops, "load": load, "cpu_us": found}
    RESULTS.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
