"""Re-run a request whose transaction lost a race, before the client sees anything.

PostgreSQL ends one of two deadlocked (or serialization-conflicting) transactions with
SQLSTATE 40P01/40001 and rolls it back whole. Nothing of it was committed — not its change, not
its audit event, not its ``Idempotency-Key`` record — and no response byte has been sent (the
request's session commits before the response starts), so running the whole request again is
safe. :class:`RetryTransactions` does that up to ``retries`` times with a short randomized
back-off; only when every attempt lost does the client get 409 ``retry``. A response that has
started (a server-sent event stream) is never re-run.

The problem handler decides: it raises :class:`TransactionRetry` instead of answering while the
middleware has attempts left (the count travels in the ASGI scope).
"""

from __future__ import annotations

import asyncio
import logging
import random

from prometheus_client import Counter
from sqlalchemy.exc import DBAPIError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ukg_aid.db.failures import sqlstate

log = logging.getLogger("ukg_aid")

SCOPE_KEY = "ukg_aid.retries_left"
RETRIES = Counter(
    "ukg_aid_db_transaction_retries_total",
    "Requests re-run after the database rolled their transaction back (deadlock, serialization)",
    ["sqlstate"],
)


class TransactionRetry(Exception):
    """The request's transaction was rolled back by the database; run the request again."""

    def __init__(self, cause: DBAPIError) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.sqlstate = sqlstate(cause) or "unknown"


READS = frozenset({"GET", "HEAD"})
"""Never re-run: a read takes no row locks (no GET route locks rows; the locking helpers are
the writes') and runs at READ COMMITTED, in autocommit or a read-only transaction behind
PgBouncer, so no race between requests can end it; only a rare clash with a migration's table
lock could, and that read answers 409 ``retry`` at once. Passing reads straight through spares
every GET the replay bookkeeping."""


def retries_left(scope: Scope) -> int:
    return int(scope.get(SCOPE_KEY, 0))


class RetryTransactions:
    """ASGI middleware: replays the request (its recorded body) on :class:`TransactionRetry`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        retries: int,
        skip_paths: frozenset[str] = frozenset(),
        backoff_s: float = 0.02,
    ) -> None:
        self.app = app
        self.retries = retries
        self.skip_paths = skip_paths
        self.backoff_s = backoff_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self.retries == 0
            or scope["method"] in READS
            or scope["path"] in self.skip_paths
        ):
            await self.app(scope, receive, send)
            return
        recorded: list[Message] = []
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        for attempt in range(self.retries + 1):
            scope[SCOPE_KEY] = self.retries - attempt
            try:
                await self.app(scope, _replaying(recorded, receive), tracked_send)
                return
            except TransactionRetry as retry:
                if started:  # the handler only raises before a response starts; never re-run
                    raise retry.cause from retry
                RETRIES.labels(retry.sqlstate).inc()
                log.info(
                    "transaction rolled back (%s); running the request again (attempt %d)",
                    retry.sqlstate,
                    attempt + 2,
                )
                await asyncio.sleep(self.backoff_s * 2**attempt * random.uniform(0.5, 1.5))


def _replaying(recorded: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that first hands back what earlier attempts read, then reads on (recording)."""
    pending = list(recorded)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        message = await receive()
        if message["type"] == "http.request":
            recorded.append(message)
        return message

    return replay
