"""Engine and session factory, made in the app's lifespan (never at import).

The API's engine is bounded (:class:`Limits`), so a database that is stopped or frozen costs a
request a few seconds, never a minute: a new connection must be up within ``connect_s``, a free
pooled connection must turn up within ``pool_s``, and no statement may run longer than
``statement_s`` (PostgreSQL's ``statement_timeout``, plus a client-side deadline half a second later
for a server that cannot answer at all). A pooled connection is pinged (``SELECT 1`` within
``ping_s``) when it is checked out, so connections that died while the database was away are
replaced instead of failing a request. The CLI, migrations and drills use an unbounded engine.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.context import FromStatement
from sqlalchemy.sql import Executable, visitors
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import TextualSelect

from ukg_aid.config import async_database_url
from ukg_aid.db.lease import READ_LEASE, ReadLease

if TYPE_CHECKING:
    from ukg_aid.config import Settings

CLIENT_MARGIN_S = 0.5
"""The client gives up this long after the server's own statement timeout should have fired."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How long the API waits for the database (seconds)."""

    connect_s: float
    pool_s: float
    statement_s: float
    ping_s: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            connect_s=settings.db_connect_timeout_s,
            pool_s=settings.db_pool_timeout_s,
            statement_s=settings.db_statement_timeout_s,
            ping_s=min(1.0, settings.db_connect_timeout_s),
        )


@dataclass(frozen=True, slots=True)
class PoolOptions:
    """How many connections a process may hold, and how they are used (docs/scaling.md).

    A process opens at most ``size + overflow`` connections; ``pgbouncer`` turns off every
    server-side prepared-statement cache (asyncpg's and SQLAlchemy's) and names each prepared
    statement uniquely, so PgBouncer in transaction mode may hand the next statement to any
    backend; ``ping_idle_s``: a connection idle in the pool longer than this is pinged before use.
    """

    size: int = 10
    overflow: int | None = None  # None: as many as ``size``
    pgbouncer: bool = False
    ping_idle_s: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings) -> PoolOptions:
        return cls(
            size=settings.db_pool_size,
            overflow=settings.db_max_overflow,
            pgbouncer=settings.db_pgbouncer,
            ping_idle_s=settings.db_ping_idle_s,
        )

    @property
    def max_overflow(self) -> int:
        return self.size if self.overflow is None else self.overflow

    def connect_args(self) -> dict[str, Any]:
        if not self.pgbouncer:
            return {}
        return {
            "statement_cache_size": 0,
            "prepared_statement_cache_size": 0,
            "prepared_statement_name_func": _unique_statement_name,
        }


def _unique_statement_name() -> str:
    return f"__ukg_aid_{uuid.uuid4().hex}__"


def make_engine(
    url: str,
    *,
    pool_size: int = 10,
    echo: bool = False,
    limits: Limits | None = None,
    pool: PoolOptions | None = None,
) -> AsyncEngine:
    """An async engine (asyncpg or aiosqlite); SQLite gets WAL, foreign keys, a busy timeout."""
    url = async_database_url(url)
    pool = pool or PoolOptions(size=pool_size)
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    sizing: dict[str, Any] = {"pool_size": pool.size, "max_overflow": pool.max_overflow}
    if limits is None:
        return create_async_engine(
            url, echo=echo, pool_pre_ping=True, connect_args=pool.connect_args(), **sizing
        )
    engine = create_async_engine(
        url,
        echo=echo,
        pool_timeout=limits.pool_s,
        connect_args=pool.connect_args() | _timeouts(limits, pool),
        **sizing,
    )
    event.listen(engine.sync_engine, "checkin", _stamp_checkin)
    event.listen(engine.sync_engine, "checkout", _pinger(limits.ping_s, pool.ping_idle_s))
    event.listen(engine.sync_engine, "handle_error", _drop_unanswering_connection)
    return engine


