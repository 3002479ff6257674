"""How much each line of one item receives: priority classes in order, fair shares within a class.

Fill amounts are decided on a small network that groups donors and lines by whom they can serve
and be served by (`eligibility`: the member rule and a way left between them):
source → giver (donors that may serve exactly the same lines; their free stock) → asker (lines
that exactly the same givers may serve) → line → sink,
where the line → sink capacity is what the line may receive. Without closures a giver is a
supplying member and an asker a requesting member, as the member rule alone makes them; closures
split them by where they are. Per-line amounts of a served class are then fixed while the next
class is decided; this loses nothing, because the lines' reachable amounts form a polymatroid, in
which every maximal vector of a class leaves the same room for the classes after it.

Nothing is lost by the grouping either: a depot-level flow sums to a grouped one, and a grouped
flow splits back over a giver's depots in any way (each of them may serve every line the giver
may serve), so the fills equal those of the full depot × line network.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from ukg_aid.matching._plan import ItemData
from ukg_aid.matching.eligibility import group_rows

# A fill ratio as an exact fraction (numerator, denominator); always of the form k / quantity.
Ratio = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Fills:
    """`floors[j]`: line j's guaranteed fair share; `served[j]`: one maximal amount per line;
    `class_totals[rank]`: the most a class can receive after the classes above it."""

    floors: list[int]
    served: list[int]
    class_totals: dict[int, int]


MemberArcs = tuple[list[int], list[int], list[int], list[int]]


def _member_arcs(item: ItemData) -> MemberArcs:
    """Arcs source(0) → giver → asker → line (sink is node 1); returns the line node ids too."""
    pairs = np.asarray(item.eligible, dtype=bool).reshape(len(item.donors), len(item.lines))
    reach, giver_of = group_rows(pairs)
    stock = np.bincount(
        giver_of, weights=[d.available for d in item.donors], minlength=len(reach)
    ).astype(np.int64)
    columns, asker_of = group_rows(reach.T)
    served_by = columns.T
    n_givers, n_askers = served_by.shape
    big = int(stock.sum()) + 1
    first_asker, first_line = 2 + n_givers, 2 + n_givers + n_askers
    arcs: list[tuple[int, int, int]] = []
    for g in range(n_givers):
        arcs.append((0, 2 + g, int(stock[g])))
        arcs += [(2 + g, first_asker + a, big) for a in np.flatnonzero(served_by[g]).tolist()]
    line_nodes = [first_line + j for j in range(len(item.lines))]
    arcs += [(first_asker + int(a), line_nodes[j], big) for j, a in enumerate(asker_of.ravel())]
    tails, heads, caps = (list(column) for column in zip(*arcs, strict=True))
    return tails, heads, caps, line_nodes


class _MemberNetwork:
    """Max-flow on the member network with adjustable line → sink capacities."""

    def __init__(self, arcs: MemberArcs) -> None:
        tails, heads, caps, line_nodes = arcs
        self.flow = max_flow.SimpleMaxFlow()
        self.flow.add_arcs_with_capacity(np.array(tails), np.array(heads), np.array(caps))
        n = len(line_nodes)
        self.sink_arcs = self.flow.add_arcs_with_capacity(
            np.array(line_nodes, dtype=np.int64), np.ones(n, dtype=np.int64), np.zeros(n, np.int64)
        )

    def fits(self, caps: list[int]) -> bool:
        """Can every line receive exactly `caps[j]` at once?"""
        self.flow.set_arcs_capacity(self.sink_arcs, np.array(caps, dtype=np.int64))
        if self.flow.solve(0, 1) != self.flow.OPTIMAL:
            raise RuntimeError("max-flow failed on the member network")
        return int(self.flow.optimal_flow()) == sum(caps)


def fair_fills(item: ItemData) -> Fills:
    """Rule 2 (priority) and rule 3 (fair shares) for one item."""
    arcs = _member_arcs(item)
    network = _MemberNetwork(arcs)
    quantity = [ln.quantity for ln in item.lines]
    n = len(quantity)
    caps, floors = [0] * n, [0] * n
    totals: dict[int, int] = {}
    ranks = [ln.priority.rank for ln in item.lines]
    for rank, group in groupby(range(n), key=ranks.__getitem__):
        idx = list(group)
        class_floors = _max_min_floors(network, caps, idx, quantity)
        for j, f in zip(idx, class_floors, strict=True):
            floors[j] = f
        served = _serve_most(arcs, caps, idx, floors, quantity)
        for j in idx:
            caps[j] = served[j]
        totals[rank] = sum(served[j] for j in idx)
    return Fills(floors, caps, totals)


def _floors(r: Ratio, q: list[int]) -> list[int]:
    return [min(x, r[0] * x // r[1]) for x in q]


def _max_min_floors(
    network: _MemberNetwork, caps: list[int], idx: list[int], quantity: list[int]
) -> list[int]:
    """Fair shares: the largest ratio r such that every class line can get ⌊r × requested⌋.

    Bisection over the breakpoints k / requested, kept as exact fractions, so the result is within
    one unit per line of the fractional max-min optimum.
    """
    q = [quantity[j] for j in idx]

    def fits(r: Ratio) -> bool:
        trial = list(caps)
        for j, f in zip(idx, _floors(r, q), strict=True):
            trial[j] = f
        return network.fits(trial)

    lo, hi = (0, 1), (1, 1)
    if fits(hi):
        return q
    while True:
        nb = _next_breakpoint(lo, q)
        if nb[0] * hi[1] >= hi[0] * nb[1]:
            return _floors(lo, q)
        mid = _snap_down((lo[0] * hi[1] + hi[0] * lo[1], 2 * lo[1] * hi[1]), q)
        cand = mid if mid[0] * lo[1] > lo[0] * mid[1] else nb
        if fits(cand):
            lo = cand
        else:
            hi = cand


def _next_breakpoint(r: Ratio, q: list[int]) -> Ratio:
    """The smallest k / q_j strictly above r."""
    best = (1, 1)
    for x in q:
        cand = (r[0] * x // r[1] + 1, x)
        if cand[0] <= x and cand[0] * best[1] < best[0] * cand[1]:
            best = cand
    return best


def _snap_down(r: Ratio, q: list[int]) -> Ratio:
    """The largest k / q_j at or below r (same floors as r)."""
    best = (0, 1)
    for x in q:
        cand = (r[0] * x // r[1], x)
        if cand[0] * best[1] > best[0] * cand[1]:
            best = cand
    return best


def _serve_most(
    arcs: MemberArcs, caps: list[int], idx: list[int], floors: list[int], quantity: list[int]
) -> list[int]:
    """Priority: with classes above fixed and this class at its floors, serve as much as possible.

    Max-flow at least cost where fixed amounts and floors cost -1 a unit: a maximum flow that
    saturates them always exists, and any flow that does not costs more.
    """
    tails, heads, arc_caps, line_nodes = arcs
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails), np.array(heads), np.array(arc_caps), np.zeros(len(tails), np.int64)
    )
    must = list(caps)
    extra = [0] * len(caps)
    for j in idx:
        must[j], extra[j] = floors[j], quantity[j] - floors[j]
    n = len(line_nodes)
    nodes = np.array(line_nodes * 2, dtype=np.int64)
    costs = np.array([-1] * n + [0] * n, dtype=np.int64)
    sink_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        nodes, np.ones(2 * n, np.int64), np.array(must + extra, dtype=np.int64), costs
    )
    total = sum(c for t, c in zip(tails, arc_caps, strict=True) if t == 0)
    flow.set_node_supply(0, total)
    flow.set_node_supply(1, -total)
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        raise RuntimeError("max-flow at least cost failed on the member network")
    got = flow.flows(sink_arcs).tolist()
    if got[:n] != must:
        raise RuntimeError("fixed amounts and fair floors could not all be served")
    return [a + b for a, b in zip(got[:n], got[n:], strict=True)]
