"""Python work over thousands of rows runs off the event loop (issue 11).

A plan's approval or cancellation turns thousands of rows into ledger rows, audit rows and
arrays for one statement each: tens to hundreds of milliseconds of Python that, on the event
loop, every other request of the process (``/healthz`` included) waits for. In a worker thread
the loop keeps answering: the thread holds the GIL for at most the switch interval (5 ms) at a
time while the loop wants it. Small batches (one stock adjustment, one allocation) stay inline,
where a thread hand-off would cost more than the work.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

OFFLOAD_ROWS = 200
"""From this many rows on, the work goes to a worker thread (below: microseconds inline)."""


async def run(rows: int, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(*args, **kwargs)``, in a worker thread when it works on ``rows`` ≥ ``OFFLOAD_ROWS``.
    The caller's session and objects are only read there: its coroutine waits meanwhile."""
    if rows < OFFLOAD_ROWS:
        return fn(*args, **kwargs)
    return await asyncio.to_thread(fn, *args, **kwargs)
