"""Who may supply whom (SPEC §3 rule 1, §11, and rule 5's counterpart pairs): the one home of the
rule.

Every stage asks here: the fill stages (grouped network), the haul (depot × line network), the
greedy baseline, plan assembly (reasons and unmet causes) and `validate()`.

A stock row may give if its member is not a guest (guests only receive, SPEC §10), its depot is
operational, it has available stock, and its member is not
stricken (unless `Options.include_stricken_suppliers` lifts that). It may give to a line of any
member but its own, if a way is left between the depot and the delivery point
(`routing.open_ways`: no closed crossing or area cuts it; without closures every pair has one).
The member tests are per member and the way test per pair; the fill stages group depots that can
serve exactly the same lines, which loses nothing (see `_fills`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ukg_aid.matching.problem import Options, Problem, RequestLine, Supply
from ukg_aid.routing import land_model, open_ways


def stricken_barred(problem: Problem, member_code: str) -> bool:
    """A member with an open aid request keeps its stock for its own residents, unless lifted."""
    return member_code in problem.stricken and not problem.options.include_stricken_suppliers


def supply_barrier(problem: Problem, supply: Supply) -> str | None:
    """Why this stock row may not give at all (as an unmet cause), or None if it may give."""
    if supply.member_code in problem.guests:
        return "guest"  # counted as no stock of another member in unmet causes
    if not supply.operational:
        return "depots_not_operational"
    if supply.available <= 0:
        return "reserve_floor" if supply.on_hand - supply.reserved > 0 else "no_stock"
    if stricken_barred(problem, supply.member_code):
        return "all_suppliers_stricken"
    return None


def may_supply(problem: Problem, supply: Supply) -> bool:
    return supply_barrier(problem, supply) is None


def may_serve(supplier_code: str, requester_code: str) -> bool:
    """A member never supplies its own request."""
    return supplier_code != requester_code


def ways_open(problem: Problem, supplies: Sequence[Supply], lines: Sequence[RequestLine]) -> Any:
    """supplies × lines: is a way left from the depot to the delivery point under the closures?"""
    return open_ways(
        land_model(),
        problem.closures,
        np.array([(s.lat, s.lon) for s in supplies], dtype=float).reshape(-1, 2),
        np.array([(ln.lat, ln.lon) for ln in lines], dtype=float).reshape(-1, 2),
    )


def is_counterpart(options: Options, supplier_code: str, requester_code: str) -> bool:
    return (supplier_code, requester_code) in options.counterparts


def haul_factor(options: Options, supplier_code: str, requester_code: str) -> float:
    """A counterpart's km count × `counterpart_factor` in the objective (rule 5)."""
    if is_counterpart(options, supplier_code, requester_code):
        return options.counterpart_factor
    return 1.0


@dataclass(frozen=True, slots=True)
class ItemEligibility:
    """One item's answer, computed once: `barriers` (`supply_barrier` of each of the item's stock
    rows, in the order given), `donors` (the rows that may give), `members` (codes of donors and
    requesters), each donor's and line's index into `members`, member × member tables of
    `may_serve` and `haul_factor`, and `open` (donors × lines: a way is left between them)."""

    barriers: tuple[str | None, ...]
    donors: tuple[Supply, ...]
    members: tuple[str, ...]
    donor_member: Any
    line_member: Any
    serves: Any
    factor: Any
    open: Any

    def member_pairs(self) -> Any:
        """donors × lines: may this donor's member serve this line's member."""
        return self.serves[np.ix_(self.donor_member, self.line_member)]

    def pairs(self) -> Any:
        """donors × lines: may this donor serve this line (member rule and a way left)."""
        return self.member_pairs() & self.open

    def cut_off(self) -> Any:
        """donors × lines: the member rule allows it, but no way is left (cause `unreachable`)."""
        return self.member_pairs() & ~self.open

    def pair_factors(self) -> Any:
        """donors × lines: the haul factor of each pair."""
        return self.factor[np.ix_(self.donor_member, self.line_member)]


def item_eligibility(
    problem: Problem, supplies: Sequence[Supply], lines: Sequence[RequestLine]
) -> ItemEligibility:
    """`supplies`: the item's stock rows (any); `lines`: the item's lines, in solver order."""
    barriers = tuple(supply_barrier(problem, s) for s in supplies)
    donors = tuple(s for s, barrier in zip(supplies, barriers, strict=True) if barrier is None)
    members = tuple(sorted({*(d.member_code for d in donors), *(ln.member_code for ln in lines)}))
    index = {code: k for k, code in enumerate(members)}
    serves = np.array([[may_serve(a, b) for b in members] for a in members], dtype=bool)
    factor = np.array(
        [[haul_factor(problem.options, a, b) for b in members] for a in members], dtype=float
    )
    return ItemEligibility(
        barriers=barriers,
        donors=donors,
        members=members,
        donor_member=np.array([index[d.member_code] for d in donors], dtype=np.int64),
        line_member=np.array([index[ln.member_code] for ln in lines], dtype=np.int64),
        serves=serves.reshape(len(members), len(members)),
        factor=factor.reshape(len(members), len(members)),
        open=ways_open(problem, donors, lines),
    )


def group_rows(matrix: Any) -> tuple[Any, Any]:
    """The distinct rows of a boolean matrix and, for each row, the index of its distinct row.

    Rows are compared as packed bytes (one sort of short byte strings), which is what keeps
    grouping donors × lines at national scale cheap."""
    matrix = np.asarray(matrix, dtype=bool)
    if matrix.shape[1] == 0:
        return matrix[:1], np.zeros(len(matrix), dtype=np.int64)
    packed = np.ascontiguousarray(np.packbits(matrix, axis=1))
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return matrix[first], inverse.ravel()
