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

* Chunks: thousands of rows (a Nankai plan's allocations, stock rows and request lines) are read
  through a cursor, ``STREAM_ROWS`` at a time (:func:`locked`): building an ORM object costs
  tens of microseconds of Python, so one batch of thousands is a stall of the event loop that
  every other request of the process waits out (issue 11); between chunks the loop runs. Still
  one statement, locked in the same order; a round trip more per chunk.

SQLite ignores ``FOR ... UPDATE``; its transactions are serialised by the database lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ARRAY, ColumnElement, Row, Select, any_, bindparam, func, select, tuple_
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
    query = select(model).where(_among(session, columns, ordered)).order_by(*columns)
    return await locked(session, query, expected=len(ordered))


async def lock_rows(
    session: AsyncSession,
    columns: Sequence[InstrumentedAttribute[Any]],
    key: InstrumentedAttribute[Any],
    keys: Iterable[K],
) -> list[Row[Any]]:
    """``columns`` of the rows whose ``key`` is one of ``keys``, as plain rows (no ORM object
    each), locked as :func:`lock_keys` locks them (``FOR NO KEY UPDATE``, key order). For a
    caller that only reads a few columns of thousands of rows it then changes set-wise; the
    session's loaded objects of those rows are not refreshed (the caller keeps them in step)."""
    ordered = sorted(set(keys))
    if not ordered:
        return []
    query = select(*columns).where(_among(session, [key], ordered)).order_by(key)
    return list(await session.execute(for_change(query)))


STREAM_ROWS = 1000
"""Rows per chunk of :func:`locked`: about 30 ms of ORM work each on a quiet 2-core machine.
A fetch is a round trip that, under load, waits for the loop and the connection in turn: 300 a
chunk made a Nankai approve 93 round trips, 1,000 makes it 56 (4 fetches per 3,664 rows instead
of 13), with the loop's lag p99 under 30 ms at load 5 (docs/benchmarks.md, bench.loop_stalls)."""


async def locked(session: AsyncSession, query: Select[Any], *, expected: int | None) -> list[Any]:
    """``query``'s objects locked (:func:`for_change`), in chunks when there may be many
    (``expected``: how many at most, ``None`` if unknown). Chunks need a cursor, so a
    transaction: every locking path has one (SQLite: one batch)."""
    query = for_change(query)
    few = expected is not None and expected <= STREAM_ROWS
    if few or session.get_bind().dialect.name != "postgresql":
        return list(await session.scalars(query))
    return await in_chunks(session, query)


async def in_chunks(session: AsyncSession, query: Select[Any]) -> list[Any]:
    """``query``'s objects read ``STREAM_ROWS`` at a time through a cursor (PostgreSQL, in a
    transaction): the event loop runs between chunks."""
    result = await session.stream_scalars(query.execution_options(yield_per=STREAM_ROWS))
    found: list[Any] = []
    async for chunk in result.partitions():
        found.extend(chunk)
    return found


def _among(
    session: AsyncSession, columns: Sequence[InstrumentedAttribute[Any]], ordered: list[Any]
) -> ColumnElement[bool]:
    """``key IN (…)``. On PostgreSQL the keys travel as one array per column (``= ANY(:keys)``,
    or the composite key ``IN (SELECT unnest(:a, :b))``): the same SQL text and a single
    parameter per column whatever their number (thousands for a Nankai plan), rather than one
    bound parameter per key that is rendered, sent and planned each time."""
    if session.get_bind().dialect.name != "postgresql":
        key = columns[0] if len(columns) == 1 else tuple_(*columns)
        return key.in_(ordered)
    if len(columns) == 1:
        array = bindparam("lock_keys", ordered, type_=ARRAY(columns[0].type))
        return columns[0] == any_(array)
    arrays = [
        bindparam(f"lock_keys_{i}", [k[i] for k in ordered], type_=ARRAY(c.type))
        for i, c in enumerate(columns)
    ]
    names = [f"k{i}" for i in range(len(columns))]
    keys = func.unnest(*arrays).table_valued(*names).render_derived(name="lock_keys")
    return tuple_(*columns).in_(select(*(keys.c[n] for n in names)))
