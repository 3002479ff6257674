"""The FastAPI application factory. The engine is made in the lifespan, never at import."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from ukg_aid import (
    __version__,
    api,
    console,
    dispatch_air,
    docs,
    health,
    matching,
    placement,
    problems,
)
from ukg_aid.clock import Clock, ClockMode
from ukg_aid.config import Settings, get_settings
from ukg_aid.db import Database
from ukg_aid.db.retry import RetryTransactions
from ukg_aid.db.session import Limits, PoolOptions
from ukg_aid.middleware import BodyLimit, Metrics
from ukg_aid.plans import solver_pool
from ukg_aid.plans.shipments import queue as truck_queue

log = logging.getLogger("ukg_aid")

DESCRIPTION = """Mutual-aid dispatch for the Union of Kansai Governments: stockpiles, aid requests,
dispatch plans, Doctor-Heli medevac. Every route under `/api/v1` needs
`Authorization: Bearer <token>` (create one with `ukg-aid token create`, then press
**Authorize**); errors are `application/problem+json` (RFC 9457). When the database is away the
API answers 503 with `Retry-After` within a few seconds; nothing was changed."""


def settle_heap() -> None:
    """Move everything alive once the app has started (modules, mappers, schemas: most of the
    heap) out of the garbage collector's sight, so a full collection scans only what requests
    made since: a Nankai plan's approval allocates enough to trigger several, and each
    re-scanned the whole heap (1.3-1.8 s of a 6-9 s call at load 14, ``bench/plan_phases.py``).
    Nothing frozen is freed later; what start-up made lives as long as the process anyway."""
    gc.collect()
    gc.freeze()


def _warm(settings: Settings, done: threading.Event) -> None:
    """Once the app serves, in a thread: build the outlines (a request that needs them waits
    for this build) and import the solver libraries the API process runs itself — CP-SAT for
    medevac batches, and POT when plans are solved in this process (``solver_processes`` 0) —
    so that the first such request after a start does not pay seconds of imports. ``done`` is
    set at the end, failed or not: until then ``/readyz`` says the process is warming up, since
    the imports hold the interpreter's lock for seconds and every request waits behind them
    (0.9 s on this 2-core machine under a full test run)."""
    try:
        placement.warm(settings.union_buffer_km)
        dispatch_air.load_engine()
        if settings.solver_processes == 0:
            matching.load_engine()
    finally:
        done.set()


def _start_warm_up(settings: Settings) -> threading.Event:
    """:func:`_warm` in a thread of its own; the event it sets when done."""
    warmed = threading.Event()
    warming = threading.Thread(target=_warm, args=(settings, warmed), name="warm-up", daemon=True)
    warming.start()  # a request that needs the outlines first waits for this build
    return warmed


NO_RETRY_PATHS = frozenset({"/api/v1/events"})
"""Never re-run: a server-sent event stream has started answering before it reads anything."""


def _queue_ticker(settings: Settings, db: Database) -> asyncio.Task[None] | None:
    """Queued shipments leave by themselves when trucks are back (``plans.shipments.queue``);
    on the live clock only: a simulated instance's time is its drill's, sent with each call."""
    if settings.clock is not ClockMode.live or settings.queue_advance_seconds <= 0:
        return None
    clock = Clock(settings.clock, timedelta(hours=settings.max_backdate_hours))
    return asyncio.create_task(
        truck_queue.run_periodically(db, clock, settings.queue_advance_seconds)
    )


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """Build the app. Pass ``database`` to share an engine (tests); otherwise one is made."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = database is None
        app.state.db = database or Database(
            settings.database_url,
            echo=settings.db_echo,
            limits=Limits.from_settings(settings),
            pool=PoolOptions.from_settings(settings),
        )
        solver_pool.start(settings.solver_processes)
        ticker = _queue_ticker(settings, app.state.db)
        settle_heap()
        app.state.warmed = _start_warm_up(settings)  # /readyz: 503 until it is set
        try:
            yield
        finally:
            if ticker is not None:
                ticker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ticker
            if owned:
                await app.state.db.dispose()

    app = FastAPI(
        title="ukg-aid",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    if database is not None:
        app.state.db = database
    problems.install(app)
    health.router.index_under("")  # first, told by its first segment: probes poll it most
    app.include_router(health.router)
    api.include(app)  # after the app's own few routes, not after twenty API routers
    docs.install(app)
    app.add_middleware(RetryTransactions, retries=settings.db_retries, skip_paths=NO_RETRY_PATHS)
    console.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(Metrics)
    return app
