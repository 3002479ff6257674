"""Value types shared by the pure solver cores (``matching``, ``dispatch_air``); imports nothing."""

from __future__ import annotations

from enum import StrEnum


class SolveStatus(StrEnum):
    """How far a solve got.

    ``optimal``: every stage proven optimal. ``feasible``: a valid plan whose optimality was not
    proven (a time limit cut a stage short, or a baseline heuristic). ``timeout``: the time limit
    ran out and the rest was filled by a fallback heuristic (still feasible). ``infeasible``: part
    of the shared result contract; a matching problem never is (allocating nothing is allowed).
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    TIMEOUT = "timeout"
