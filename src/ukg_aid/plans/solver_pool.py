"""Plans are solved and validated in a separate process, so the API's event loop keeps answering.

A solve is seconds of Python and numpy holding the GIL; in a worker thread it still stalls every
other request of the process (`/healthz` waited up to ~0.5 s during a Nankai plan, issue 11). One
process pool per API process (``UKG_AID_SOLVER_PROCESSES`` workers; 0 = a thread, as before),
started with the app (:func:`start`), takes the problem (plain data) and hands back the result
and any rule violations. Workers start from a fresh interpreter (``forkserver``: nothing of the
API's threads or sockets is inherited) and import only the matching core. A worker that dies
fails that one call with 503 and the pool is replaced.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from typing import Any, NamedTuple

import anyio

from ukg_aid import matching, truckplan
from ukg_aid.errors import ServiceUnavailable

log = logging.getLogger("ukg_aid.plans")


@dataclass(frozen=True, slots=True)
class Travel:
    """What builds the travel model in the worker (an OSRM client does not cross processes)."""

    osrm_url: str | None
    road_circuity: float
    truck_kmh: float
    loading_minutes: float

    def model(self) -> matching.TravelModel:
        if self.osrm_url:
            return matching.OsrmTravel(
                self.osrm_url, truck_kmh=self.truck_kmh, loading_minutes=self.loading_minutes
            )
        return matching.EstimateTravel(self.road_circuity, self.truck_kmh, self.loading_minutes)


_SUPPLY = tuple(f.name for f in fields(matching.Supply))
_LINE = tuple(f.name for f in fields(matching.RequestLine))


def _rows(items: Iterable[Any], names: tuple[str, ...]) -> list[tuple[Any, ...]]:
    get = attrgetter(*names)
    return [get(item) for item in items]


@dataclass(frozen=True, slots=True)
class Job:
    """``fleet``: the suppliers' truck pools at the plan's time (``None``: plan without them, as
    before issue 13's truck-aware planning); ``rounds``: at most that many solves of
    ``truckplan.plan_with_trucks`` (the baseline is solved once, then projected)."""

    problem: matching.Problem
    travel: Travel
    time_limit_s: float
    optimized: bool
    fleet: truckplan.Fleet | None = None
    rounds: int = 1

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as rows of plain values: a frozen dataclass pickles field by field in
        Python, and a national problem's 80,000 supplies and lines took seconds of the API
        process's GIL that way (``bench/loop_lag.py``)."""
        p = self.problem
        rows = (_rows(p.supplies, _SUPPLY), _rows(p.lines, _LINE))
        rest = (p.stricken, p.options, p.closures, p.guests, p.truck_waits)
        how = (self.travel, self.time_limit_s, self.optimized, self.fleet, self.rounds)
        return (_job, (*rows, *rest, *how))


def _job(
    supplies: list[tuple[Any, ...]],
    lines: list[tuple[Any, ...]],
    stricken: frozenset[str],
    options: matching.Options,
    closures: matching.Closures,
    guests: frozenset[str],
    truck_waits: matching.TruckWaits,
    *settings: Any,
) -> Job:
    problem = matching.Problem(
        supplies=tuple(matching.Supply(*row) for row in supplies),
        lines=tuple(matching.RequestLine(*row) for row in lines),
        stricken=stricken,
        options=options,
        closures=closures,
        guests=guests,
        truck_waits=truck_waits,
    )
    return Job(problem, *settings)


class AllocationRow(NamedTuple):
    """A :class:`matching.Allocation` as it comes back from the solver process."""

    line_id: int
    request_id: int
    item_code: str
    depot_id: int
    supplier_code: str
    quantity: int
    distance_km: float
    eta_minutes: float
    reason: str
    late: bool
    truck_wait_minutes: float


class UnmetRow(NamedTuple):
    """A :class:`matching.Unmet` as it comes back from the solver process."""

    line_id: int
    request_id: int
    item_code: str
    quantity: int
    cause: str


@dataclass(frozen=True, slots=True)
class Solved:
    """A :class:`matching.PlanResult` with its rows as named tuples, which pickle and unpickle
    at C speed (a frozen dataclass per row runs Python for every field, on the API process)."""

    status: matching.SolveStatus
    allocations: tuple[AllocationRow, ...]
    unmet: tuple[UnmetRow, ...]
    objective: matching.Objective
    wall_ms: float
    truck_waits: matching.TruckWaits = field(default_factory=matching.TruckWaits)
    late_by_round: tuple[int, ...] = ()

    @classmethod
    def of(
        cls,
        result: matching.PlanResult,
        truck_waits: matching.TruckWaits | None = None,
        late_by_round: tuple[int, ...] = (),
    ) -> Solved:
        return cls(
            status=result.status,
            allocations=tuple(map(AllocationRow._make, _rows(result.allocations, _ALLOCATION))),
            unmet=tuple(map(UnmetRow._make, _rows(result.unmet, _UNMET))),
            objective=result.objective,
            wall_ms=result.wall_ms,
            truck_waits=truck_waits or matching.TruckWaits(),
            late_by_round=late_by_round,
        )


_ALLOCATION, _UNMET = AllocationRow._fields, UnmetRow._fields


def run(job: Job) -> tuple[Solved, list[Any]]:
    """Solve and validate (in the worker): the result and the rules it breaks (none, normally).
    With a fleet, the plan is ``truckplan.plan_with_trucks``'s: the kept solve is validated
    against the problem it was solved for (its truck waits), and its projected ETAs come back."""
    matching.load_engine()  # a worker's (or thread's) first plan imports POT outside its budget
    started = time.perf_counter()
    travel = job.travel.model()
    how = matching.SolverSettings(travel=travel, time_limit_s=job.time_limit_s)

    def solver(problem: matching.Problem) -> matching.PlanResult:
        if job.optimized:
            return matching.solve(problem, how)
        return matching.solve_greedy(problem, travel)

    rounds: tuple[int, ...] = ()
    try:
        if job.fleet is None:
            problem, result = job.problem, solver(job.problem)
            projected = result
        else:
            rounds_cap = job.rounds if job.optimized else 1
            plan = truckplan.plan_with_trucks(
                job.problem, solver, job.fleet, rounds_cap, budget_s=job.time_limit_s
            )
            problem, result, projected = plan.problem, plan.solved, plan.projected
            rounds = plan.late_by_round
        violations = matching.validate(
            problem, result, travel, check_priority=job.optimized, check_fairness=job.optimized
        )
    finally:
        if isinstance(travel, matching.OsrmTravel):
            travel.close()  # one client per plan: never leave its sockets open
    wall_ms = (time.perf_counter() - started) * 1000.0
    solved = Solved.of(replace(projected, wall_ms=wall_ms), problem.truck_waits, rounds)
    return solved, list(violations)


_lock = threading.Lock()
_pools: dict[int, ProcessPoolExecutor] = {}


def _pool(processes: int) -> ProcessPoolExecutor:
    with _lock:
        pool = _pools.get(processes)
        if pool is None:
            context = multiprocessing.get_context("forkserver")
            pool = ProcessPoolExecutor(max_workers=processes, mp_context=context)
            _pools[processes] = pool
        return pool


def _ready() -> None:
    """Make a worker import the matching core and its solver library (seconds) before a plan."""
    matching.load_engine()


def start(processes: int) -> None:
    """Start the pool and its workers' imports now (the app's start-up), not on the first plan,
    whose solve time limit must not pay for them."""
    if processes > 0:
        pool = _pool(processes)
        for _ in range(processes):
            pool.submit(_ready)


def _forget(processes: int, pool: ProcessPoolExecutor) -> None:
    with _lock:
        if _pools.get(processes) is pool:
            del _pools[processes]
    pool.shutdown(wait=False, cancel_futures=True)


async def solve(job: Job, processes: int) -> tuple[Solved, list[Any]]:
    """:func:`run` in the process pool (or a thread when ``processes`` is 0)."""
    if processes == 0:
        return await anyio.to_thread.run_sync(run, job)
    pool = _pool(processes)
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, run, job)
    except BrokenProcessPool as exc:
        log.error("a solver process died; starting a new pool")
        _forget(processes, pool)
        raise ServiceUnavailable("the solver process died; try again", code="solver") from exc


def shutdown() -> None:
    """Stop every pool (at process exit; also for tests)."""
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)
