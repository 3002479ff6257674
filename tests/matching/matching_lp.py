"""Independent LP references (scipy linprog / HiGHS) for the matching property tests.

Distances come from the travel model and ways from the land model (`ukg_aid.routing`), which have
their own tests; who may give, lateness and every optimum are worked out here, apart from the
solver."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import linprog

from ukg_aid.geo import Point
from ukg_aid.matching import EstimateTravel, Priority, Problem, RequestLine, Supply
from ukg_aid.routing import land_model, open_ways

TRAVEL = EstimateTravel()


def donors(problem: Problem, item: str) -> list[Supply]:
    o = problem.options
    return [
        s
        for s in problem.supplies
        if s.item_code == item
        and s.operational
        and s.available > 0
        and (o.include_stricken_suppliers or s.member_code not in problem.stricken)
    ]


def _pairs(
    problem: Problem, item: str
) -> tuple[list[Supply], list[RequestLine], list[tuple[int, int]]]:
    ds = donors(problem, item)
    ls = [ln for ln in problem.lines if ln.item_code == item]
    way = open_ways(
        land_model(),
        problem.closures,
        np.array([(d.lat, d.lon) for d in ds]).reshape(-1, 2),
        np.array([(ln.lat, ln.lon) for ln in ls]).reshape(-1, 2),
    )
    pairs = [
        (i, j)
        for i, d in enumerate(ds)
        for j, ln in enumerate(ls)
        if d.member_code != ln.member_code and way[i, j]
    ]
    return ds, ls, pairs


def km(d: Supply, ln: RequestLine) -> float:
    return TRAVEL.distances_km([Point(d.lat, d.lon)], [Point(ln.lat, ln.lon)])[0][0]


def weighted_km(problem: Problem, d: Supply, ln: RequestLine) -> float:
    o = problem.options
    factor = o.counterpart_factor if (d.member_code, ln.member_code) in o.counterparts else 1
    return km(d, ln) * factor


RANK_INDEX = {"critical": 0, "high": 1, "normal": 2}


def is_late(problem: Problem, d: Supply, ln: RequestLine) -> bool:
    """The supplier's truck wait for the line's priority, loading, then the drive at truck
    speed, past the line's deadline (SPEC §3 rule 4 with trucks, issue 13)."""
    if ln.needed_by_minutes is None:
        return False
    waits = problem.truck_waits.minutes.get(d.member_code, (0.0, 0.0, 0.0))
    wait = waits[RANK_INDEX[ln.priority.value]]
    eta = wait + TRAVEL.loading_minutes + km(d, ln) / TRAVEL.truck_kmh * 60.0
    return eta > ln.needed_by_minutes


Row = tuple[dict[int, float], str, float]


def _solve(c: list[float], rows: list[Row], n: int) -> np.ndarray:
    """rows: (coefficients by variable, '<=' or '==', rhs); variables >= 0."""
    a_ub: list[np.ndarray] = []
    a_eq: list[np.ndarray] = []
    b_ub: list[float] = []
    b_eq: list[float] = []
    for coef, sense, rhs in rows:
        row = np.zeros(n)
        for k, v in coef.items():
            row[k] += v
        (a_ub if sense == "<=" else a_eq).append(row)
        (b_ub if sense == "<=" else b_eq).append(rhs)
    res = linprog(
        c,
        A_ub=np.array(a_ub) if a_ub else None,
        b_ub=b_ub or None,
        A_eq=np.array(a_eq) if a_eq else None,
        b_eq=b_eq or None,
        method="highs",
    )
    assert res.status == 0, res.message
    return np.asarray(res.x)


