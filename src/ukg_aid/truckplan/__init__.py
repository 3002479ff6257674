"""Plans that know the trucks (issue 13): the matching core's plan projected onto the suppliers'
truck pools, and re-solved where the trucks make it late.

A sibling of ``matching`` and ``logistics`` (they must not import each other): pure, plain data in
and out, run in the solver process. Public surface::

    plan_with_trucks(problem, solver, fleet, rounds=3, budget_s=inf) -> TruckPlan
    project(problem, result, fleet) -> Projection      # ETAs on the pools, no re-solve
    waits_now(fleet, members) -> TruckWaits            # the pools at the plan's time
    Fleet, MemberPool                                  # the pools (trucks, queued shipments)
"""

from ukg_aid.truckplan.loop import TruckPlan, plan_with_trucks
from ukg_aid.truckplan.projection import Fleet, MemberPool, Projection, project, waits_now

__all__ = [
    "Fleet",
    "MemberPool",
    "Projection",
    "TruckPlan",
    "plan_with_trucks",
    "project",
    "waits_now",
]
