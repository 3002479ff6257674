"""Where does the event loop stall during the Nankai plan cycle? (issue 11: "nothing blocks the
event loop").

``python -m bench.loop_stalls [--cycles 2] [--threshold-ms 20]``
→ ``bench/results/loop_stalls.json``.
One process: a fresh database seeded like ``bench.api --only plans`` (``apibench.nankai``), the
service's app (default settings: solver in a process of its own) driven through its ASGI
interface on the process's one event loop, create → approve → cancel. Meanwhile:

* a probe on the loop wakes every ``TICK_S`` and records how late it woke (what any other
  request of the process, ``/healthz`` included, would have waited);
* a watchdog thread samples the loop thread's Python stack every ``SAMPLE_S``
  (``sys._current_frames``). A sample needs the GIL, so a long C call (pydantic-core, the JSON
  encoder) is seen at the line right after it returns: still the line that made the call.

Every late wake above the threshold is a *stall*: its length, and the frames the samples inside
it were in (the innermost ``ukg_aid`` frame, and the innermost frame of any code), most
frequent first. Names the synchronous chunks; the figures to quote for health latency come from
``bench.api --only plans`` (a real server, health over HTTP from another process).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import re
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from bench.apibench import nankai
from bench.apibench.procs import admin_sql, db_url
from ukg_aid.app import create_app
from ukg_aid.config import Settings

RESULTS = Path(__file__).resolve().parent / "results" / "loop_stalls.json"
TICK_S = 0.005
SAMPLE_S = 0.001
OURS = f"{os.sep}ukg_aid{os.sep}"


def _where(frame: FrameType) -> str:
    code = frame.f_code
    path = code.co_filename
    short = path.split(f"site-packages{os.sep}")[-1].split(f"src{os.sep}")[-1]
    return f"{short}:{frame.f_lineno} {code.co_name}"


def _frames(frame: FrameType | None) -> tuple[str | None, str | None]:
    """(innermost ukg_aid frame, innermost frame) of a stack."""
    inner = _where(frame) if frame is not None else None
    while frame is not None:
        if OURS in frame.f_code.co_filename and "bench" not in frame.f_code.co_filename:
            return _where(frame), inner
        frame = frame.f_back
    return None, inner


@dataclass
class Watchdog:
    """Samples ``thread_id``'s stack every ``SAMPLE_S`` until stopped."""

    thread_id: int
    samples: list[tuple[float, str | None, str | None]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self._stop.is_set():
            frame = sys._current_frames().get(self.thread_id)
            self.samples.append((time.perf_counter(), *_frames(frame)))
            time.sleep(SAMPLE_S)

    @contextmanager
    def running(self) -> Iterator[Watchdog]:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()


@dataclass
class Probe:
    """Late wakes of the loop: (slept from, woke at) for every tick."""

    ticks: list[tuple[float, float]] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        while not self.done.is_set():
            start = time.perf_counter()
            await asyncio.sleep(TICK_S)
            self.ticks.append((start, time.perf_counter()))


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def stalls(
    ticks: list[tuple[float, float]],
    samples: list[tuple[float, str | None, str | None]],
    window: tuple[float, float],
    threshold_ms: float,
) -> dict[str, Any]:
    """The phase's lag figures and each stall above ``threshold_ms`` with its frames."""
    inside = [(a, b) for a, b in ticks if window[0] <= a <= window[1]]
    lags = [(b - a - TICK_S) * 1000 for a, b in inside]
    found: list[dict[str, Any]] = []
    for (a, b), lag in zip(inside, lags, strict=True):
        if lag < threshold_ms:
            continue
        ours = collections.Counter(s[1] for s in samples if a <= s[0] <= b)
        inner = collections.Counter(s[2] for s in samples if a <= s[0] <= b)
        found.append(
            {
                "lag_ms": round(lag, 1),
                "at_s": round(a - window[0], 3),
                "ukg_aid": [[k, n] for k, n in ours.most_common(4)],
                "innermost": [[k, n] for k, n in inner.most_common(3)],
            }
        )
    return {
        "seconds": round(window[1] - window[0], 3),
        "lag_p50_ms": round(_pct(lags, 50), 1),
        "lag_p99_ms": round(_pct(lags, 99), 1),
        "lag_max_ms": round(max(lags, default=0.0), 1),
        "stalled_ms": round(sum(s["lag_ms"] for s in found), 1),
        "stalls": sorted(found, key=lambda s: -s["lag_ms"]),
    }


async def _cycle(client: httpx.AsyncClient, windows: dict[str, tuple[float, float]]) -> None:
    async def call(phase: str, path: str, want: int) -> bytes:
        t0 = time.perf_counter()
        resp = await client.post(path, json={})
        windows[phase] = (t0, time.perf_counter())
        if resp.status_code != want:
            raise RuntimeError(f"{phase}: {resp.status_code} {resp.text[:300]}")
        return resp.content

    # the plan's id from the answer's head: parsing 3 MB of JSON here would stall the loop
    plan = re.match(rb'\{"id":(\d+),', await call("create", "/api/v1/plans", 201))
    if plan is None:
        raise RuntimeError("the plan's answer does not start with its id")
    path = f"/api/v1/plans/{int(plan.group(1))}"
    await call("approve", f"{path}/approve", 200)
    await call("cancel", f"{path}/cancel", 200)


async def measure(url: str, token: str, cycles: int, threshold_ms: float) -> list[dict[str, Any]]:
    app = create_app(Settings(database_url=url))
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    out = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as client,
    ):
        await asyncio.sleep(3)  # the solver process's imports (started by the lifespan)
        for k in range(cycles + 1):  # the first warms up (imports, caches) and is not kept
            probe, windows = Probe(), dict[str, tuple[float, float]]()
            task = asyncio.create_task(probe.run())
            with Watchdog(threading.get_ident()).running() as dog:
                await asyncio.sleep(0.3)
                idle = (time.perf_counter() - 0.3, time.perf_counter())
                await _cycle(client, windows)
            probe.done.set()
            await task
            if k == 0:
                continue
            phases = {"idle": idle, **windows}
            cycle = {
                n: stalls(probe.ticks, dog.samples, w, threshold_ms) for n, w in phases.items()
            }
            out.append(cycle)
            for name, figures in cycle.items():
                top = [(s["lag_ms"], s["ukg_aid"][:1]) for s in figures["stalls"][:6]]
                print(name, figures["seconds"], figures["lag_p99_ms"], top, flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=2)
    parser.add_argument("--threshold-ms", type=float, default=20.0)
    parser.add_argument(
        "--database",
        nargs=2,
        metavar=("NAME", "TOKEN"),
        help="an already seeded database and a coordinator token (kept; default: a fresh one)",
    )
    args = parser.parse_args()
    started, load = time.time(), os.getloadavg()
    if args.database:
        name, token = args.database
        cycles = asyncio.run(measure(db_url(name), token, args.cycles, args.threshold_ms))
    else:
        name = f"ukg_aid_stalls_{uuid.uuid4().hex[:8]}"
        admin_sql(f'CREATE DATABASE "{name}"')
        try:
            seeded = asyncio.run(nankai.seed_database(db_url(name), nankai.build()))
            token = seeded.tokens["coordinator"]
            cycles = asyncio.run(measure(db_url(name), token, args.cycles, args.threshold_ms))
        finally:
            admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    result = {
        "started": time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(started)),
        "threshold_ms": args.threshold_ms,
        "load_average": {"start": load, "end": os.getloadavg()},
        "cycles": cycles,
        "wall_s": round(time.time() - started, 1),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
