"""Supply matching core (SPEC §3): pure functions on plain data, no database or web framework.

Public surface::

    solve(problem, travel=None) -> PlanResult          # priority, fair shares, shortest haul
    solve_greedy(problem, travel=None) -> PlanResult   # nearest-first baseline (phone practice)
    validate(problem, result, travel=None, ...) -> list[str]   # empty list = valid plan

Errors: ``ValueError`` (malformed problem) and ``TravelError`` (road router failed).
"""

from ukg_aid.matching.greedy import solve_greedy
from ukg_aid.matching.problem import (
    UNMET_CAUSES,
    Allocation,
    Options,
    PlanResult,
    Priority,
    Problem,
    RequestLine,
    SolveStatus,
    Supply,
    Unmet,
)
from ukg_aid.matching.solver import solve
from ukg_aid.matching.travel import EstimateTravel, OsrmTravel, TravelError, TravelModel
from ukg_aid.matching.validate import validate

__all__ = [
    "UNMET_CAUSES",
    "Allocation",
    "EstimateTravel",
    "Options",
    "OsrmTravel",
    "PlanResult",
    "Priority",
    "Problem",
    "RequestLine",
    "SolveStatus",
    "Supply",
    "TravelError",
    "TravelModel",
    "Unmet",
    "solve",
    "solve_greedy",
    "validate",
]
