"""How to solve, as opposed to what (`Problem`): never part of a plan's frozen inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ukg_aid.matching.travel import EstimateTravel, TravelModel


class HaulEngine(StrEnum):
    """Which exact solver runs the shortest-haul stage (rule 4). Both give the same optimum.

    ``network_simplex``: POT's network simplex (LEMON) on the dense depot × line network, the
    default, much faster than cost scaling at national scale (figures: docs/benchmarks.md).
    ``min_cost_flow``: OR-Tools cost scaling on the same network: the reference the bench and the
    tests compare against, and the fallback should the network simplex ever stop short."""

    NETWORK_SIMPLEX = "network_simplex"
    MIN_COST_FLOW = "min_cost_flow"


@dataclass(frozen=True, slots=True)
class SolverSettings:
    """`travel` is the one source of distances, circuity and ETA; `time_limit_s` bounds a solve
    (items left when it runs out are filled nearest-first, status `timeout`)."""

    travel: TravelModel = field(default_factory=EstimateTravel)
    time_limit_s: float = 10.0
    haul_engine: HaulEngine = HaulEngine.NETWORK_SIMPLEX
