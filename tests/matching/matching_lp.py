"""Independent LP references (scipy linprog / HiGHS) for the matching property tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import linprog

from ukg_aid.geo import haversine_km
from ukg_aid.matching import EstimateTravel, Priority, Problem, RequestLine, Supply


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
    pairs = [
        (i, j)
        for i, d in enumerate(ds)
        for j, ln in enumerate(ls)
        if d.member_code != ln.member_code
    ]
    return ds, ls, pairs


def weighted_km(problem: Problem, d: Supply, ln: RequestLine) -> float:
    o = problem.options
    km = haversine_km(d.lat, d.lon, ln.lat, ln.lon) * EstimateTravel().circuity
    return km * (o.counterpart_factor if (d.member_code, ln.member_code) in o.counterparts else 1)


def _solve(c: list[float], rows: list[tuple[dict[int, float], str, float]], n: int) -> np.ndarray:
    """rows: (coefficients by variable, '<=' or '==', rhs); variables >= 0."""
    a_ub, b_ub, a_eq, b_eq = [], [], [], []
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


def min_haul(problem: Problem, item: str, fills: dict[int, int]) -> float:
    """Least weighted haul that gives every line of `item` exactly `fills[line_id]`."""
    ds, ls, pairs = _pairs(problem, item)
    if not pairs:
        return 0.0
    rows: list[tuple[dict[int, float], str, float]] = []
    for i, d in enumerate(ds):
        rows.append(({k: 1.0 for k, p in enumerate(pairs) if p[0] == i}, "<=", d.available))
    for j, ln in enumerate(ls):
        rows.append(({k: 1.0 for k, p in enumerate(pairs) if p[1] == j}, "==", fills[ln.line_id]))
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

    result = {}
    for pr in Priority:
        if not any(ln.priority == pr for ln in ls):
            continue
        fair = [
            ({**into(lambda ln, j=j: ln is ls[j]), n - 1: -ln.quantity}, "<=", 0.0)
            for j, ln in enumerate(ls)
            if ln.priority == pr
        ]
        fair = [({k: -v for k, v in coef.items()}, s, r) for coef, s, r in fair]
        later = [(into(lambda ln, pr=pr: ln.priority.rank > pr.rank), "<=", 0.0)]
        t = _solve([0.0] * (n - 1) + [-1.0], base + fair + later, n)[-1]
        mine = into(lambda ln, pr=pr: ln.priority == pr)
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
