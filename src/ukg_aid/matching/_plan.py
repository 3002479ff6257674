"""Shared plumbing of the solvers: per-item data (eligible donors, distances) and plan assembly.

Items are independent under every rule, so both solvers work item by item on an `ItemData`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ukg_aid.geo import Point
from ukg_aid.matching.problem import (
    Problem,
    RequestLine,
    Supply,
)
from ukg_aid.matching.travel import EstimateTravel, TravelModel

# One planned shipment: (line index, donor index, quantity) within an ItemData.
Flow = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class ItemData:
    """One item's side of the problem.

    `donors`: supplies allowed to give (operational, stock available, not stricken unless allowed);
    `lines`: the item's lines in priority then filing order; `distance` (donors × lines, real km),
    `cost` (km × counterpart factor) and `eligible` (donor may serve line: not its own member).
    """

    item_code: str
    donors: tuple[Supply, ...]
    lines: tuple[RequestLine, ...]
    distance: Any
    cost: Any
    eligible: Any


def default_travel(problem: Problem, travel: TravelModel | None) -> TravelModel:
    if travel is not None:
        return travel
    o = problem.options
    return EstimateTravel(o.circuity, o.truck_kmh, o.loading_minutes)


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


def may_supply(problem: Problem, supply: Supply) -> bool:
    """A depot gives only if operational, has available stock, and its member is not stricken."""
    if not supply.operational or supply.available <= 0:
        return False
    return problem.options.include_stricken_suppliers or supply.member_code not in problem.stricken


def prepare_items(problem: Problem, travel: TravelModel) -> list[ItemData]:
    lines_by_item: dict[str, list[RequestLine]] = defaultdict(list)
    for ln in problem.lines:
        lines_by_item[ln.item_code].append(ln)
    donors_by_item: dict[str, list[Supply]] = defaultdict(list)
    for s in problem.supplies:
        if may_supply(problem, s):
            donors_by_item[s.item_code].append(s)
    items = []
    for code in sorted(lines_by_item):
        lines = sorted(lines_by_item[code], key=filing_order)
        items.append(_item_data(problem, travel, code, tuple(donors_by_item[code]), lines))
    return items


def filing_order(line: RequestLine) -> tuple[int, int, int]:
    return (line.priority.rank, line.request_id, line.line_id)


def _item_data(
    problem: Problem,
    travel: TravelModel,
    code: str,
    donors: tuple[Supply, ...],
    lines: list[RequestLine],
) -> ItemData:
    distance = _distance_matrix(travel, donors, lines)
    codes = {
        c: k
        for k, c in enumerate({*(d.member_code for d in donors), *(ln.member_code for ln in lines)})
    }
    donor_members = np.array([codes[d.member_code] for d in donors], dtype=np.int64)
    line_members = np.array([codes[ln.member_code] for ln in lines], dtype=np.int64)
    eligible = donor_members[:, None] != line_members[None, :]
    factor = np.ones_like(distance)
    for supporter, stricken in problem.options.counterparts:
        if supporter in codes and stricken in codes:
            pair = (donor_members == codes[supporter])[:, None] & (line_members == codes[stricken])[
                None, :
            ]
            factor[pair] = problem.options.counterpart_factor
    return ItemData(code, donors, tuple(lines), distance, distance * factor, eligible)


def _distance_matrix(
    travel: TravelModel, donors: Sequence[Supply], lines: Sequence[RequestLine]
) -> Any:
    """Real km, donors × lines; asks the travel model once per distinct delivery point."""
    points = sorted({(ln.lat, ln.lon) for ln in lines})
    if not donors or not points:
        return np.zeros((len(donors), len(lines)))
    origins = [Point(d.lat, d.lon) for d in donors]
    destinations = [Point(lat, lon) for lat, lon in points]
    if isinstance(travel, EstimateTravel):
        table = travel.matrix(origins, destinations)
    else:
        table = np.asarray(travel.distances_km(origins, destinations), dtype=float)
    column = {p: k for k, p in enumerate(points)}
    return table[:, [column[(ln.lat, ln.lon)] for ln in lines]]
