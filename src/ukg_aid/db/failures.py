"""What a database failure means for the client: retry the transaction, or wait for the database.

``retryable``: PostgreSQL rolled the whole transaction back because it lost a race (deadlock
detected, serialization failure); running it again is safe and usually succeeds at once.

``outage``: the database could not be reached or did not answer in time — refused or reset
connections, connect and statement timeouts, a server shutting down or starting up, too many
connections. The request changed nothing (its transaction never committed); the answer is 503
with ``Retry-After``.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError

RETRYABLE = frozenset({"40P01", "40001"})
"""Deadlock detected, serialization failure."""

OUTAGE = frozenset({"57P01", "57P02", "57P03", "53300", "57014"})
"""Admin shutdown, crash shutdown, cannot connect now, too many connections, statement timeout."""

DRIVER_MODULES = ("asyncpg", "sqlalchemy", "aiosqlite")


def sqlstate(exc: DBAPIError) -> str | None:
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return state if isinstance(state, str) else None


def is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and sqlstate(exc) in RETRYABLE


def is_outage(exc: BaseException) -> bool:
    """The database was unreachable or too slow (not: the request was wrong, or our bug)."""
    if isinstance(exc, DBAPIError):
        state = sqlstate(exc) or ""
        return (
            exc.connection_invalidated
            or isinstance(exc, InterfaceError)
            or state.startswith("08")
            or state in OUTAGE
        )
    return isinstance(exc, OSError) and _raised_by_driver(exc)


def _raised_by_driver(exc: BaseException) -> bool:
    """Connection errors and timeouts reach us as plain ``OSError``/``TimeoutError`` from the
    driver; one raised anywhere else (a file, a router URL) is not a database outage."""
    tb = exc.__traceback__
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        if module.split(".", 1)[0] in DRIVER_MODULES:
            return True
        tb = tb.tb_next
    return False
