"""Plan use cases: run the solver off the event loop, store the plan, read it back."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ukg_aid import matching, offload, truckplan
from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock
from ukg_aid.config import Settings
from ukg_aid.db import bulk
from ukg_aid.db.locking import for_change, in_chunks
from ukg_aid.db.paging import fetch_page
from ukg_aid.errors import AppError, NotFound, ServiceUnavailable
from ukg_aid.incidents import service as incident_service
from ukg_aid.logistics.driving import haul_eta_minutes
from ukg_aid.plans import answer, loading, rows, solver_pool, truck_state
from ukg_aid.plans.enums import AllocationStatus, PlanPolicy, PlanStatus
from ukg_aid.plans.models import DispatchPlan, PlanAllocation
from ukg_aid.plans.schemas import PlanCreate, PlanRead, PlanSummary
from ukg_aid.principal import Principal
from ukg_aid.stockpiles.models import Depot

log = logging.getLogger("ukg_aid.plans")


async def read(session: AsyncSession, plan: DispatchPlan) -> PlanRead:
    """The plan as the API answers it, its allocations as named rows (one more query; built
    off the event loop, :mod:`ukg_aid.plans.answer`)."""
    out, _ = await answer.read(session, plan)
    return out


class _Counted(Protocol):
    """What a summary counts of an allocation: a stored row or the solver's."""

    @property
    def quantity(self) -> int: ...
    @property
    def late(self) -> bool: ...


def to_summary(plan: DispatchPlan) -> PlanSummary:
    return _summary(plan, plan.allocations)


def _summary(plan: DispatchPlan, allocations: Sequence[_Counted]) -> PlanSummary:
    """The plan's summary over its allocations (stored rows, or the solver's when just made)."""
    return PlanSummary(
        id=plan.id,
        incident_id=plan.incident_id,
        status=plan.status,
        policy=plan.policy,
        request_ids=list(plan.request_ids),
        allocation_count=len(allocations),
        allocated_units=sum(a.quantity for a in allocations),
        unmet_units=sum(int(u["quantity"]) for u in plan.unmet),
        late_units=sum(a.quantity for a in allocations if a.late),
        late_allocations=sum(1 for a in allocations if a.late),
        solver=answer.solver(plan),
        created_at=plan.created_at,
    )


async def solve(
    problem: matching.Problem,
    settings: Settings,
    policy: PlanPolicy,
    fleet: truckplan.Fleet | None = None,
) -> solver_pool.Solved:
    """Solve and validate off the event loop (a solver process, :mod:`solver_pool`); refuses to
    hand back a plan that breaks a rule. With ``fleet`` the plan knows the trucks
    (``truckplan.plan_with_trucks``, ``settings.truck_plan_rounds`` solves at most)."""
    travel = solver_pool.Travel(
        settings.osrm_url, settings.road_circuity, settings.truck_kmh, settings.loading_minutes
    )
    job = solver_pool.Job(
        problem,
        travel,
        settings.solver_time_limit_s,
        policy is PlanPolicy.optimized,
        fleet=fleet,
        rounds=settings.truck_plan_rounds,
    )
    try:
        result, violations = await solver_pool.solve(job, settings.solver_processes)
    except matching.TravelError as exc:
        raise ServiceUnavailable(f"the road router failed: {exc}", code="travel") from exc
    if violations:
        log.error("solver produced an invalid plan: %s", violations[:5])
        raise AppError(
            "the solver produced a plan that breaks a matching rule; not stored",
            code="invalid-plan",
            violations=violations[:20],
        )
    return result


async def create_plan(
    session: AsyncSession,
    *,
    principal: Principal,
    data: PlanCreate,
    settings: Settings,
    clock: Clock,
) -> DispatchPlan:
    at = clock.resolve(data.at)
    incident = await incident_service.resolve(session, data.incident_id, what="plan")
    problem = await loading.build_problem(
        session,
        settings=settings,
        request_ids=data.request_ids,
        include_stricken_suppliers=data.include_stricken_suppliers,
        as_of=at,
        incident_id=incident.id,
        reopened=data.reopened,
    )
    fleet = None
    if settings.truck_plan_rounds > 0 and problem.lines:
        fleet = await truck_state.fleet_at(session, problem, at)
    result = await solve(problem, settings, data.policy, fleet)
    plan = DispatchPlan(
        status=PlanStatus.proposed,
        incident_id=incident.id,
        policy=data.policy,
        include_stricken_suppliers=data.include_stricken_suppliers,
        request_ids=sorted({line.request_id for line in problem.lines}),
        solver_status=result.status.value,
        solver_wall_ms=round(result.wall_ms, 3),
        objective=result.objective.to_dict(),
        unmet=[_unmet(u) for u in result.unmet],
        inputs=await asyncio.to_thread(_inputs, problem, result),  # Nankai's: 1 MB of JSON
        created_by=principal.name,
        created_at=at,
    )
    session.add(plan)
    await session.flush()
    await _add_allocations(session, plan, problem, result, settings)
    await audit.record(
        session,
        principal=principal,
        action="plan.create",
        entity="plan",
        entity_id=plan.id,
        after=_summary(plan, result.allocations).model_dump(mode="json"),
        at=at,
    )
    return plan


def _inputs(problem: matching.Problem, result: solver_pool.Solved) -> dict[str, Any]:
    """The frozen inputs: the problem with the truck waits its kept solve used (rule 4 holds
    exactly against them), and how the truck-aware rounds went (projected late units each)."""
    stored = replace(problem, truck_waits=result.truck_waits).to_dict()
    if result.late_by_round:
        stored["truck_plan"] = {"projected_late_units_by_round": list(result.late_by_round)}
    return stored


