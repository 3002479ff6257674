"""The batch plan over feasible options: exact on every level of ``objective.BatchKey``.

Every level but coverage is a sum over assignments, so one linear sum assignment (mixed-radix
costs) solves them exactly; that plan is final when coverage cannot be improved on it. Otherwise
a CP-SAT model, hinted with it, is solved in three stages, each fixing the previous one's optimum:

* stage 1 maximizes ``reds·K² + yellows·K + own`` with ``K = missions + 1`` (levels 1-3 exactly);
* stage 2 minimizes ``banded·(offices + 1) + uncovered`` (levels 4-5 exactly);
* stage 3 minimizes exact weighted tenths of a minute (level 6).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ukg_aid.air_kinds import Severity
from ukg_aid.dispatch_air.assignment import min_cost_partial_assignment
from ukg_aid.dispatch_air.model import Aircraft, Mission
from ukg_aid.dispatch_air.objective import band_cost, exact_cost
from ukg_aid.dispatch_air.sortie import Sortie

if TYPE_CHECKING:  # imported where a model is built: CP-SAT's module loads pandas (~1.7 s of
    from ortools.sat.python import cp_model  # start-up for every process that never plans)


def load_engine() -> None:
    """Import CP-SAT, whose module loads pandas (seconds): not at the top, so processes that never
    plan a batch do not pay for it at start-up; the API warms it in a thread once it serves
    (``app``), so the first batch of an incident does not wait for it either."""
    from ortools.sat.python import cp_model  # noqa: F401


@dataclass(frozen=True, slots=True)
class Option:
    """One feasible (aircraft, mission) pair: its sortie and whether it honours own-first."""

    plane: Aircraft
    mission: Mission
    sortie: Sortie
    own: bool

    @property
    def red(self) -> bool:
        return self.mission.severity is Severity.red

    @property
    def band(self) -> int:
        return band_cost(self.mission.severity, self.sortie.time_to_scene_min)

    @property
    def exact(self) -> int:
        return exact_cost(self.mission.severity, self.sortie.time_to_scene_min)

    def rank(self) -> tuple[bool, bool, int, int, int]:
        """Per-option version of the batch key: red, own, band, exact, then mission id."""
        return (not self.red, not self.own, self.band, self.exact, self.mission.id)


def prune(options: list[Option], n_aircraft: int) -> list[Option]:
    """Keep each aircraft's best ``n_aircraft`` options by ``Option.rank``; exact, not a heuristic.

    If an optimal plan flew aircraft a to a mission outside a's list, one of the missions in a's
    list is unserved (only ``n_aircraft - 1`` other aircraft exist); moving a there is no worse
    on every separable level, and coverage depends only on *which* aircraft fly.
    """
    per_plane: dict[int, list[Option]] = defaultdict(list)
    for option in options:
        per_plane[option.plane.id].append(option)
    return [o for group in per_plane.values() for o in sorted(group, key=Option.rank)[:n_aircraft]]


def _greedy(options: list[Option]) -> set[int]:
    """Indices of a quick valid plan (best-ranked options first), used as the solver's hint."""
    used_planes: set[int] = set()
    used_missions: set[int] = set()
    chosen: set[int] = set()
    for i in sorted(range(len(options)), key=lambda i: options[i].rank()):
        o = options[i]
        if o.plane.id not in used_planes and o.mission.id not in used_missions:
            chosen.add(i)
            used_planes.add(o.plane.id)
            used_missions.add(o.mission.id)
    return chosen


def _add_one_mission_per_aircraft(
    model: cp_model.CpModel, x: list[cp_model.IntVar], options: list[Option]
) -> dict[int, list[cp_model.IntVar]]:
    """An aircraft flies at most one mission; returns each aircraft's option variables."""
    by_plane: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for var, option in zip(x, options, strict=True):
        by_plane[option.plane.id].append(var)
    for group in by_plane.values():
        model.add_at_most_one(group)
    return by_plane


def _add_one_aircraft_per_mission(
    model: cp_model.CpModel, x: list[cp_model.IntVar], options: list[Option]
) -> None:
    """A mission gets at most one aircraft."""
    by_mission: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for var, option in zip(x, options, strict=True):
        by_mission[option.mission.id].append(var)
    for group in by_mission.values():
        model.add_at_most_one(group)


def _add_coverage(
    model: cp_model.CpModel,
    by_plane: Mapping[int, list[cp_model.IntVar]],
    cover: Mapping[str, frozenset[int]],
) -> cp_model.LinearExpr:
    """Number of offices with no remaining ready aircraft within 30 minutes (an expression).

    An office is covered if some aircraft in its cover set flies nothing in this batch.
    """
    from ortools.sat.python import cp_model

    always_uncovered = 0
    covered: list[cp_model.IntVar] = []
    for code, ids in cover.items():
        if not ids:
            always_uncovered += 1
            continue
        if any(i not in by_plane for i in ids):
            continue  # a covering aircraft has no option here, so it always stays free
        flag = model.new_bool_var(f"covered_{code}")
        flying = [v for i in sorted(ids) for v in by_plane[i]]
        # covered <= number of covering aircraft that fly nothing in this batch
        model.add(flag + cp_model.LinearExpr.sum(flying) <= len(ids))
        covered.append(flag)
    return cp_model.LinearExpr.weighted_sum(covered, [-1] * len(covered)) + (
        always_uncovered + len(covered)
    )


