"""Exact minimum-cost partial assignment on OR-Tools' linear sum assignment.

``SimpleLinearSumAssignment`` needs a perfect matching, so the bipartite graph is padded: every
left node may stay idle (an arc of cost 0 to its own right-side dummy) and every right node may
stay unserved (its left-side dummy takes it at cost 0, and the dummies pair up at cost 0).
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.graph.python import linear_sum_assignment

INT64_SAFE = 2**62


def min_cost_partial_assignment(
    n_left: int, n_right: int, arcs: Sequence[tuple[int, int, int]]
) -> list[int] | None:
    """Indices of ``arcs`` (left, right, integer cost) forming a minimum-cost partial matching.

    Each left and right node is used at most once; using an arc is worthwhile only when its cost
    is negative. Returns ``None`` when costs are too large for int64 arithmetic inside the solver.
    """
    if not arcs:
        return []
    largest = max(abs(cost) for _, _, cost in arcs)
    if largest * (n_left + n_right + 1) >= INT64_SAFE:
        return None
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    for left, right, cost in arcs:
        solver.add_arc_with_cost(left, right, cost)
    for left in range(n_left):
        solver.add_arc_with_cost(left, n_right + left, 0)  # left node stays idle
    for right in range(n_right):
        dummy = n_left + right
        solver.add_arc_with_cost(dummy, right, 0)  # right node stays unserved
        for left in range(n_left):
            solver.add_arc_with_cost(dummy, n_right + left, 0)
    if solver.solve() != solver.OPTIMAL:
        return None
    index = {(left, right): i for i, (left, right, _) in enumerate(arcs)}
    chosen = []
    for left in range(n_left):
        right = solver.right_mate(left)
        if right < n_right:
            chosen.append(index[left, right])
    return chosen
