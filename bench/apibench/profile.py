"""Where one service worker's CPU goes under wrk load, route by route (issue 11).

    python -m bench.apibench.profile [--seconds 8] [--routes stock_list,depot_read]

Seeds a fresh Nankai-scale database like ``bench/api.py``, starts ``ukg-aid serve --workers 1``
and the bare app (1 worker) on loopback, and for each route runs wrk at 16 connections while
``py-spy record`` (not a dependency of the service: ``pip install py-spy`` into the venv)
samples the service worker, only while it holds the GIL (``--gil``: CPU, not waiting).
Prints, per route, the service's and the bare app's req/s in that same pass, the share of
samples whose stack passes through each layer (inclusive; a sample may count in several
layers), and the functions with the most samples of their own. Writes
``bench/results/api_profile.json`` (raw stacks stay in a temporary folder). The database is
dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.api import bare, loads, service
from bench.apibench import nankai
from bench.apibench.procs import _descendants, _stat, admin_sql, db_url
from bench.apibench.wrk import run_wrk

RESULTS = Path(__file__).resolve().parents[1] / "results" / "api_profile.json"

LAYERS: dict[str, str] = {
    "uvicorn / httptools (HTTP parse, transport)": r"(uvicorn|httptools)/",
    "starlette routing + responses": r"starlette/",
    "fastapi dependency solving + request handling": r"fastapi/",
    "pydantic validate / serialise": r"pydantic(_core)?/",
    "sqlalchemy (engine, ORM, compile)": r"sqlalchemy/",
    "asyncpg (wire protocol)": r"asyncpg/",
    "json encoding": r"(json/|orjson)",
    "prometheus metrics": r"prometheus_client/",
    "ukg_aid middlewares": r"ukg_aid/(middleware|db/retry)\.py",
    "ukg_aid problems/errors": r"ukg_aid/problems",
    "ukg_aid auth (token lookup)": r"ukg_aid/(auth/|deps\.py)",
    "asyncio event loop": r"asyncio/",
}


def pyspy() -> str:
    found = shutil.which("py-spy") or str(Path(__import__("sys").executable).with_name("py-spy"))
    if not Path(found).exists():
        raise SystemExit("needs py-spy: .venv/bin/pip install py-spy")
    return found


def busiest(root: int, since: dict[int, float]) -> int:
    """The process of ``root``'s tree that used the most CPU since ``since`` (the worker that
    answered the warm-up; with one worker ``ukg-aid serve`` serves in its own process and its
    children are the solver pool)."""
    now = cpu_by_pid(root)
    return max(now, key=lambda pid: now[pid] - since.get(pid, 0.0))


def settle(root: int, timeout_s: float = 90.0) -> None:
    """Wait until ``root``'s tree is idle (under 10 % of a core for a second): the solver
    process imports its libraries for several seconds after the service starts answering."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        before = sum(cpu_by_pid(root).values())
        time.sleep(1.0)
        if sum(cpu_by_pid(root).values()) - before < 0.1:
            return


def cpu_by_pid(root: int) -> dict[int, float]:
    return {pid: st[1] for pid in (root, *_descendants(root)) if (st := _stat(pid)) is not None}


def record(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    argv = [pyspy(), "record", "--pid", str(pid), "--duration", str(int(seconds))]
    argv += [
        "--format",
        "raw",
        "--gil",
        "--nolineno",
        "--rate",
        "100",
        "--nonblocking",
        "-o",
        str(out),
    ]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL)


def summarise(raw: Path, top: int = 25) -> dict[str, Any]:
    """Inclusive share per layer and self samples per function of a py-spy raw (collapsed) file."""
    total = 0
    layers: Counter[str] = Counter()
    own: Counter[str] = Counter()
    ours: Counter[str] = Counter()  # inclusive, per ukg_aid function
    patterns = {name: re.compile(rx) for name, rx in LAYERS.items()}
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        for name, rx in patterns.items():
            if any(rx.search(f) for f in frames):
                layers[name] += count
        own[frames[-1]] += count
        for f in set(frames):
            if "ukg_aid/" in f or "ukg_aid\\" in f:
                ours[f] += count
    share = {name: round(layers[name] / max(1, total), 3) for name in LAYERS}
    return {
        "samples": total,
        "layers": dict(sorted(share.items(), key=lambda kv: -kv[1])),
        "self_top": [(f, round(c / max(1, total), 3)) for f, c in own.most_common(top)],
        "ukg_aid_inclusive_top": [
            (f, round(c / max(1, total), 3)) for f, c in ours.most_common(top)
        ],
    }


def profile_route(
    name: str, load: Any, servers: dict[str, Any], seconds: int, tmp: Path
) -> dict[str, Any]:
    svc, bare_s = servers["service"], servers["bare"]
    before = cpu_by_pid(svc.pid)
    run_wrk(svc.url, load, connections=16, seconds=3)  # warm-up (first calls build caches)
    worker = busiest(svc.pid, before)
    run_wrk(bare_s.url, load, connections=16, seconds=1)
    raw = tmp / f"{name}.txt"
    spy = record(worker, seconds + 1, raw)
    time.sleep(0.5)
    measured = run_wrk(svc.url, load, connections=16, seconds=seconds)
    spy.wait(timeout=seconds + 60)
    bare_run = run_wrk(bare_s.url, load, connections=16, seconds=seconds)
    out = summarise(raw)
    out["service_rps"] = measured.run.requests / measured.run.duration_s
    out["bare_rps"] = bare_run.run.requests / bare_run.run.duration_s
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--keep", help="keep py-spy's raw stacks in this folder")
    parser.add_argument("--routes", default="stock_list,depot_read,stock_adjust,file_request")
    args = parser.parse_args()
    pyspy()
    name = f"ukg_aid_prof_{uuid.uuid4().hex[:8]}"
    admin_sql(f'CREATE DATABASE "{name}"')
    results: dict[str, Any] = {}
    try:
        seeded = asyncio.run(nankai.seed_database(db_url(name), nankai.build()))
        admin_sql(f'CREATE DATABASE "{name}_bare" TEMPLATE "{name}"')
        routes = loads(seeded)
        with (
            service(db_url(name), 1) as svc,
            bare(db_url(f"{name}_bare"), 1) as bare_s,
            _raw_dir(args.keep) as tmp,
        ):
            servers = {"service": svc, "bare": bare_s}
            settle(svc.pid)
            for route in args.routes.split(","):
                results[route] = profile_route(
                    route, routes[route], servers, args.seconds, Path(tmp)
                )
                _print(route, results[route])
    finally:
        admin_sql(
            *(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)' for db in (name, f"{name}_bare"))
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


@contextmanager
def _raw_dir(keep: str | None) -> Iterator[str]:
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="bench-api-prof-") as tmp:
        yield tmp


def _print(route: str, row: dict[str, Any]) -> None:
    print(
        f"\n== {route}: {row['service_rps']:.0f} vs bare {row['bare_rps']:.0f} req/s"
        f" (1 worker each), {row['samples']} samples"
    )
    for layer, share in row["layers"].items():
        print(f"  {share:6.1%}  {layer}")
    print("  -- self:")
    for frame, share in row["self_top"][:15]:
        print(f"  {share:6.1%}  {frame}")
    print("  -- ukg_aid inclusive:")
    for frame, share in row["ukg_aid_inclusive_top"][:15]:
        print(f"  {share:6.1%}  {frame}")


if __name__ == "__main__":
    main()