def _solve_stages(
    model: cp_model.CpModel,
    x: list[cp_model.IntVar],
    stages: Sequence[tuple[cp_model.LinearExpr, bool]],
    time_limit_s: float,
) -> tuple[list[bool], bool]:
    """Optimize each (expression, maximize) in turn, fixing each optimum before the next.

    Returns the chosen options and whether every stage was proven optimal. The hint (a valid
    plan) guarantees a solution; on a time limit the stage's best value becomes a bound.
    """
    from ortools.sat.python import cp_model

    deadline = time.perf_counter() + time_limit_s
    all_optimal = True
    chosen = [False] * len(x)
    for expr, maximize in stages:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, deadline - time.perf_counter())
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = 2  # the LP of an assignment is tight: use it
        if maximize:
            model.maximize(expr)
        else:
            model.minimize(expr)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return chosen, False
        all_optimal = all_optimal and status == cp_model.OPTIMAL
        value = int(solver.value(expr))
        model.add(expr >= value if maximize else expr <= value)
        chosen = [bool(solver.value(v)) for v in x]
        model.clear_hints()  # type: ignore[no-untyped-call]  # untyped in ortools
        for var, on in zip(x, chosen, strict=True):
            model.add_hint(var, on)
    return chosen, all_optimal


def _separable_optimum(options: list[Option]) -> list[int] | None:
    """Indices of the plan optimal on every level except coverage (levels 1-4 and 6).

    Those levels are sums over assignments, so one linear sum assignment solves them exactly
    with mixed-radix costs (each level's weight exceeds any total of the levels below it).
    ``None`` when the weights would overflow int64.
    """
    n_assign = min(len({o.plane.id for o in options}), len({o.mission.id for o in options}))
    w_band = n_assign * max(o.exact for o in options) + 1
    w_own = w_band * (n_assign * max(o.band for o in options) + 1)
    w_yellow = w_own * (n_assign + 1)
    w_red = w_yellow * (n_assign + 1)
    planes = {p: i for i, p in enumerate(sorted({o.plane.id for o in options}))}
    missions = {m: i for i, m in enumerate(sorted({o.mission.id for o in options}))}
    arcs = [
        (
            planes[o.plane.id],
            missions[o.mission.id],
            o.exact + w_band * o.band - w_own * o.own - (w_red if o.red else w_yellow),
        )
        for o in options
    ]
    return min_cost_partial_assignment(len(planes), len(missions), arcs)


def _uncovered(chosen: list[Option], cover: Mapping[str, frozenset[int]]) -> int:
    flying = {o.plane.id for o in chosen}
    return sum(not (ids - flying) for ids in cover.values())


def plan(
    options: list[Option], cover: Mapping[str, frozenset[int]], time_limit_s: float
) -> tuple[list[Option], bool]:
    """The best plan over ``options`` and whether it is proven optimal.

    The separable optimum (linear sum assignment) is returned as is when coverage cannot be
    improved on it: every office that anyone could cover is covered, or every aircraft with an
    option flies (levels 1-2 fix how many fly, so then every optimal plan flies the same set).
    Otherwise it seeds the CP-SAT stages as their hint.
    """
    if not options:
        return [], True
    separable = _separable_optimum(options)
    if separable is not None:
        chosen = [options[i] for i in separable]
        all_fly = len(chosen) == len({o.plane.id for o in options})
        if all_fly or _uncovered(chosen, cover) == sum(not ids for ids in cover.values()):
            return chosen, True
    return _cp_sat_plan(options, cover, time_limit_s, separable)


def _cp_sat_plan(
    options: list[Option],
    cover: Mapping[str, frozenset[int]],
    time_limit_s: float,
    hint: list[int] | None,
) -> tuple[list[Option], bool]:
    """The three-stage CP-SAT plan (module doc), hinted with a valid plan."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(len(options))]
    by_plane = _add_one_mission_per_aircraft(model, x, options)
    _add_one_aircraft_per_mission(model, x, options)
    uncovered = _add_coverage(model, by_plane, cover)
    k = len({o.mission.id for o in options}) + 1
    weighted_sum = cp_model.LinearExpr.weighted_sum
    served = weighted_sum(x, [(k * k if o.red else k) + int(o.own) for o in options])
    banded = weighted_sum(x, [o.band * (len(cover) + 1) for o in options])
    exact = weighted_sum(x, [o.exact for o in options])
    start = set(hint) if hint is not None else _greedy(options)
    for i, var in enumerate(x):
        model.add_hint(var, i in start)
    stages = [(served, True), (banded + uncovered, False), (exact, False)]
    chosen, optimal = _solve_stages(model, x, stages, time_limit_s)
    if not any(chosen) and start:
        return [options[i] for i in sorted(start)], False
    return [o for o, on in zip(options, chosen, strict=True) if on], optimal
