"""Rule 4, on time then shortest haul: given the fills of rules 2-3, ship with the fewest late
units, then at least total cost, exactly.

The stage keeps every line at or above its fair floor and every class at its priority total; the
rest of each class may go wherever it arrives on time and the haul is shortest. It runs on the full
depot × line network (every eligible pair), so its optimum is the dense optimum by construction;
two exact engines solve it (`settings.HaulEngine`), and the tests and `bench/plan.py` check they
agree. A unit is late on an arc whose ETA is past the line's deadline (`ItemData.late`).

Both objectives are integers (late units; whole metres × counterpart factor), and the engines reach
the lexicographic optimum exactly, each its own way:
- the network simplex solves twice: first with cost 1 per late unit, then the haul restricted to
  the cells of zero reduced cost under the first solve's dual potentials. By complementary
  slackness those cells carry every plan with the fewest late units and nothing else, so the
  second solve is the shortest haul among them (an integral face of a transport polytope).
- min-cost flow solves once with cost = haul + W × late, W = (nodes) × (largest haul cost + 1). Any
  flow with more late units than the optimum differs from it by cycles, one of which has fewer
  late units; a cycle has at most `nodes` arcs, so its haul gain is under W and pushing along it
  would lower the weighted cost: a weighted optimum has the fewest late units, and then the least
  haul. W keeps every cost within int64 for OR-Tools at any scale the service plans.
Without deadlines both engines solve the plain shortest haul once, as before.

Pruning the network to each line's nearest depots and pricing the omitted arcs back in (exact, with
fallback hubs) was measured and rejected (`bench/haul_sparse.py`, docs/benchmarks.md): with real
shortages the optimum draws from far depots, so the repair loop re-solves many times from scratch
and is slower than the dense network simplex.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

from ukg_aid.matching._fills import Fills
from ukg_aid.matching._plan import Flow, ItemData
from ukg_aid.matching.settings import HaulEngine

# Haul costs are integers for both engines: metres (× counterpart factor) are ample, and integer
# costs make the two engines' optima comparable exactly.
COST_SCALE = 1000.0
_RANKS = 3


def shortest_haul(item: ItemData, fills: Fills, engine: HaulEngine) -> list[Flow]:
    """The least-cost shipments meeting `fills`; network simplex falls back to cost scaling if it
    cannot prove optimality (iteration limit), so the answer is always exact."""
    if not item.donors or not item.lines or not item.eligible.any():
        return []
    if engine is HaulEngine.NETWORK_SIMPLEX:
        flows = _network_simplex(item, fills)
        if flows is not None:
            return flows
    return _min_cost_flow(item, fills)


def integer_costs(item: ItemData) -> Any:
    """Haul costs in whole metres (× counterpart factor), donors × lines."""
    return np.rint(item.cost * COST_SCALE).astype(np.int64)


def has_late(item: ItemData) -> bool:
    """Does some eligible arc of the item arrive late?"""
    return item.late is not None and bool((item.late & item.eligible).any())


def lexicographic_costs(item: ItemData) -> Any:
    """haul + W × late on the ship arcs of the min-cost flow network (see the module docstring)."""
    haul = integer_costs(item)
    if not has_late(item):
        return haul
    nodes = len(item.donors) + len(item.lines) + _RANKS + 1
    weight = nodes * (int(haul[item.eligible].max()) + 1)
    return haul + weight * item.late.astype(np.int64)


def _class_totals(fills: Fills) -> Any:
    return np.array([fills.class_totals.get(rank, 0) for rank in range(_RANKS)], dtype=np.int64)


def _network_simplex(item: ItemData, fills: Fills) -> list[Flow] | None:
    """A balanced transport problem: rows are donors and one slack row per class (the part of the
    class's requested quantity it does not get), columns each line's floor, each line's part above
    its floor, and a spill column (stock that stays home); empty rows and columns are left out.
    Forbidden pairs cost more than any detour could save, so an optimum never uses them while a
    plan without them exists (the fills guarantee one). With late arcs, first the fewest late
    units, then the haul on the cells that keep them fewest (module docstring)."""
    shape = _TransportShape.of(item, fills)
    haul_cells = np.rint(item.cost * COST_SCALE)
    allowed = None
    if has_late(item):
        late, forbidden = shape.costs(item, item.late.astype(float))
        first = _emd(shape.rows, shape.cols, late)
        if first is None or _uses(late, first, forbidden):
            return None
        u, v = first[3], first[4]
        allowed = late - u[:, None] - v[None, :] < 0.5
    matrix, forbidden = shape.costs(item, haul_cells)
    if allowed is not None:
        matrix[~allowed] = forbidden
    found = _emd(shape.rows, shape.cols, matrix)
    if found is None or _uses(matrix, found, forbidden):
        return None
    return shape.flows(item, found)


def _uses(matrix: Any, found: tuple[Any, ...], forbidden: float) -> bool:
    row, col = found[0], found[1]
    return bool(row.size and (matrix[row, col] >= forbidden).any())


@dataclass(frozen=True, slots=True)
class _TransportShape:
    """Rows, columns and their amounts of `_network_simplex`'s transport problem."""

    rows: Any
    cols: Any
    at_floor: Any
    above: Any
    above_rank: Any
    slack: Any
    spill: bool

    @classmethod
    def of(cls, item: ItemData, fills: Fills) -> _TransportShape:
        quantity = np.array([ln.quantity for ln in item.lines], dtype=np.int64)
        floors = np.array(fills.floors, dtype=np.int64)
        rank = np.array([ln.priority.rank for ln in item.lines])
        available = np.array([d.available for d in item.donors], dtype=np.int64)
        totals = _class_totals(fills)
        short = np.bincount(rank, weights=quantity, minlength=_RANKS).astype(np.int64) - totals
        at_floor, above = np.flatnonzero(floors > 0), np.flatnonzero(quantity > floors)
        slack = np.flatnonzero(short > 0)
        spill = int(available.sum() - totals.sum())
        rows = np.concatenate([available, short[slack]]).astype(float)
        cols = np.concatenate(
            [floors[at_floor], (quantity - floors)[above], [spill] if spill else []]
        ).astype(float)
        return cls(rows, cols, at_floor, above, rank[above], slack, spill > 0)

    def costs(self, item: ItemData, cells: Any) -> tuple[Any, float]:
        return _transport_costs(
            item, cells, self.at_floor, self.above, self.above_rank, self.slack, self.spill
        )

    def flows(self, item: ItemData, found: tuple[Any, ...]) -> list[Flow]:
        """Shipments per (line, donor) from the transport cells."""
        row, col, qty = found[0], found[1], found[2]
        line_of_col = np.concatenate([self.at_floor, self.above])
        real = (row < len(item.donors)) & (col < len(line_of_col))
        key = row[real] * len(item.lines) + line_of_col[col[real]]
        keys, where = np.unique(key, return_inverse=True)
        summed = np.bincount(where, weights=qty[real]).astype(np.int64)
        donor_idx, line_idx = np.divmod(keys, len(item.lines))
        return list(zip(line_idx.tolist(), donor_idx.tolist(), summed.tolist(), strict=True))


def _transport_costs(
    item: ItemData,
    cost: Any,
    at_floor: Any,
    above: Any,
    above_rank: Any,
    slack: Any,
    spill: bool,
) -> tuple[Any, float]:
    """The cost matrix of `_network_simplex` for whole-number donor × line costs `cost`, and the
    cost of a forbidden cell."""
    n_rows = len(item.donors) + len(slack)
    n_cols = len(at_floor) + len(above) + int(spill)
    forbidden = float((n_rows + n_cols + 1) * (cost[item.eligible].max() + 1))
    ship = np.where(item.eligible, cost, forbidden)
    blocks = [ship[:, at_floor], ship[:, above]]
    if spill:
        blocks.append(np.zeros((len(item.donors), 1)))
    slack_rows = np.full((len(slack), n_cols), forbidden)
    for k, rank in enumerate(slack.tolist()):
        slack_rows[k, len(at_floor) + np.flatnonzero(above_rank == rank)] = 0.0
    matrix = np.vstack([np.hstack(blocks), slack_rows])
    return np.ascontiguousarray(matrix), forbidden


def load_engine() -> None:
    """Import POT, whose network simplex the haul stage runs. Not at the module's top: POT loads
    scipy.stats and more, about 2.5 s of start-up for every process that imports the matching
    core (the API, the CLI, the console's server), most of which never solve. ``solve`` calls
    this before its clock starts, so the first solve's time limit does not pay for the import;
    the solver processes call it when they start."""
    import ot  # noqa: F401


def _emd(rows: Any, cols: Any, matrix: Any) -> tuple[Any, Any, Any, Any, Any] | None:
    """POT's exact network simplex: the nonzero cells (row, column, units) and the dual
    potentials (u, v), or None unless it reports an optimum in whole units."""
    import ot  # loaded by load_engine(); imported here, not at the top (see there)

    limit = max(1_000_000, 50 * matrix.size)
    # Warnings are not silenced here: `warnings.catch_warnings` is not thread-safe, and plans are
    # solved in worker threads; POT only warns when it stops short, which falls back anyway.
    plan, log = ot.emd(rows, cols, matrix, numItermax=limit, log=True, center_dual=False)
    if log.get("warning") is not None:
        return None
    row, col = np.nonzero(plan)
    qty = plan[row, col]
    whole = np.rint(qty)
    if np.abs(qty - whole).max(initial=0.0) > 1e-6:
        return None
    return row, col, whole.astype(np.int64), log["u"], log["v"]


def _min_cost_flow(item: ItemData, fills: Fills) -> list[Flow]:
    """OR-Tools min-cost flow on the same network. Nodes: donors, lines, one node per class (the
    class's amount above floors), a spill node (stock left at depots); lower bounds become node
    demands."""
    n_donors, n_lines = len(item.donors), len(item.lines)
    available = [d.available for d in item.donors]
    quantity = [ln.quantity for ln in item.lines]
    class_node = n_donors + n_lines + np.array([ln.priority.rank for ln in item.lines])
    spill = n_donors + n_lines + _RANKS
    flow = min_cost_flow.SimpleMinCostFlow()
    donor_idx, line_idx = np.nonzero(item.eligible)
    caps = np.minimum(np.array(available)[donor_idx], np.array(quantity)[line_idx])
    ship_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        donor_idx.astype(np.int64),
        (n_donors + line_idx).astype(np.int64),
        caps,
        lexicographic_costs(item)[donor_idx, line_idx],
    )
    above_floor = np.array(quantity) - np.array(fills.floors)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_donors, n_donors + n_lines), class_node, above_floor, np.zeros(n_lines, int)
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_donors), np.full(n_donors, spill), np.array(available), np.zeros(n_donors, int)
    )
    _set_demands(flow, item, fills, spill)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed for item {item.item_code}")
    shipped = flow.flows(ship_arcs)
    return [(int(line_idx[k]), int(donor_idx[k]), int(shipped[k])) for k in np.flatnonzero(shipped)]


def _set_demands(
    flow: min_cost_flow.SimpleMinCostFlow, item: ItemData, fills: Fills, spill: int
) -> None:
    """Donors supply their stock; lines demand their floor; each class node demands the rest of
    its priority total; the spill node takes whatever stock stays home."""
    n_donors, n_lines = len(item.donors), len(item.lines)
    supplies = [d.available for d in item.donors] + [-f for f in fills.floors]
    above = [0] * _RANKS
    for ln, floor in zip(item.lines, fills.floors, strict=True):
        above[ln.priority.rank] -= floor
    for rank, total in fills.class_totals.items():
        above[rank] += total
    supplies += [-a for a in above]
    supplies.append(-(sum(d.available for d in item.donors) - sum(fills.class_totals.values())))
    nodes = np.arange(n_donors + n_lines + _RANKS + 1, dtype=np.int64)
    flow.set_nodes_supplies(nodes, np.array(supplies, dtype=np.int64))
