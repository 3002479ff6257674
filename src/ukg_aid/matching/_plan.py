"""Shared plumbing of the solvers: input checks, per-item data (eligibility, distances, lateness).

Items are independent under every rule, so the solvers work item by item on an `ItemData`, built
one at a time so that only one item's donor × line matrices are held at once.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ukg_aid.geo import Point
from ukg_aid.matching.eligibility import ItemEligibility, item_eligibility
from ukg_aid.matching.problem import Problem, RequestLine, Supply
from ukg_aid.matching.travel import EstimateTravel, TravelModel
from ukg_aid.routing import land_model

# One planned shipment: (line index, donor index, quantity) within an ItemData.
Flow = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class ItemData:
    """One item's side of the problem.

    `stock`: every stock row of the item; `rules`: who may supply whom
    (`eligibility.item_eligibility`); `lines`: the item's lines in priority then filing order;
    `distance` (donors × lines, real km), `cost` (km × counterpart factor), `eligible`
    (`rules.pairs()`: donor may serve line), `late` (donors × lines: the ETA is past the line's
    deadline; None when no line of the item has one) and each donor's and line's land
    (`routing.Side` values, for the crossings a reason names).
    """

    item_code: str
    stock: tuple[Supply, ...]
    rules: ItemEligibility
    lines: tuple[RequestLine, ...]
    distance: Any
    cost: Any
    eligible: Any
    late: Any
    donor_side: Any
    line_side: Any

    @property
    def donors(self) -> tuple[Supply, ...]:
        return self.rules.donors


def check_problem(problem: Problem) -> None:
    """Reject malformed input early: duplicate ids and non-positive or negative quantities."""
    line_ids = [ln.line_id for ln in problem.lines]
    if len(set(line_ids)) != len(line_ids):
        raise ValueError("request line ids must be unique")
    keys = [(s.depot_id, s.item_code) for s in problem.supplies]
    if len(set(keys)) != len(keys):
        raise ValueError("at most one supply row per depot and item")
    if any(ln.quantity <= 0 for ln in problem.lines):
        raise ValueError("request line quantities must be positive")
    if any(min(s.on_hand, s.reserved, s.reserve_floor) < 0 for s in problem.supplies):
        raise ValueError("stock quantities must not be negative")
    deadlines = [ln.needed_by_minutes for ln in problem.lines if ln.needed_by_minutes is not None]
    if not all(math.isfinite(m) for m in deadlines):
        raise ValueError("needed_by_minutes must be a finite number of minutes")
    problem.closures.check(land_model())


def filing_order(line: RequestLine) -> tuple[int, int, int]:
    return (line.priority.rank, line.request_id, line.line_id)


def items(problem: Problem, travel: TravelModel) -> Iterator[ItemData]:
    """Each requested item's data, in item-code order, built lazily."""
    lines_by_item: dict[str, list[RequestLine]] = defaultdict(list)
    for ln in problem.lines:
        lines_by_item[ln.item_code].append(ln)
    stock_by_item: dict[str, list[Supply]] = defaultdict(list)
    for s in problem.supplies:
        stock_by_item[s.item_code].append(s)
    for code in sorted(lines_by_item):
        lines = sorted(lines_by_item[code], key=filing_order)
        yield item_data(problem, travel, code, stock_by_item[code], lines)


def item_data(
    problem: Problem,
    travel: TravelModel,
    code: str,
    supplies: Sequence[Supply],
    lines: Sequence[RequestLine],
) -> ItemData:
    rules = item_eligibility(problem, supplies, lines)
    distance = _distance_matrix(travel, rules.donors, lines)
    cost = distance * rules.pair_factors() if (rules.factor != 1.0).any() else distance
    land = land_model()
    return ItemData(
        code,
        tuple(supplies),
        rules,
        tuple(lines),
        distance,
        cost,
        rules.pairs(),
        late=_late(travel, distance, truck_waits(problem, rules.donors, lines), lines),
        donor_side=land.sides_of([d.lat for d in rules.donors], [d.lon for d in rules.donors]),
        line_side=land.sides_of([ln.lat for ln in lines], [ln.lon for ln in lines]),
    )


def deadline(line: RequestLine) -> float:
    """The line's deadline in minutes after the plan's time; infinity without one."""
    return math.inf if line.needed_by_minutes is None else line.needed_by_minutes


def truck_waits(problem: Problem, donors: Sequence[Supply], lines: Sequence[RequestLine]) -> Any:
    """donors × lines: minutes until the donor's trucks take a load of the line's priority
    (`Problem.truck_waits`); None when no supplier waits."""
    waits = problem.truck_waits
    if waits.is_empty or not donors or not lines:
        return None
    by_rank = np.array([waits.minutes.get(d.member_code, (0.0,) * 3) for d in donors], float)
    return by_rank[:, [ln.priority.rank for ln in lines]]


def _late(travel: TravelModel, distance: Any, waits: Any, lines: Sequence[RequestLine]) -> Any:
    """donors × lines: is the ETA (truck wait + loading + drive) past the line's deadline? None
    if no line has a deadline."""
    due = np.array([deadline(ln) for ln in lines], dtype=float)
    if not np.isfinite(due).any() or not distance.size:
        return None
    eta = np.asarray(travel.eta_minutes(distance))
    if waits is not None:
        eta = eta + waits
    return eta > due[None, :]


def _distance_matrix(
    travel: TravelModel, donors: Sequence[Supply], lines: Sequence[RequestLine]
) -> Any:
    """Real km, donors × lines; asks the travel model once per distinct delivery point."""
    if not donors or not lines:
        return np.zeros((len(donors), len(lines)))
    coords = np.array([(ln.lat, ln.lon) for ln in lines], dtype=float)
    points, column = np.unique(coords, axis=0, return_inverse=True)
    origins = [Point(d.lat, d.lon) for d in donors]
    destinations = [Point(float(lat), float(lon)) for lat, lon in points]
    if isinstance(travel, EstimateTravel):
        table = travel.matrix(origins, destinations)
    else:
        table = np.asarray(travel.distances_km(origins, destinations), dtype=float)
    return table[:, column.ravel()]
