"""Where the time of a Nankai-scale plan cycle goes, call by call (issue 11).

    python -m bench.plan_phases [--cycles 2]

Seeds a fresh database with the API bench's Nankai instance (``apibench.nankai``), then drives
create → approve → cancel through the app in this process (ASGI, no sockets, solver process as
configured) and times each call and the named steps inside it: the service functions are
wrapped by timers for the run (a measuring harness, not a change to the service). A step's
seconds are summed over its calls within the HTTP call; "rest" is the call minus its steps
(routing, dependencies, the transaction's commit, serialisation of the answer). Garbage
collections are timed too (``gc.callbacks``), beside the steps they interrupt (so "gc" overlaps
them; "rest" excludes only the named steps). Writes
``bench/results/plan_phases.json``; the database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import functools
import gc
import json
import os
import pstats
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from bench.apibench import nankai
from bench.apibench.procs import admin_sql, db_url
from ukg_aid import app as app_module
from ukg_aid.config import Settings
from ukg_aid.db import Database
from ukg_aid.plans import answer, batch, loading, locks, solver_pool, truck_state
from ukg_aid.plans import service as plan_service
from ukg_aid.plans.shipments import building
from ukg_aid.plans.shipments import status as shipment_status

RESULTS = Path(__file__).parent / "results" / "plan_phases.json"
STEPS: dict[str, tuple[Any, str]] = {
    "build_problem": (loading, "build_problem"),
    "truck state": (truck_state, "fleet_at"),
    "solve (process)": (plan_service, "solve"),
    "inputs JSON": (plan_service, "_inputs"),
    "store allocations": (plan_service, "_add_allocations"),
    "answer": (answer, "read"),
    "get_plan (ORM)": (plan_service, "get_plan"),
    "lock stock": (locks, "lock_stock"),
    "lock lines": (locks, "lock_lines"),
    "lock requests": (locks, "lock_requests"),
    "lock allocations": (locks, "lock_plan_allocations"),
    "reserve": (batch, "reserve"),
    "release": (batch, "release"),
    "shipments": (building, "create_for_plan"),
    "shipment status": (shipment_status, "refresh"),
}
_spent: dict[str, float] = defaultdict(float)


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    if asyncio.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def wrapped_async(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                _spent[name] += time.perf_counter() - t0

        return wrapped_async

    @functools.wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _spent[name] += time.perf_counter() - t0

    return wrapped


_gc_started: list[float] = []


def _gc_timer(phase: str, info: dict[str, int]) -> None:
    """Garbage collections' time, a step of its own (it lands in whatever step allocates)."""
    if phase == "start":
        _gc_started.append(time.perf_counter())
    elif _gc_started:
        _spent[f"gc (generation {info['generation']})"] += time.perf_counter() - _gc_started.pop()


def _instrument() -> None:
    """Wrap each step in its module (callers look it up there: they import modules)."""
    for name, (module, attr) in STEPS.items():
        setattr(module, attr, _timed(name, getattr(module, attr)))
    gc.callbacks.append(_gc_timer)


async def _call(
    phase: str, send: Awaitable[httpx.Response], want: int
) -> tuple[dict[str, float], httpx.Response]:
    _spent.clear()
    t0 = time.perf_counter()
    resp = await send
    total = time.perf_counter() - t0
    if resp.status_code != want:
        raise RuntimeError(f"{phase}: {resp.status_code} {resp.text[:300]}")
    steps = {k: round(v, 4) for k, v in _spent.items()}
    inside = sum(v for k, v in _spent.items() if not k.startswith("gc"))
    return {"total": round(total, 4), **steps, "rest": round(total - inside, 4)}, resp


async def cycles(url: str, token: str, n: int, settle: bool = True) -> list[dict[str, Any]]:
    settings = Settings(database_url=url, seed_dir=nankai.SEED_DIR)
    database = Database(url)
    app = app_module.create_app(settings, database=database)
    solver_pool.start(settings.solver_processes)
    if settle:
        app_module.settle_heap()  # what the app's lifespan does (ASGITransport runs none)
    headers = {"Authorization": f"Bearer {token}"}
    out = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://bench", headers=headers, timeout=600
    ) as client:
        for _ in range(n):
            row: dict[str, Any] = {}
            row["create"], resp = await _call("create", client.post("/api/v1/plans", json={}), 201)
            plan = resp.json()
            row["allocations"], row["answer_bytes"] = len(plan["allocations"]), len(resp.content)
            path = f"/api/v1/plans/{plan['id']}"
            row["approve"], _ = await _call("approve", client.post(f"{path}/approve", json={}), 200)
            row["cancel"], _ = await _call("cancel", client.post(f"{path}/cancel", json={}), 200)
            print(json.dumps(row), flush=True)
            out.append(row)
    await database.dispose()
    solver_pool.shutdown()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=2)
    parser.add_argument("--profile", type=Path, help="also cProfile the cycles into this file")
    parser.add_argument(
        "--unsettled", action="store_true", help="without the lifespan's app.settle_heap()"
    )
    args = parser.parse_args()
    _instrument()
    name = f"ukg_aid_bench_{uuid.uuid4().hex[:8]}"
    admin_sql(f'CREATE DATABASE "{name}"')
    load_before = os.getloadavg()
    try:
        seeded = asyncio.run(nankai.seed_database(db_url(name), nankai.build()))
        profile = cProfile.Profile() if args.profile else None
        with profile or contextlib.nullcontext():
            token, settle = seeded.tokens["coordinator"], not args.unsettled
            runs = asyncio.run(cycles(db_url(name), token, args.cycles, settle))
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    result = {
        "load_average": {"start": load_before, "end": os.getloadavg()},
        "settled_heap": not args.unsettled,
        "cycles": runs,
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS}; load {load_before[0]:.1f} → {os.getloadavg()[0]:.1f}")
    if profile is not None:
        profile.dump_stats(args.profile)
        pstats.Stats(str(args.profile)).sort_stats("tottime").print_stats(40)


if __name__ == "__main__":
    main()
