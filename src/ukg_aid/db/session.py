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

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from ukg_aid.config import async_database_url

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


def make_engine(
    url: str, *, pool_size: int = 10, echo: bool = False, limits: Limits | None = None
) -> AsyncEngine:
    """An async engine (asyncpg or aiosqlite); SQLite gets WAL, foreign keys, a busy timeout."""
    url = async_database_url(url)
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    if limits is None:
        return create_async_engine(
            url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
        )
    engine = create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=limits.pool_s,
        connect_args={
            "timeout": limits.connect_s,
            "command_timeout": limits.statement_s + CLIENT_MARGIN_S,
            "server_settings": {"statement_timeout": str(round(limits.statement_s * 1000))},
        },
    )
    event.listen(engine.sync_engine, "checkout", _pinger(limits.ping_s))
    event.listen(engine.sync_engine, "handle_error", _drop_unanswering_connection)
    return engine


def _pinger(timeout_s: float) -> Any:
    """A checkout hook: a connection that does not answer ``SELECT 1`` in time is replaced."""

    def ping(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        try:
            dbapi_conn.run_async(lambda raw: raw.fetchval("SELECT 1", timeout=timeout_s))
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
        self, url: str, *, pool_size: int = 10, echo: bool = False, limits: Limits | None = None
    ) -> None:
        self.url = async_database_url(url)
        self.engine = make_engine(url, pool_size=pool_size, echo=echo, limits=limits)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

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

    async def dispose(self) -> None:
        await self.engine.dispose()
