"""Does a plan's solve stall the API's event loop? (issue 11: "nothing blocks the event loop").

``python -m bench.loop_lag [--scale national] [--rounds 2]`` → ``bench/results/loop_lag.json``.
In one process, the service's own ``plans.service.solve`` (solve + validate, as ``POST /plans``
runs it) on the ``bench/plan.py`` instance, while a probe on the same event loop wakes every
10 ms and records how late it woke: what any other request of that process (``/healthz``
included) would have waited.
Interleaved, same instance, three ways:

* ``thread``: ``UKG_AID_SOLVER_PROCESSES=0``, a thread of the API process (the first way);
* ``process, dataclasses``: the solver process, with the problem and the result pickled as the
  frozen dataclasses they are (``PlainJob``: how ``solver_pool`` sent them before it sent rows);
* ``process``: ``UKG_AID_SOLVER_PROCESSES=1`` as the service runs it now (``solver_pool.Job``
  pickles the problem as rows of plain values, the result comes back as named tuples).

A ``local``-scale solve of each kind warms up first (imports, the pool's process start) and is
not measured. The baseline, in the same run: the probe alone for ``--idle-s`` seconds before
the solves (``idle``: what the loop gives on this machine at this load with nothing to do).
``--modes process`` measures only the way the service runs. ``--scale national`` is the
issue's case (about a minute a solve on a loaded machine); ``make bench`` runs it with one
round.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import plan_instances
from ukg_aid import matching
from ukg_aid.config import Settings
from ukg_aid.plans import service, solver_pool
from ukg_aid.plans.enums import PlanPolicy

RESULTS = Path(__file__).resolve().parent / "results" / "loop_lag.json"
TICK_S = 0.010


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


@dataclass(frozen=True)
class PlainJob:
    """``solver_pool.Job`` without its row pickling: the problem crosses as dataclasses."""

    problem: matching.Problem
    travel: solver_pool.Travel
    time_limit_s: float


def run_plain(job: PlainJob) -> tuple[matching.PlanResult, list[Any]]:
    """In the solver process: the service's solve and validation, the result handed back as
    the core's dataclasses (as before the rows)."""
    solved, violations = solver_pool.run(
        solver_pool.Job(job.problem, job.travel, job.time_limit_s, True)
    )
    result = matching.PlanResult(
        status=solved.status,
        allocations=tuple(matching.Allocation(*a) for a in solved.allocations),
        unmet=tuple(matching.Unmet(*u) for u in solved.unmet),
        objective=solved.objective,
        wall_ms=solved.wall_ms,
    )
    return result, violations


def _travel(settings: Settings) -> solver_pool.Travel:
    return solver_pool.Travel(
        settings.osrm_url, settings.road_circuity, settings.truck_kmh, settings.loading_minutes
    )


async def _solve(mode: str, problem: Any, settings: Settings) -> None:
    if mode != "process, dataclasses":
        await service.solve(problem, settings, PlanPolicy.optimized)
        return
    job = PlainJob(problem, _travel(settings), settings.solver_time_limit_s)
    pool = solver_pool._pool(1)
    await asyncio.get_running_loop().run_in_executor(pool, run_plain, job)


def _figures(lags: list[float]) -> dict[str, float]:
    return {
        "lag_p50_ms": round(_pct(lags, 50), 1),
        "lag_p99_ms": round(_pct(lags, 99), 1),
        "lag_max_ms": round(max(lags), 1),
        "samples": len(lags),
    }


async def _idle(seconds: float) -> dict[str, float]:
    """The probe alone: the baseline of the same run."""
    lags: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        await asyncio.sleep(TICK_S)
        lags.append((time.perf_counter() - start - TICK_S) * 1000)
    return _figures(lags)


async def _measured(mode: str, problem: Any, settings: Settings) -> dict[str, float]:
    lags: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        while not done.is_set():
            start = time.perf_counter()
            await asyncio.sleep(TICK_S)
            lags.append((time.perf_counter() - start - TICK_S) * 1000)

    task = asyncio.create_task(probe())
    start = time.perf_counter()
    await _solve(mode, problem, settings)
    wall = time.perf_counter() - start
    done.set()
    await task
    return {"solve_s": round(wall, 3), **_figures(lags)}


MODES = ("thread", "process, dataclasses", "process")


async def run(scale: str, rounds: int, chosen: tuple[str, ...], idle_s: float) -> dict[str, Any]:
    problem, warm = plan_instances.build(scale), plan_instances.build("local")
    process = Settings(solver_processes=1, solver_time_limit_s=600)
    every = {
        "thread": Settings(solver_processes=0, solver_time_limit_s=600),
        "process, dataclasses": process,
        "process": process,
    }
    modes = {name: every[name] for name in chosen}
    for mode, settings in modes.items():  # warm-up: imports, pool start
        await _solve(mode, warm, settings)
    idle = await _idle(idle_s)
    print("idle", idle, flush=True)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in modes}
    for _ in range(rounds):
        for mode, settings in modes.items():
            runs[mode].append(await _measured(mode, problem, settings))
            print(mode, runs[mode][-1], flush=True)
    solver_pool.shutdown()
    return {"scale": scale, "idle": idle, "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="national", choices=sorted(plan_instances.SCALES))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--idle-s", type=float, default=10.0, help="seconds of idle baseline")
    args = parser.parse_args()
    chosen = tuple(args.modes)
    started, load = time.time(), os.getloadavg()
    result = asyncio.run(run(args.scale, args.rounds, chosen, args.idle_s))
    result |= {"load_average": {"start": load, "end": os.getloadavg()}}
    result["wall_s"] = round(time.time() - started, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
