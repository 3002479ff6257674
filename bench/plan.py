"""Benchmark of the matching core on synthetic Kansai instances (SPEC §8, issue 11).

    python -m bench.plan [--quick]        # --quick: all but national, fewer repeats

For each scale (`plan_instances.py`), in the same run and on the same instance:
* the solver (`solve`, default network-simplex haul): median of repeats, status, `validate()`;
* the dense reference: the same staged solve with the OR-Tools min-cost-flow haul
  (`HaulEngine.MIN_COST_FLOW`), whose haul is the dense optimum the solver must equal;
* the bare flow: one OR-Tools SimpleMinCostFlow per item on the dense network, no stages;
* greedy nearest-first (`solve_greedy`) and, below national scale, HiGHS LPs of the haul stage
  (fewest late units, then least haul, at the solver's fills).
Each measurement runs in a fresh process, so its peak RSS (`resource.getrusage`) is its own:
`peak_mb` is that peak minus the RSS after building the instance.
Writes bench/results/plan.json and the matching section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench.plan_baselines import bare_flow, lp_haul
from bench.plan_docs import write_section
from bench.plan_instances import SCALES, build
from ukg_aid.matching import HaulEngine, SolverSettings, solve, solve_greedy, validate

RESULTS = Path(__file__).parent / "results" / "plan.json"


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measured(scale: str, job: Callable[[Any, float], dict[str, Any]]) -> dict[str, Any]:
    """Build the instance, then run `job(problem, rss_before_mb)`: it reports `peak_mb` itself,
    right after the measured work (before any checks that allocate more)."""
    problem = build(scale)
    before = _rss_mb()
    return job(problem, before) | {"rss_before_mb": before}


def _solver_job(engine: str, repeats: int, extras: bool) -> Callable[[Any, float], dict[str, Any]]:
    settings = SolverSettings(time_limit_s=600.0, haul_engine=HaulEngine(engine))

    def job(problem: Any, before: float) -> dict[str, Any]:
        times, result = [], None
        for _ in range(repeats):
            started = time.perf_counter()
            result = solve(problem, settings)
            times.append(time.perf_counter() - started)
        assert result is not None
        row: dict[str, Any] = {"status": result.status.value, "seconds": times}
        row["peak_mb"] = max(0.0, _peak_mb() - before)
        row |= {"solve_s_median": statistics.median(times), **asdict(result.objective)}
        if extras:
            row |= _extras(problem, result)
        return row

    return job


def _extras(problem: Any, result: Any) -> dict[str, Any]:
    """validate(), greedy and (below national scale) the LP, on the solver's plan."""
    started = time.perf_counter()
    row: dict[str, Any] = {"valid": validate(problem, result) == []}
    row["validate_s"] = time.perf_counter() - started
    row["unreachable_units"] = sum(u.quantity for u in result.unmet if u.cause == "unreachable")
    started = time.perf_counter()
    greedy = solve_greedy(problem)
    row["greedy_s"] = time.perf_counter() - started
    row["greedy"] = asdict(greedy.objective)
    if any(ln.needed_by_minutes is not None for ln in problem.lines):
        row["ignoring_deadlines"] = _ignoring_deadlines(problem)
    if len(problem.lines) <= 5000:
        lp, lp_s, n_vars, lp_late = lp_haul(problem, result)
        row |= {"lp_haul_km_units": lp, "lp_s": lp_s, "lp_vars": n_vars, "lp_late_units": lp_late}
    return row


def _ignoring_deadlines(problem: Any) -> dict[str, Any]:
    """The plan made as if no line had a deadline (plain shortest haul), judged by them."""
    due = {ln.line_id: ln.needed_by_minutes for ln in problem.lines}
    plain = solve(
        replace(problem, lines=tuple(replace(ln, needed_by_minutes=None) for ln in problem.lines))
    )
    late = [
        a.quantity
        for a in plain.allocations
        if due[a.line_id] is not None and a.eta_minutes > due[a.line_id]
    ]
    return {
        "late_units": sum(late),
        "late_allocations": len(late),
        "weighted_haul_km_units": plain.objective.weighted_haul_km_units,
    }


def _bare_job(problem: Any, before: float) -> dict[str, Any]:
    row = asdict(bare_flow(problem))
    return row | {"peak_mb": max(0.0, _peak_mb() - before)}


def _in_child(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def _solver_run(scale: str, engine: str, repeats: int, extras: bool) -> dict[str, Any]:
    return _measured(scale, _solver_job(engine, repeats, extras))


def _bare_run(scale: str) -> dict[str, Any]:
    return _measured(scale, _bare_job)


def run(scale: str, repeats: int) -> dict[str, Any]:
    problem = build(scale)
    shape = {
        "depots": len({s.depot_id for s in problem.supplies}),
        "items": len({ln.item_code for ln in problem.lines}),
        "lines": len(problem.lines),
        "supply_rows": len(problem.supplies),
    }
    solver = _in_child(_solver_run, scale, HaulEngine.NETWORK_SIMPLEX.value, repeats, True)
    dense = _in_child(_solver_run, scale, HaulEngine.MIN_COST_FLOW.value, 1, False)
    bare = _in_child(_bare_run, scale)
    row: dict[str, Any] = {**shape, "solver": solver, "dense_reference": dense, "bare_flow": bare}
    row["haul_vs_dense"] = solver["weighted_haul_km_units"] / dense["weighted_haul_km_units"]
    row["fills_equal_dense"] = all(
        solver[k] == dense[k]
        for k in ("total_allocated", "min_fill_ratio_critical", "min_fill_ratio_high")
    ) and (solver["min_fill_ratio_normal"] == dense["min_fill_ratio_normal"])
    row["late_equal_dense"] = solver["late_units"] == dense["late_units"]
    row["solve_over_bare_flow"] = solver["solve_s_median"] / bare["seconds"]
    row["dense_over_bare_flow"] = dense["solve_s_median"] / bare["seconds"]
    row["speedup_vs_dense"] = dense["solve_s_median"] / solver["solve_s_median"]
    if "lp_haul_km_units" in solver:
        row["haul_vs_lp"] = solver["weighted_haul_km_units"] / solver["lp_haul_km_units"]
        row["late_equal_lp"] = solver["late_units"] == solver["lp_late_units"]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="below national only, fewer runs")
    args = parser.parse_args()
    report: dict[str, Any] = {
        "machine": platform.processor() or platform.machine(),
        "command": "python -m bench.plan" + (" --quick" if args.quick else ""),
        "loadavg_1min_start": os.getloadavg()[0],
    }
    for scale, (*_, repeats) in SCALES.items():
        if args.quick and scale == "national":
            continue
        report[scale] = run(scale, min(3, repeats) if args.quick else repeats)
        print(scale, json.dumps(report[scale], indent=None, default=str))
    report["loadavg_1min_end"] = os.getloadavg()[0]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    if not args.quick:
        write_section(report)


if __name__ == "__main__":
    main()