async def _add_allocations(
    session: AsyncSession,
    plan: DispatchPlan,
    problem: matching.Problem,
    result: solver_pool.Solved,
    settings: Settings,
) -> None:
    """Every allocation in one statement (:mod:`ukg_aid.db.bulk`), no ORM object per row: a
    Nankai plan has thousands (their rows made off the event loop)."""
    rows = await offload.run(
        len(result.allocations), _allocation_rows, plan.id, problem, result, settings
    )
    await bulk.insert_rows(session, PlanAllocation, rows)


def _allocation_rows(
    plan_id: int, problem: matching.Problem, result: solver_pool.Solved, settings: Settings
) -> list[dict[str, Any]]:
    requesters = {line.line_id: line.member_code for line in problem.lines}

    def eta(a: solver_pool.AllocationRow) -> float:
        """A guest's long haul (300–600 km out of Kansai) counts the driver's breaks and rests
        (改善基準告示, ``logistics.driving.haul_eta_minutes``) after any truck wait; a projected
        ETA (``truckplan``) has them already, from the pool's own trips. In-union hauls keep the
        estimate the solver judged deadlines by."""
        if requesters[a.line_id] not in problem.guests:
            return a.eta_minutes
        haul = haul_eta_minutes(a.distance_km, settings.truck_kmh, settings.loading_minutes)
        return max(a.eta_minutes, a.truck_wait_minutes + haul)

    return [
        {
            "plan_id": plan_id,
            "request_id": a.request_id,
            "line_id": a.line_id,
            "item_code": a.item_code,
            "depot_id": a.depot_id,
            "supplier_code": a.supplier_code,
            "requester_code": requesters[a.line_id],
            "quantity": a.quantity,
            "distance_km": round(a.distance_km, 3),
            "eta_minutes": round(eta(a), 1),
            "reason": a.reason[:300],
            "late": a.late,
            "truck_wait_minutes": round(a.truck_wait_minutes, 1),
            "status": AllocationStatus.planned,
        }
        for a in result.allocations
    ]


def _unmet(u: solver_pool.UnmetRow) -> dict[str, Any]:
    return {
        "request_id": u.request_id,
        "line_id": u.line_id,
        "item_code": u.item_code,
        "quantity": u.quantity,
        "cause": u.cause,
    }


async def get_plan(
    session: AsyncSession, plan_id: int, *, lock: bool = False, allocations: bool = True
) -> DispatchPlan:
    """The plan (with its allocations as objects unless ``allocations`` is false), without its
    frozen inputs: a Nankai plan's are a megabyte of JSON that only :func:`inputs` reads."""
    query = (
        select(DispatchPlan)
        .where(DispatchPlan.id == plan_id)
        .options(defer(DispatchPlan.inputs, raiseload=True))
        .execution_options(populate_existing=True)
    )
    if allocations and not lock:
        query = query.options(selectinload(DispatchPlan.allocations))
    if lock:
        query = for_change(query, of=DispatchPlan)
    plan = await session.scalar(query)
    if plan is None:
        raise NotFound(f"plan {plan_id} does not exist", code="unknown-plan")
    if allocations and lock:
        await _load_allocations(session, plan)
    return plan


async def _load_allocations(session: AsyncSession, plan: DispatchPlan) -> None:
    """A locked plan's allocations (a change is coming), read in chunks so that thousands of
    them do not stall the event loop (:func:`ukg_aid.db.locking.in_chunks`); what
    ``selectinload`` would load, refreshed as it would."""
    query = (
        select(PlanAllocation)
        .where(PlanAllocation.plan_id == plan.id)
        .order_by(PlanAllocation.id)
        .execution_options(populate_existing=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        loaded = await in_chunks(session, query)
    else:
        loaded = list(await session.scalars(query))
    set_committed_value(plan, "allocations", loaded)


async def inputs(session: AsyncSession, plan_id: int) -> dict[str, Any]:
    """The frozen inputs the solver saw."""
    found = await session.scalar(select(DispatchPlan.inputs).where(DispatchPlan.id == plan_id))
    if found is None:
        raise NotFound(f"plan {plan_id} does not exist", code="unknown-plan")
    return dict(found)


async def list_plans(
    session: AsyncSession,
    *,
    status: PlanStatus | None,
    limit: int,
    offset: int,
    incident_id: int | None = None,
) -> tuple[list[DispatchPlan], int]:
    query = select(DispatchPlan)
    if incident_id is not None:
        query = query.where(DispatchPlan.incident_id == incident_id)
    if status:
        query = query.where(DispatchPlan.status == status)
    query = query.options(selectinload(DispatchPlan.allocations))
    return await fetch_page(session, query, DispatchPlan.id.desc(), limit=limit, offset=offset)


async def geojson(session: AsyncSession, plan: DispatchPlan) -> dict[str, Any]:
    """Depot → delivery lines, one feature per allocation, its named row as properties."""
    named = await rows.for_plan(session, plan.id)
    depot_ids = {a.depot_id for a in named}
    depots = {d.id: d for d in await session.scalars(select(Depot).where(Depot.id.in_(depot_ids)))}
    features = [
        {
            "type": "Feature",
            "id": a.id,
            "geometry": {
                "type": "LineString",
                "coordinates": [
                    [depots[a.depot_id].lon, depots[a.depot_id].lat],
                    [a.delivery.lon, a.delivery.lat],
                ],
            },
            "properties": a.model_dump(mode="json") | {"delivery_name": a.delivery.name},
        }
        for a in named
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"plan_id": plan.id, "status": plan.status.value},
    }
