"""Cost of truck-aware planning (issue 13, ``ukg_aid.truckplan``) on the Nankai instances.

    python -m bench.truckplan [--repeats 3]

In one run, on the same instance (``bench.plan_instances``: 300 depots, 30 items, 2,000 lines;
``nankai_deadlines`` gives critical lines 90–240 min and high 180–420 min), the median wall time
of: the plain solve (``matching.solve``, the baseline), ``plan_with_trucks`` with one round
(the waits at plan time + the projection of the plan onto the pools) and with three (the
default ``UKG_AID_TRUCK_PLAN_ROUNDS``). Pools: every supplying member's ASSUMED default pool
(4 × 4 t + 2 × 10 t), all free at plan time; every unit weighs 1 kg (a bench assumption: the
instance's items have no catalog weights; 1 kg is a litre of water). Prints the load average at
start and end; writes bench/results/truckplan.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.plan_instances import build
from ukg_aid import logistics, truckplan
from ukg_aid.matching import PlanResult, Problem, SolverSettings, solve

RESULTS = Path(__file__).parent / "results" / "truckplan.json"
AT = dt.datetime(2030, 1, 17, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
HOW = SolverSettings(time_limit_s=600.0)


def _fleet(problem: Problem) -> truckplan.Fleet:
    pools = logistics.default_pools()
    members = {s.member_code for s in problem.supplies} & set(pools)
    trucks = {m: tuple(logistics.pool_trucks(m, pools[m].counts.as_dict())) for m in members}
    return truckplan.Fleet(
        AT,
        # a member whose counts give no truck has no pool, as in plans.truck_state.fleet_at
        {m: truckplan.MemberPool(own) for m, own in trucks.items() if own},
        dict.fromkeys({ln.item_code for ln in problem.lines}, 1.0),
    )


def _timed(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def _solver(problem: Problem) -> PlanResult:
    return solve(problem, HOW)


def measure(scale: str, repeats: int) -> dict[str, Any]:
    problem = build(scale)
    fleet = _fleet(problem)
    plain_s, plain = _timed(lambda: solve(problem, HOW), repeats)
    one_s, one = _timed(lambda: truckplan.plan_with_trucks(problem, _solver, fleet, 1), repeats)
    three_s, three = _timed(lambda: truckplan.plan_with_trucks(problem, _solver, fleet, 3), repeats)
    return {
        "scale": scale,
        "allocations": len(plain.allocations),
        "plain_solve_s": round(plain_s, 3),
        "one_round_s": round(one_s, 3),
        "three_rounds_s": round(three_s, 3),
        "plain_late_units": plain.objective.late_units,
        "projected_late_units_by_round": list(three.late_by_round),
        "kept_round": three.kept,
        "one_round_projected_late_units": one.projected.objective.late_units,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    load_start = os.getloadavg()
    rows = [measure(scale, args.repeats) for scale in ("nankai", "nankai_deadlines")]
    result = {
        "cpus": os.cpu_count(),
        "repeats": args.repeats,
        "load_average": {"start": load_start, "end": os.getloadavg()},
        "rows": rows,
    }
    for row in rows:
        print(json.dumps(row))
    print("load average start / end:", result["load_average"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