def _transport(
    problem: Problem, item: str, fills: dict[int, int]
) -> tuple[list[Supply], list[RequestLine], list[tuple[int, int]], list[Row]]:
    """The pairs and the rows 'each donor gives at most its stock, each line gets its fill'."""
    ds, ls, pairs = _pairs(problem, item)
    rows: list[Row] = []
    for i, d in enumerate(ds):
        rows.append(({k: 1.0 for k, p in enumerate(pairs) if p[0] == i}, "<=", d.available))
    for j, ln in enumerate(ls):
        rows.append(({k: 1.0 for k, p in enumerate(pairs) if p[1] == j}, "==", fills[ln.line_id]))
    return ds, ls, pairs, rows


def min_late(problem: Problem, item: str, fills: dict[int, int]) -> float:
    """Fewest late units that give every line of `item` exactly `fills[line_id]`."""
    ds, ls, pairs, rows = _transport(problem, item, fills)
    if not pairs:
        return 0.0
    late = [float(is_late(problem, ds[i], ls[j])) for i, j in pairs]
    return float(np.dot(late, _solve(late, rows, len(pairs))))


def min_haul(
    problem: Problem, item: str, fills: dict[int, int], late_units: float | None = None
) -> float:
    """Least weighted haul that gives every line of `item` exactly `fills[line_id]`, with at most
    `late_units` late units if given."""
    ds, ls, pairs, rows = _transport(problem, item, fills)
    if not pairs:
        return 0.0
    if late_units is not None:
        late = {k: 1.0 for k, (i, j) in enumerate(pairs) if is_late(problem, ds[i], ls[j])}
        rows.append((late, "<=", round(late_units) + 1e-6))  # an integral optimum (TU rows)
    cost = [weighted_km(problem, ds[i], ls[j]) for i, j in pairs]
    x = _solve(cost, rows, len(pairs))
    return float(np.dot(cost, x))


def class_optima(problem: Problem, item: str) -> dict[Priority, tuple[float, float]]:
    """Per class, in priority order: (LP max total, LP max-min fill ratio), classes above at
    their LP max totals."""
    ds, ls, pairs = _pairs(problem, item)
    n = len(pairs) + 1  # last variable: the common ratio t
    base: list[tuple[dict[int, float], str, float]] = []
    for i, d in enumerate(ds):
        base.append(({k: 1.0 for k, p in enumerate(pairs) if p[0] == i}, "<=", d.available))
    for j, ln in enumerate(ls):
        base.append(({k: 1.0 for k, p in enumerate(pairs) if p[1] == j}, "<=", ln.quantity))
    base.append(({n - 1: 1.0}, "<=", 1.0))

    def into(pred: Callable[[RequestLine], bool]) -> dict[int, float]:
        return {k: 1.0 for k, p in enumerate(pairs) if pred(ls[p[1]])}

    def line_is(j: int) -> Callable[[RequestLine], bool]:
        return lambda ln: ln is ls[j]

    def ranks_below(pr: Priority) -> Callable[[RequestLine], bool]:
        return lambda ln: ln.priority.rank > pr.rank

    def of_class(pr: Priority) -> Callable[[RequestLine], bool]:
        return lambda ln: ln.priority == pr

    result: dict[Priority, tuple[float, float]] = {}
    for pr in Priority:
        if not any(ln.priority == pr for ln in ls):
            continue
        fair = [
            ({**into(line_is(j)), n - 1: -ln.quantity}, "<=", 0.0)
            for j, ln in enumerate(ls)
            if ln.priority == pr
        ]
        fair = [({k: -v for k, v in coef.items()}, s, r) for coef, s, r in fair]
        later = [(into(ranks_below(pr)), "<=", 0.0)]
        t = _solve([0.0] * (n - 1) + [-1.0], base + fair + later, n)[-1]
        mine = into(of_class(pr))
        x = _solve([-v for v in _dense(mine, n)], base + later, n)
        total = float(sum(x[k] for k in mine))
        base.append((mine, "==", total))
        result[pr] = (total, float(t))
    return result


def _dense(coef: dict[int, float], n: int) -> list[float]:
    row = [0.0] * n
    for k, v in coef.items():
        row[k] = v
    return row
