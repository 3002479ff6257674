"""Hot statements straight on the driver's connection (issue 11).

The busiest routes (the token lookup every request pays, the depot read, the stock list, stock
adjustments, the audit row of every write) spent most of their CPU in SQLAlchemy's per-statement
work and in asyncpg as SQLAlchemy's adapter drives it through a greenlet. Here a statement is
still written in SQLAlchemy Core against the models, but compiled once per process to
PostgreSQL's text (``$1, $2 …``) and sent by asyncpg itself.

* **Which connection**: in a session that writes, the session's own — inside its transaction,
  so a statement shares the session's locks, commit and rollback with whatever the ORM does in
  the same request. SQLAlchemy's asyncpg adapter sends BEGIN lazily, with its first statement:
  :func:`connection` starts it (same isolation, same read-only flag) before the first statement
  sent here, so nothing runs outside the session's transaction. A reading session (the API's
  GETs, autocommit) sends on its lease (:mod:`ukg_aid.db.lease`) until the ORM has taken a
  connection, then on that one; there is no transaction to start.
* **Values**: parameters pass through their column type's bind processor, as SQLAlchemy would
  send them (JSON as text for the codec SQLAlchemy installs on each connection, an enum as its
  value); rows come back as asyncpg records (a mapping by column name; enum columns as their
  text, JSON decoded, no result processing).
* **Errors** are raised as SQLAlchemy raises them (``IntegrityError``, ``DataError``,
  ``DBAPIError`` carrying the SQLSTATE), so the problem handlers, the retry of a lost race and the
  503 of an outage treat them alike; a connection that broke or timed out is terminated and
  invalidated at once, as ``db.session`` does for the ORM's statements.
* **PgBouncer** (``db_pgbouncer``): asyncpg's statement cache is off on those connections
  (``PoolOptions.connect_args``), so it prepares unnamed statements; reads keep their transaction
  there (``Database.reading``), so a statement's parse and execution meet one backend.
* **SQLite** (``make run``): the same Core statement runs through the session; rows come back as
  mappings too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

import asyncpg
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql import ClauseElement, Executable

from ukg_aid.db.lease import READ_LEASE, ReadLease
from ukg_aid.db.session import READ_ONLY, ReadOnlySession, any_write

Row = Mapping[str, Any]
_WIRE = "ukg_aid_wire"

SENT: list[Callable[[str], None]] = []
"""Observers of every statement sent here, called with its text before it goes: what
SQLAlchemy's ``before_cursor_execute`` event is for the ORM's statements, which do not see these
(the tests' statement counter listens to both)."""


@dataclass(frozen=True, slots=True)
class Compiled:
    """A statement as asyncpg sends it: its text, the names of its parameters in order, and each
    one's bind processor (the column type's own: JSON to text, an enum to its value, the aware
    timestamp check), as SQLAlchemy would apply them."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    fixed: Mapping[str, Any]  # values written into the statement (``func.f("literal")``)

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        out = []
        for name, proc in zip(self.names, self.processors, strict=True):
            value = params[name] if name in params or name not in self.fixed else self.fixed[name]
            out.append(value if proc is None else proc(value))
        return out


V = TypeVar("V")


class _PerStatement(Generic[V]):
    """Something worked out once per statement object: statements are module-level constants,
    or cached per shape by their module (a guard clears the memory past 256)."""

    def __init__(self) -> None:
        self._found: dict[int, tuple[Executable, V]] = {}

    def get(self, statement: Executable, work_out: Callable[[], V]) -> V:
        hit = self._found.get(id(statement))
        if hit is not None and hit[0] is statement:
            return hit[1]
        value = work_out()
        if len(self._found) >= 256:
            self._found.clear()
        self._found[id(statement)] = (statement, value)
        return value


_COMPILED: _PerStatement[Compiled] = _PerStatement()
_WRITES: _PerStatement[bool] = _PerStatement()


def compiled(statement: Executable, dialect: Any) -> Compiled:
    """``statement`` compiled once per process."""
    return _COMPILED.get(statement, lambda: _compile(statement, dialect))


def _compile(statement: Executable, dialect: Any) -> Compiled:
    done = cast(ClauseElement, statement).compile(dialect=dialect)
    names = tuple(getattr(done, "positiontup", None) or ())
    binds = getattr(done, "binds", {})
    processors = tuple(binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names)
    fixed = {n: binds[n].effective_value for n in names if not binds[n].required}
    return Compiled(str(done), names, processors, fixed)


# What the driver raises: server errors, client-side refusals, a protocol in a state it cannot
# leave (InternalClientError: e.g. the server closed the connection mid-exchange), socket errors.
_DRIVER_ERRORS = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
)


@dataclass(slots=True)
class Wire:
    """A driver connection to send statements on: the session's own (its transaction started),
    or a reading session's lease (no transaction: the server runs each statement alone)."""

    raw: asyncpg.Connection
    owner: AsyncConnection | ReadLease
    adapter: Any  # SQLAlchemy's AsyncAdapt_asyncpg_connection around ``raw``

    async def fetch(self, compiled_: Compiled, params: Mapping[str, Any]) -> list[Row]:
        args = compiled_.args(params)
        for observe in SENT:
            observe(compiled_.sql)
        try:
            rows: list[Row] = await self.raw.fetch(compiled_.sql, *args)
        except _DRIVER_ERRORS as error:
            raise await self._translated(error, compiled_.sql, args) from error
        return rows

    async def _translated(self, error: Exception, sql: str, args: Sequence[Any]) -> BaseException:
        """The error as SQLAlchemy would have raised it; a broken connection is dropped."""
        state = str(getattr(error, "sqlstate", "") or "")
        broken = (
            isinstance(
                error, (OSError, asyncpg.ConnectionDoesNotExistError, asyncpg.InternalClientError)
            )
            or (isinstance(error, asyncpg.InterfaceError) and self.raw.is_closed())
            or state.startswith(("08", "57P"))
        )  # not: a misuse the driver refused on a live connection ("another operation …")
        if broken:
            self.raw.terminate()  # not a graceful close against a server that does not answer
            await self.owner.invalidate()  # the session's connection, or the lease's
        if isinstance(error, OSError):
            return error  # the problem handlers answer the driver's OSError as an outage
        if isinstance(error, asyncpg.DataError) or state.startswith("22"):
            return sa_exc.DataError(sql, args, error)
        if state.startswith("23"):
            return sa_exc.IntegrityError(sql, args, error)
        if isinstance(error, (asyncpg.InterfaceError, asyncpg.InternalClientError)):
            return sa_exc.InterfaceError(sql, args, error, connection_invalidated=broken)
        return sa_exc.DBAPIError(sql, args, error, connection_invalidated=broken)


async def connection(session: AsyncSession) -> Wire | None:
    """The connection to send on, or None off PostgreSQL: a reading session's lease while the
    session has no connection of its own (:mod:`ukg_aid.db.lease`), else the session's
    connection with its transaction begun."""
    lease = session.info.get(READ_LEASE)
    if isinstance(lease, ReadLease) and not session.in_transaction():
        leased = await lease.connection()
        return Wire(leased.driver_connection, lease, leased.dbapi_connection)
    wire = session.info.get(_WIRE)
    if not (
        isinstance(wire, Wire) and isinstance(wire.owner, AsyncConnection) and _usable(wire.owner)
    ):
        owner = await session.connection()
        fairy = owner.sync_connection.connection if owner.sync_connection else None
        if owner.dialect.name != "postgresql" or fairy is None:
            return None
        wire = Wire(fairy.driver_connection, owner, fairy.dbapi_connection)
        session.info[_WIRE] = wire
    if wire.adapter._transaction is None:  # SQLAlchemy's adapter begins with its first
        await _begin(wire)  # statement; a no-op in autocommit
    return wire


def _usable(owner: AsyncConnection) -> bool:
    return not owner.closed and not owner.invalidated


async def _begin(wire: Wire) -> None:
    """BEGIN through SQLAlchemy's adapter, its failure raised as :meth:`Wire.fetch` raises one
    (the adapter would raise its own DB-API emulation, which the outage handlers do not know):
    a server going away at the first statement of a request is a 503, its connection dropped."""
    try:
        await wire.adapter._start_transaction()
    except Exception as error:
        cause = error if isinstance(error, _DRIVER_ERRORS) else error.__cause__
        if isinstance(cause, _DRIVER_ERRORS):
            raise await wire._translated(cause, "BEGIN", ()) from error
        raise


async def rows(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any] | None = None
) -> list[Row]:
    """Every row of ``statement`` with ``params`` (bound by name), as mappings."""
    params = params or {}
    if session.info.get(READ_ONLY) and _WRITES.get(statement, lambda: any_write(statement)):
        raise ReadOnlySession(f"a read-only session may not run {type(statement).__name__}")
    wire = await connection(session)
    if wire is None:
        result = await session.execute(statement, dict(params))
        try:
            return [cast(Row, row) for row in result.mappings()]
        except sa_exc.ResourceClosedError:  # a statement that returns no rows
            return []
    return await wire.fetch(compiled(statement, wire.owner.dialect), params)


async def first(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any] | None = None
) -> Row | None:
    """The first row of ``statement``, or None."""
    found = await rows(session, statement, params)
    return found[0] if found else None
