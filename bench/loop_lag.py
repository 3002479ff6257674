"""Does a plan's solve stall the API's event loop? (issue 11: "nothing blocks the event loop").

``python bench/loop_lag.py [--scale national]`` → ``bench/results/loop_lag.json``. In one process,
the service's own ``plans.service.solve`` (solve + validate, as ``POST /plans`` runs it) on the
``bench/plan.py`` instance, while a probe on the same event loop wakes every 10 ms and records how
late it woke: what any other request of that process (``/healthz`` included) would have waited.
Interleaved, same instance: ``UKG_AID_SOLVER_PROCESSES=0`` (a thread of the API process, the old
way) and ``=1`` (a solver process). The first solve of each kind is a warm-up (imports, the pool's
process start) and is not measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

from bench import plan_instances
from ukg_aid.config import Settings
from ukg_aid.plans import service, solver_pool
from ukg_aid.plans.enums import PlanPolicy

RESULTS = Path(__file__).resolve().parent / "results" / "loop_lag.json"
TICK_S = 0.010


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


async def _measured(problem: Any, settings: Settings) -> dict[str, float]:
    lags: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        while not done.is_set():
            start = time.perf_counter()
            await asyncio.sleep(TICK_S)
            lags.append((time.perf_counter() - start - TICK_S) * 1000)

    task = asyncio.create_task(probe())
    start = time.perf_counter()
    await service.solve(problem, settings, PlanPolicy.optimized)
    wall = time.perf_counter() - start
    done.set()
    await task
    return {
        "solve_s": round(wall, 3),
        "lag_p50_ms": round(_pct(lags, 50), 1),
        "lag_p99_ms": round(_pct(lags, 99), 1),
        "lag_max_ms": round(max(lags), 1),
        "samples": len(lags),
    }


async def run(scale: str, rounds: int) -> dict[str, Any]:
    problem = plan_instances.build(scale)
    modes = {"thread": Settings(solver_processes=0), "process": Settings(solver_processes=1)}
    for settings in modes.values():  # warm-up: imports, pool start
        await service.solve(problem, settings, PlanPolicy.optimized)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in modes}
    for _ in range(rounds):
        for name, settings in modes.items():
            runs[name].append(await _measured(problem, settings))
    solver_pool.shutdown()
    return {"scale": scale, "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="national", choices=sorted(plan_instances.SCALES))
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    started, load = time.time(), os.getloadavg()
    result = asyncio.run(run(args.scale, args.rounds))
    result |= {"load_average": {"start": load, "end": os.getloadavg()}}
    result["wall_s"] = round(time.time() - started, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