def _timeouts(limits: Limits, pool: PoolOptions) -> dict[str, Any]:
    """Client-side deadlines, and the server's ``statement_timeout`` as a start-up parameter —
    except through PgBouncer, which refuses start-up parameters it does not know and shares
    backends between clients: there the role or database carries it (docs/scaling.md)."""
    timeouts: dict[str, Any] = {
        "timeout": limits.connect_s,
        "command_timeout": limits.statement_s + CLIENT_MARGIN_S,
    }
    if not pool.pgbouncer:
        statement_ms = str(round(limits.statement_s * 1000))
        timeouts["server_settings"] = {"statement_timeout": statement_ms}
    return timeouts


_CHECKED_IN = "ukg_aid_checked_in"


def _stamp_checkin(_dbapi_conn: Any, record: Any) -> None:
    record.info[_CHECKED_IN] = time.monotonic()


def _pinger(timeout_s: float, idle_s: float) -> Any:
    """A checkout hook: a connection idle longer than ``idle_s`` that does not answer
    ``SELECT 1`` in time is replaced. A connection in use a moment ago is trusted without the
    round trip (under load that is every checkout); if the server went away in that moment, the
    request fails like one that was in flight (503) and the broken connection is dropped."""

    def ping(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        last = record.info.get(_CHECKED_IN)
        if last is not None and time.monotonic() - last < idle_s:
            return
        try:
            # simple protocol: one message, one round trip, no prepared statement (PgBouncer)
            dbapi_conn.run_async(lambda raw: raw.execute("SELECT 1", timeout=timeout_s))
        except Exception as exc:
            dbapi_conn.driver_connection.terminate()
            raise DisconnectionError(f"the pooled connection did not answer: {exc!r}") from exc

    return ping


def _drop_unanswering_connection(ctx: ExceptionContext) -> None:
    """A statement that timed out on the client or lost its socket leaves a connection that
    cannot be trusted: close it at once (not SQLAlchemy's two-second graceful close against a
    server that does not answer) and have the pool replace it."""
    if not isinstance(ctx.original_exception, OSError) or ctx.connection is None:
        return
    fairy = ctx.connection.connection
    if fairy.driver_connection is not None:
        fairy.driver_connection.terminate()
    ctx.is_disconnect = True


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Database:
    """Owns the engine and hands out sessions whose transaction the caller controls."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        echo: bool = False,
        limits: Limits | None = None,
        pool: PoolOptions | None = None,
    ) -> None:
        self.url = async_database_url(url)
        self.engine = make_engine(url, pool_size=pool_size, echo=echo, limits=limits, pool=pool)
        self.autocommit_reads = self.dialect == "postgresql" and not (pool and pool.pgbouncer)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work is committed on success and rolled back on any error."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for work that only reads (the API's GETs). On PostgreSQL it runs in
        autocommit: no BEGIN/COMMIT round trips, each statement in its own snapshot — what READ
        COMMITTED gives every statement of a transaction anyway. Writes are refused. Behind
        PgBouncer (transaction pooling) a statement outside a transaction may be prepared on one
        backend and run on another, so there reads keep their transaction.

        Wire statements run on a :class:`~ukg_aid.db.lease.ReadLease` (the driver's connection,
        taken from the pool at the first one), the ORM's on a connection the session takes from
        the same pool in autocommit; never both at once."""
        if not self.autocommit_reads:
            async with self.transaction() as session:
                session.info[READ_ONLY] = True
                yield session
            return
        lease = ReadLease(self.engine)
        info = {READ_ONLY: True, READ_LEASE: lease}
        session = AsyncSession(bind=self._autocommit, expire_on_commit=False, info=info)
        try:
            yield session
        finally:
            try:
                if _touched(session):
                    await _close_to_the_end(session)
            finally:
                await lease.close()

    async def dispose(self) -> None:
        await self.engine.dispose()


def _touched(session: AsyncSession) -> bool:
    """Whether closing ``session`` has anything to do: a transaction the ORM began (and its
    connection to give back) or objects to detach. A read that sent only wire statements leaves
    none, and skips a close that costs it about 100 µs of CPU (a greenlet, and the task
    ``async with`` wraps the close in; issue 11)."""
    return session.in_transaction() or bool(session.identity_map) or bool(session.new)


async def _close_to_the_end(session: AsyncSession) -> None:
    """Close ``session`` as ``async with`` does: SQLAlchemy runs the close in a task of its own
    and waits for it even if this task is cancelled meanwhile, so its connection is never handed
    back half way, or after the pool was disposed (a cancelled request, the app shutting down)."""
    async with session:
        pass


def on_postgres(session: AsyncSession) -> bool:
    """Whether ``session`` talks to PostgreSQL (else SQLite, ``make run``): for the statements
    written once per dialect (arrays and ``unnest`` there, expanding lists and ``executemany``
    here)."""
    return session.get_bind().dialect.name == "postgresql"


READ_ONLY = "ukg_aid_read_only"
"""``Session.info`` key of a session that may only read (:meth:`Database.reading`)."""


class ReadOnlySession(RuntimeError):
    """A read-only session was asked to write: a bug in the route, not the client's fault."""


@event.listens_for(Session, "do_orm_execute")
def _refuse_write_statements(state: ORMExecuteState) -> None:
    if state.session.info.get(READ_ONLY) and any_write(state.statement):
        raise ReadOnlySession(f"a read-only session may not run {state.statement}")


WRITING_FUNCTIONS = frozenset(
    {
        "pg_notify",
        "nextval",
        "next_value",  # Sequence.next_value(): nextval() as SQLAlchemy names it
        "setval",
        "set_config",
        "setseed",
        "pg_advisory_lock",
        "pg_advisory_lock_shared",
        "pg_try_advisory_lock",
        "pg_try_advisory_lock_shared",
        "lo_create",
        "lo_creat",
        "lo_import",
        "lo_export",
        "lo_from_bytea",
        "lo_put",
        "lo_truncate",
        "lowrite",
        "lo_unlink",
        "pg_terminate_backend",
        "pg_cancel_backend",
        "pg_reload_conf",
        "pg_logical_emit_message",
    }
)
"""PostgreSQL functions a ``SELECT`` may call that change something beyond the statement: notify
listeners, move a sequence, change a setting or take a lock that outlives it on the pooled
connection, write a large object or a server file, end another backend. A list cannot know a
user-defined function's effects; the service's reads call none."""


def any_write(statement: Executable) -> bool:
    """Whether ``statement`` may change something, anywhere in it: it is a write, or has one in a
    CTE or subquery (``WITH moved AS (UPDATE … RETURNING …) SELECT …`` is a select on top), or
    calls one of :data:`WRITING_FUNCTIONS`. A whole statement written as text cannot be looked
    into, so it counts as a write — alone, under ``from_statement()``, or as a CTE or part of a
    union (a text *fragment* inside a select, a condition say, does not): a read's statements run
    in autocommit, and a write would be committed at once. About 30 µs for an ORM select: only
    read sessions ask, and the wire remembers its (constant) statements' answers."""
    if isinstance(statement, FromStatement):
        statement = statement.element
    if isinstance(statement, TextClause):
        return True
    parts = visitors.iterate(cast(visitors.ExternallyTraversible, statement))
    return any(_writes(part) for part in parts)


def _writes(part: object) -> bool:
    if isinstance(part, (UpdateBase, TextualSelect)):
        return True
    return isinstance(part, FunctionElement) and str(getattr(part, "name", "")).lower() in (
        WRITING_FUNCTIONS
    )


@event.listens_for(Session, "before_flush")
def _refuse_flushes(session: Session, _context: object, _instances: object) -> None:
    if session.info.get(READ_ONLY) and (session.new or session.dirty or session.deleted):
        raise ReadOnlySession("a read-only session may not store changes")
