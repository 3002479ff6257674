"""Benchmark of the matching core on synthetic Kansai instances (SPEC §8 speed target).

    python bench/plan.py [--quick]

Instances are built from the reference depot and municipal-office positions, jittered with a fixed
seed, at three scales. For each: solve time (median of repeats), haul against the nearest-first
greedy baseline, and haul/time against a plain HiGHS LP of the same min-haul transportation model
(per-line fills fixed to the solver's, so both answer rule 4 on the same rules 1-3).
Writes bench/results/plan.json; docs/benchmarks.md carries the table.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import statistics
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from ukg_aid.matching import (
    EstimateTravel,
    Options,
    PlanResult,
    Priority,
    Problem,
    RequestLine,
    Supply,
    solve,
    solve_greedy,
    validate,
)

# The workspace keeps shared/ beside the repository (shared/reference: sourced positions).
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
RESULTS = Path(__file__).parent / "results" / "plan.json"
CITIES = {"26100", "27100", "27140", "28100"}
NANKAI = frozenset({"27", "27100", "27140", "28", "28100", "30", "36"})
SCALES = {
    # name: (depots, items, lines, stricken members, repeats)
    "local": (52, 8, 50, frozenset({"27", "27100", "27140"}), 7),
    "nankai": (300, 30, 2000, NANKAI, 5),
    "national": (3000, 20, 20000, NANKAI, 1),
}


def _member(row: dict[str, str]) -> str:
    if row["jis_code"] in CITIES:
        return row["jis_code"]
    return row["parent_city_code"] if row["parent_city_code"] in CITIES else row["pref_code"]


def build(scale: str, seed: int = 20260101) -> Problem:
    n_depots, n_items, n_lines, stricken, _ = SCALES[scale]
    rng = random.Random(seed)
    with (REFERENCE / "depots.csv").open() as f:
        depots = [(r["member_code"], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)]
    with (REFERENCE / "municipalities.csv").open() as f:
        towns = [
            (_member(r), float(r["office_lat"]), float(r["office_lon"]))
            for r in csv.DictReader(f)
            if _member(r) in stricken
        ]
    items = [f"item-{k:02d}" for k in range(n_items)]
    lines = []
    for k in range(n_lines):
        member, lat, lon = rng.choice(towns)
        lines.append(
            RequestLine(
                line_id=k,
                request_id=k // 3,
                member_code=member,
                item_code=rng.choice(items),
                quantity=rng.randint(50, 500),
                priority=rng.choices(list(Priority), weights=[2, 3, 5])[0],
                lat=lat + rng.uniform(-0.02, 0.02),
                lon=lon + rng.uniform(-0.02, 0.02),
            )
        )
    demand: dict[str, int] = defaultdict(int)
    for ln in lines:
        demand[ln.item_code] += ln.quantity
    supplies = _supplies(rng, depots, items, demand, n_depots, stricken)
    return Problem(tuple(supplies), tuple(lines), stricken, Options(time_limit_s=600.0))


def _supplies(
    rng: random.Random,
    depots: list[tuple[str, float, float]],
    items: list[str],
    demand: dict[str, int],
    n_depots: int,
    stricken: frozenset[str],
) -> list[Supply]:
    """Each depot stocks about half the items; free stock outside the stricken area is about 70 %
    of demand, so every scale has real shortages; 5 % of depots are damaged."""
    helpers = sum(1 for k in range(n_depots) if depots[k % len(depots)][0] not in stricken)
    result = []
    for depot_id in range(n_depots):
        member, lat, lon = depots[depot_id % len(depots)]
        operational = rng.random() > 0.05
        lat, lon = lat + rng.uniform(-0.1, 0.1), lon + rng.uniform(-0.1, 0.1)
        for item in items:
            if rng.random() < 0.5:
                mean = 2 * 0.7 * demand[item] / max(1, helpers) * 1.25
                on_hand = rng.randint(0, int(2 * mean))
                result.append(
                    Supply(
                        depot_id=depot_id,
                        member_code=member,
                        item_code=item,
                        lat=lat,
                        lon=lon,
                        on_hand=on_hand,
                        reserved=rng.randint(0, on_hand // 10),
                        reserve_floor=on_hand // 10,
                        operational=operational,
                    )
                )
    return result


def lp_haul(problem: Problem, result: PlanResult) -> tuple[float, float, int]:
    """The same min-haul transportation model as one HiGHS LP (fills fixed to the solver's).

    Returns (LP weighted haul, LP build + solve seconds, variables)."""
    started = time.perf_counter()
    o = problem.options
    travel = EstimateTravel(o.circuity, o.truck_kmh, o.loading_minutes)
    filled: dict[int, int] = defaultdict(int)
    for a in result.allocations:
        filled[a.line_id] += a.quantity
    cost, rows_s, cols, rows_l, cap, need = [], [], [], [], [], []
    n_vars = n_s = n_l = 0
    for item in sorted({ln.item_code for ln in problem.lines}):
        ds = [
            s
            for s in problem.supplies
            if s.item_code == item
            and s.operational
            and s.available > 0
            and (o.include_stricken_suppliers or s.member_code not in problem.stricken)
        ]
        ls = [ln for ln in problem.lines if ln.item_code == item]
        km = travel.matrix(ds, ls) if ds else np.zeros((0, len(ls)))
        ok = (
            np.array([d.member_code for d in ds])[:, None]
            != np.array([ln.member_code for ln in ls])[None, :]
        )
        i_idx, j_idx = np.nonzero(ok)
        cost.append(km[i_idx, j_idx])
        rows_s.append(n_s + i_idx)
        rows_l.append(n_l + j_idx)
        cols.append(n_vars + np.arange(len(i_idx)))
        cap += [d.available for d in ds]
        need += [filled[ln.line_id] for ln in ls]
        n_vars, n_s, n_l = n_vars + len(i_idx), n_s + len(ds), n_l + len(ls)
    c, col = np.concatenate(cost), np.concatenate(cols)
    a_ub = sparse.csr_matrix((np.ones(n_vars), (np.concatenate(rows_s), col)), (n_s, n_vars))
    a_eq = sparse.csr_matrix((np.ones(n_vars), (np.concatenate(rows_l), col)), (n_l, n_vars))
    res = linprog(c, A_ub=a_ub, b_ub=cap, A_eq=a_eq, b_eq=need, method="highs")
    if res.status != 0:
        raise RuntimeError(f"LP baseline failed: {res.message}")
    return float(res.fun), time.perf_counter() - started, n_vars


def run(scale: str, repeats: int, with_lp: bool) -> dict[str, object]:
    problem = build(scale)
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = solve(problem)
        times.append(time.perf_counter() - started)
    assert result is not None
    started = time.perf_counter()
    greedy = solve_greedy(problem)
    greedy_s = time.perf_counter() - started
    # validate() is skipped at national scale only to keep the run short.
    valid = validate(problem, result) == [] if scale != "national" else None
    haul, g_haul = result.objective["haul_km_units"], greedy.objective["haul_km_units"]
    row: dict[str, object] = {
        "depots": len({s.depot_id for s in problem.supplies}),
        "items": len({ln.item_code for ln in problem.lines}),
        "lines": len(problem.lines),
        "supply_rows": len(problem.supplies),
        "repeats": repeats,
        "status": result.status.value,
        "solve_s_median": statistics.median(times),
        "greedy_s": greedy_s,
        "valid": valid,
        "allocated": result.objective["total_allocated"],
        "greedy_allocated": greedy.objective["total_allocated"],
        "requested": result.objective["total_requested"],
        "haul_km_units": haul,
        "greedy_haul_km_units": g_haul,
        "km_per_unit": haul / max(1.0, result.objective["total_allocated"]),
        "greedy_km_per_unit": g_haul / max(1.0, greedy.objective["total_allocated"]),
        "min_fill_critical": result.objective["min_fill_ratio_critical"],
        "greedy_min_fill_critical": greedy.objective["min_fill_ratio_critical"],
    }
    row["km_per_unit_better_than_greedy_pct"] = 100 * (
        1 - float(row["km_per_unit"]) / max(1e-9, float(row["greedy_km_per_unit"]))
    )
    if with_lp:
        lp, lp_s, n_vars = lp_haul(problem, result)
        row |= {"lp_haul_km_units": lp, "lp_s": lp_s, "lp_vars": n_vars}
        row["haul_vs_lp"] = result.objective["weighted_haul_km_units"] / lp
        row["lp_time_over_solve"] = lp_s / float(row["solve_s_median"])
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="local and Nankai only, fewer runs")
    args = parser.parse_args()
    report: dict[str, object] = {"machine": platform.processor() or platform.machine()}
    for scale, (*_, repeats) in SCALES.items():
        if args.quick and scale == "national":
            continue
        row = run(scale, 3 if args.quick else repeats, with_lp=scale != "national")
        report[scale] = row
        print(scale, json.dumps(row, indent=None))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
