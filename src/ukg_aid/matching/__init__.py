"""Supply matching core (SPEC §3): pure functions on plain data, no database or web framework.

Public surface::

    solve(problem, settings=None) -> PlanResult        # priority, fair shares, on time, haul
    solve_greedy(problem, travel=None) -> PlanResult   # nearest-first baseline (phone practice)
    validate(problem, result, travel=None, ...) -> list[str]   # empty list = valid plan
    restate_eta(allocation, line, eta) -> Allocation    # the same allocation arriving at `eta`
    load_engine()                                       # import the haul's solver library now

`Problem` is what a plan must respect (stored as a plan's frozen inputs: stock, lines with their
deadlines, stricken members, options and `Closures`); `SolverSettings` is how to solve it (travel
model, time limit, haul engine). Who may supply whom: `eligibility`. The default travel estimate
drives over the bridges, never across the sea (`ukg_aid.routing`).
Errors: ``ValueError`` (malformed problem) and ``TravelError`` (road router failed).
"""

from ukg_aid.matching._haul import load_engine
from ukg_aid.matching._result import objective_of, restate_eta
from ukg_aid.matching.greedy import solve_greedy
from ukg_aid.matching.problem import (
    UNMET_CAUSES,
    Allocation,
    Objective,
    Options,
    PlanResult,
    Priority,
    Problem,
    RequestLine,
    Supply,
    TruckWaits,
    Unmet,
)
from ukg_aid.matching.settings import HaulEngine, SolverSettings
from ukg_aid.matching.solver import solve
from ukg_aid.matching.travel import EstimateTravel, OsrmTravel, TravelError, TravelModel
from ukg_aid.matching.validate import validate
from ukg_aid.routing import Closures
from ukg_aid.solving import SolveStatus

__all__ = [
    "UNMET_CAUSES",
    "Allocation",
    "Closures",
    "EstimateTravel",
    "HaulEngine",
    "Objective",
    "Options",
    "OsrmTravel",
    "PlanResult",
    "Priority",
    "Problem",
    "RequestLine",
    "SolveStatus",
    "SolverSettings",
    "Supply",
    "TravelError",
    "TravelModel",
    "TruckWaits",
    "Unmet",
    "load_engine",
    "objective_of",
    "restate_eta",
    "solve",
    "solve_greedy",
    "validate",
]
