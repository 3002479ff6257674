"""The one way to lock rows before changing them (stock, plans, allocations, requests, the fleet).

* Mode: ``FOR NO KEY UPDATE`` (``with_for_update(key_share=True)``). A plain ``FOR UPDATE`` also
  conflicts with the ``FOR KEY SHARE`` lock PostgreSQL takes on a referenced row whenever a row
  pointing at it is inserted (the foreign-key check); we only lock rows to change non-key
  columns, so the weaker lock is the right one (issue 8's deadlock).
* Refresh: ``populate_existing`` so rows already in the session are overwritten with what was
  read under the lock; a caller never decides on a value it read before it held the lock.
* Order: keys are sorted and the rows are read in key order in one query (PostgreSQL locks rows
  as the ordered scan returns them), so every path takes one set of locks in one order. Across
  tables the order is the callers' (see ``plans.locks``).

SQLite ignores ``FOR ... UPDATE``; its transactions are serialised by the database lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

M = TypeVar("M")
Q = TypeVar("Q", bound=Select[Any])
K = TypeVar("K", bound="SupportsRichComparison")


def for_change(query: Q, *, of: Any = None) -> Q:
    """``query`` locking what it reads ``FOR NO KEY UPDATE`` and refreshing it (``of``: lock only
    that entity's rows when the query joins or eager-loads others)."""
    locked: Q = query.with_for_update(key_share=True, of=of).execution_options(
        populate_existing=True
    )
    return locked


async def lock_keys(
    session: AsyncSession,
    model: type[M],
    columns: Sequence[InstrumentedAttribute[Any]],
    keys: Iterable[K],
) -> list[M]:
    """The rows of ``model`` whose ``columns`` take one of ``keys`` (a value, or a tuple for a
    composite key), locked in key order; rows that do not exist are simply absent."""
    ordered = sorted(set(keys))
    if not ordered:
        return []
    key = columns[0] if len(columns) == 1 else tuple_(*columns)
    query = select(model).where(key.in_(ordered)).order_by(*columns)
    return list(await session.scalars(for_change(query)))
