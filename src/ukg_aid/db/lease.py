"""The pooled connection a read's wire statements run on, with no SQLAlchemy connection around it.

A GET on PostgreSQL reads in autocommit (:meth:`ukg_aid.db.session.Database.reading`). Most of
the busiest GETs send only wire statements (:mod:`ukg_aid.db.wire`: the token lookup, the depot
read, the stock page), and for them a SQLAlchemy ``AsyncConnection`` — its start, its isolation
option, its close and the pool's reset — cost 100–120 µs per request in process, against 17 µs
for taking the driver's connection from the same pool and giving it back (issue 11,
docs/benchmarks.md). So a reading session carries a :class:`ReadLease` instead:

* **Checked out at the first wire statement**, through the engine's pool (its size, time-out and
  idle ping apply as to any checkout), and **returned when the session closes**.
* **Never two at once**: when the session begins a transaction of its own (the ORM's first
  statement, ``session.connection()``), the lease goes back to the pool first (the
  ``after_transaction_create`` hook below), and later wire statements use the session's
  connection. Reads in autocommit lose nothing by changing connection: each statement has its
  own snapshot anyway.
* **No transaction on it**: statements go straight to the driver, outside any BEGIN, so the
  server runs each in autocommit; the pool's reset on return has nothing to roll back.
* **A broken connection** is invalidated (the pool replaces it), as the wire does for the
  session's own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

READ_LEASE = "ukg_aid_read_lease"
"""``Session.info`` key of a reading session's :class:`ReadLease`."""


class ReadLease:
    """At most one pooled connection, taken when first needed, for a reading session."""

    __slots__ = ("_engine", "_fairy")

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._fairy: PoolProxiedConnection | None = None

    @property
    def dialect(self) -> Any:
        return self._engine.dialect

    async def connection(self) -> PoolProxiedConnection:
        """The leased connection, checked out now if none is held."""
        if self._fairy is None:
            self._fairy = await self._engine.raw_connection()
        return self._fairy

    def give_back(self) -> None:
        """Return the connection to the pool (in a greenlet: a reset may talk to the driver)."""
        fairy, self._fairy = self._fairy, None
        if fairy is not None:
            fairy.close()

    async def close(self) -> None:
        if self._fairy is not None:
            await greenlet_spawn(self.give_back)

    async def invalidate(self) -> None:
        """The connection broke: the pool closes it and opens a fresh one when next asked."""
        fairy, self._fairy = self._fairy, None
        if fairy is not None:
            await greenlet_spawn(fairy.invalidate)


@event.listens_for(Session, "after_transaction_create")
def _give_back_before_the_session_connects(session: Session, _tx: SessionTransaction) -> None:
    """The session is about to take a connection of its own: hand the lease's back first, so a
    request never holds two (20 requests each holding one and waiting for a second would
    exhaust a pool of 20). Runs in the session's greenlet, where the pool may talk to the
    driver."""
    lease = session.info.get(READ_LEASE)
    if isinstance(lease, ReadLease):
        lease.give_back()
