"""Why the haul stage runs dense: sparsified min-cost flow with exact pricing, measured.

    python -m bench.haul_sparse [--items N]      # first N items of the national instance (3)

Issue 11 proposed keeping each line's k nearest depots, adding fallback arcs so every line can be
served, then pricing the omitted arcs with the flow's node potentials and adding any with negative
reduced cost until none remain. This script runs exactly that on the national instance, item by
item, next to the two dense engines of `ukg_aid.matching._haul`, all on the same stage (the same
fills, floors and class totals):

* **sparse + pricing**: OR-Tools min-cost flow on the k nearest depots of each line and the k
  nearest lines of each depot, plus one hub per supplying member (depot → its member's hub → any
  line that member may serve, priced at the member's farthest depot, so the network is always
  feasible and a hub path never undercuts a real arc); potentials by Bellman-Ford on the residual
  graph; each round adds, per line and per depot, the k most negative omitted arcs. Exact: it stops
  only when no omitted arc has negative reduced cost, and its optimum is checked against the dense.
* **naive k=100**: the bare max-flow at least cost on each line's 100 nearest depots only, no
  repair: how many units it ships against the same flow on the dense network.
Writes bench/results/haul_sparse.json (read by `plan_docs.py` into docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

from bench.plan_instances import build
from ukg_aid.matching import SolverSettings
from ukg_aid.matching._fills import Fills, fair_fills
from ukg_aid.matching._haul import _min_cost_flow, _network_simplex, integer_costs
from ukg_aid.matching._plan import ItemData, items

RESULTS = Path(__file__).parent / "results" / "haul_sparse.json"
BIG = np.iinfo(np.int64).max // 4


def nearest(score: Any, valid: Any, k: int, axis: int) -> Any:
    """Mask of the k smallest valid entries of `score` along `axis`."""
    s = np.where(valid, score, BIG)
    kk = min(k, s.shape[axis])
    idx = np.argpartition(s, kk - 1, axis=axis)
    mask = np.zeros(s.shape, bool)
    if axis == 0:
        mask[idx[:kk], np.arange(s.shape[1])[None, :]] = True
    else:
        mask[np.arange(s.shape[0])[:, None], idx[:, :kk]] = True
    return mask & valid


def potentials(n: int, tails: Any, heads: Any, costs: Any) -> Any:
    """Shortest distances from a virtual root joined to every node (Bellman-Ford, vectorized)."""
    d = np.zeros(n, np.int64)
    order = np.argsort(heads, kind="stable")
    t, h, c = tails[order], heads[order], costs[order]
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
    targets = h[starts]
    while True:
        best = np.minimum.reduceat(d[t] + c, starts)
        better = best < d[targets]
        if not better.any():
            return d
        d[targets[better]] = best[better]


@dataclass
class Fixed:
    """The arcs every round keeps: line → class, depot → spill, depot → hub, hub → line."""

    tails: Any
    heads: Any
    caps: Any
    costs: Any
    supplies: Any
    nodes: int


def fixed_arcs(item: ItemData, fills: Fills, cost: Any) -> Fixed:
    n_d, n_l = item.eligible.shape
    avail = np.array([d.available for d in item.donors])
    qty = np.array([ln.quantity for ln in item.lines])
    rank = np.array([ln.priority.rank for ln in item.lines])
    members = sorted(set(item.rules.donor_member.tolist()))
    hub = {m: n_d + n_l + 4 + k for k, m in enumerate(members)}
    t = [np.arange(n_d, n_d + n_l), np.arange(n_d), np.arange(n_d)]
    h = [n_d + n_l + rank, np.full(n_d, n_d + n_l + 3), [hub[m] for m in item.rules.donor_member]]
    cap = [qty - np.array(fills.floors), avail, avail]
    c = [np.zeros(n_l, np.int64), np.zeros(n_d, np.int64), np.zeros(n_d, np.int64)]
    for m in members:
        mine = item.rules.donor_member == m
        js = np.flatnonzero(item.eligible[mine].any(axis=0))
        t.append(np.full(len(js), hub[m]))
        h.append(n_d + js)
        cap.append(qty[js])
        c.append(cost[mine][:, js].max(axis=0))
    above = np.zeros(3, np.int64)
    np.add.at(above, rank, -np.array(fills.floors))
    for r, total in fills.class_totals.items():
        above[r] += total
    spill = avail.sum() - sum(fills.class_totals.values())
    supplies = np.r_[avail, -np.array(fills.floors), -above, [-spill], np.zeros(len(members))]
    cat = np.concatenate
    return Fixed(cat(t), cat([np.asarray(x) for x in h]), cat(cap), cat(c), supplies, len(supplies))


def sparse_priced(item: ItemData, fills: Fills, k: int) -> dict[str, Any]:
    started = time.perf_counter()
    cost, elig = integer_costs(item), item.eligible
    n_d, n_l = elig.shape
    avail = np.array([d.available for d in item.donors])
    qty = np.array([ln.quantity for ln in item.lines])
    fx = fixed_arcs(item, fills, cost)
    keep = nearest(cost, elig, k, 0) | nearest(cost, elig, k, 1)
    rounds = 0
    while True:
        rounds += 1
        di, lj = np.nonzero(keep)
        tails, heads = np.r_[di, fx.tails], np.r_[n_d + lj, fx.heads]
        caps, costs = np.r_[np.minimum(avail[di], qty[lj]), fx.caps], np.r_[cost[di, lj], fx.costs]
        flow = min_cost_flow.SimpleMinCostFlow()
        arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        flow.set_nodes_supplies(np.arange(fx.nodes), fx.supplies.astype(np.int64))
        if flow.solve() != flow.OPTIMAL:
            raise RuntimeError("sparse min-cost flow failed")
        f = flow.flows(arcs)
        fw, bw = f < caps, f > 0
        d = potentials(
            fx.nodes,
            np.r_[tails[fw], heads[bw]],
            np.r_[heads[fw], tails[bw]],
            np.r_[costs[fw], -costs[bw]],
        )
        reduced = cost + d[:n_d, None] - d[None, n_d : n_d + n_l]
        negative = elig & ~keep & (reduced < 0)
        if not negative.any():
            break
        keep |= nearest(reduced, negative, k, 0) | nearest(reduced, negative, k, 1)
    return {
        "seconds": time.perf_counter() - started,
        "rounds": rounds,
        "arcs": int(keep.sum()),
        "cost": int(flow.optimal_cost()),
    }


def timed(fn: Any, item: ItemData, fills: Fills) -> tuple[float, int]:
    started = time.perf_counter()
    flows = fn(item, fills)
    seconds = time.perf_counter() - started
    cost = integer_costs(item)
    return seconds, sum(q * int(cost[i, j]) for j, i, q in flows)


def naive_units(item: ItemData, k: int | None) -> int:
    """Bare max-flow at least cost, on each line's k nearest depots (None: all)."""
    cost, elig = integer_costs(item), item.eligible
    keep = elig if k is None else nearest(cost, elig, k, 0)
    di, lj = np.nonzero(keep)
    n_d, n_l = elig.shape
    avail = np.array([d.available for d in item.donors])
    qty = np.array([ln.quantity for ln in item.lines])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        di, n_d + lj, np.minimum(avail[di], qty[lj]), cost[di, lj]
    )
    src, sink = n_d + n_l, n_d + n_l + 1
    flow.add_arcs_with_capacity_and_unit_cost(np.full(n_d, src), np.arange(n_d), avail, 0 * avail)
    flow.add_arcs_with_capacity_and_unit_cost(
        n_d + np.arange(n_l), np.full(n_l, sink), qty, 0 * qty
    )
    flow.set_node_supply(src, int(avail.sum()))
    flow.set_node_supply(sink, -int(avail.sum()))
    flow.solve_max_flow_with_min_cost()
    return int(flow.maximum_flow())


def run(n_items: int, k: int) -> dict[str, Any]:
    problem = build("national")
    rows = []
    for item in list(items(problem, SolverSettings().travel))[:n_items]:
        fills = fair_fills(item)
        ns_s, ns_cost = timed(_network_simplex, item, fills)
        mcf_s, mcf_cost = timed(_min_cost_flow, item, fills)
        sparse = sparse_priced(item, fills, k)
        rows.append(
            {
                "item": item.item_code,
                "donors": len(item.donors),
                "lines": len(item.lines),
                "dense_arcs": int(item.eligible.sum()),
                "network_simplex_s": ns_s,
                "min_cost_flow_s": mcf_s,
                "sparse": sparse,
                "same_optimum": ns_cost == mcf_cost == sparse["cost"],
                "naive_k100_units_share": naive_units(item, 100) / naive_units(item, None),
            }
        )
        print(json.dumps(rows[-1]))
    return {"k": k, "command": f"python -m bench.haul_sparse --items {n_items}", "items": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=3)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    report = run(args.items, args.k)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
