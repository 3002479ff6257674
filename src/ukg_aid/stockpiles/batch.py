"""Stock changes of a whole plan at once: the rules and ledger rows of
:func:`ukg_aid.stockpiles.service.apply_change`, in a constant number of statements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import offload
from ukg_aid.db import bulk
from ukg_aid.stockpiles import service
from ukg_aid.stockpiles.models import Stock, StockLedger


@dataclass(frozen=True, slots=True)
class RowChange:
    """One change of :func:`apply_changes`: the row's key, the change, the ledger's ``ref``."""

    key: tuple[int, str]
    change: service.Change
    ref: str | None = None


async def apply_changes(
    session: AsyncSession,
    stock: Mapping[tuple[int, str], Stock],
    changes: Sequence[RowChange],
    *,
    reason: str,
    actor: str,
    at: datetime,
) -> None:
    """``apply_change`` for many locked rows (``stock`` by (depot_id, item_code)), in the given
    order and with the same rules and ledger rows, each change checked against the counts the
    ones before it left; raises before anything is written. Two statements, whatever the number
    of changes (:mod:`ukg_aid.db.bulk`)."""
    counts, times, ledger = await offload.run(
        len(changes), _ledger, stock, changes, at, {"reason": reason, "actor": actor}
    )
    changed = list(dict.fromkeys(step.key for step in changes))
    rows = [_row(stock[k], counts[k], times[k]) for k in changed]
    await bulk.update_rows(session, Stock, "id", rows)
    await bulk.insert_rows(session, StockLedger, ledger)
    await bulk.keep_committed([stock[k] for k in changed], rows)


Counted = tuple[
    dict[tuple[int, str], service.Counts], dict[tuple[int, str], datetime], list[dict[str, Any]]
]


def _ledger(
    stock: Mapping[tuple[int, str], Stock],
    changes: Sequence[RowChange],
    at: datetime,
    why: dict[str, str],
) -> Counted:
    """Each change checked against the counts the ones before it left (raises at the first
    that breaks a rule): the rows' new counts and times, and one ledger row per change."""
    counts = {k: service.Counts(s.on_hand, s.reserved, s.reserve_floor) for k, s in stock.items()}
    times = {k: s.updated_at for k, s in stock.items()}
    ledger = []
    for step in changes:
        row, before = stock[step.key], counts[step.key]
        times[step.key] = service.timeline(row, at, times[step.key])
        after = service.Counts(
            before.on_hand + step.change.on_hand,
            before.reserved + step.change.reserved,
            before.reserve_floor + step.change.reserve_floor,
        )
        service.check_counts(row, before, after)
        counts[step.key] = after
        entry = service.ledger_row(row, step.change, after, times[step.key])
        ledger.append(entry | why | {"ref": step.ref})
    return counts, times, ledger


def _row(stock: Stock, counts: service.Counts, at: datetime) -> dict[str, Any]:
    return {
        "id": stock.id,
        "on_hand": counts.on_hand,
        "reserved": counts.reserved,
        "reserve_floor": counts.reserve_floor,
        "updated_at": at,
    }
