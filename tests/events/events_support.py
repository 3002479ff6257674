"""Explicit signals for the event-stream tests (instead of sleeping and hoping)."""

from __future__ import annotations

import asyncio
import time

import httpx
from fastapi import FastAPI

SUBSCRIBE_TIMEOUT_S = 30.0
"""Generous on a loaded machine; a healthy stream subscribes in milliseconds."""


async def until_subscribed(
    app: FastAPI, streams: list[asyncio.Task[httpx.Response]], count: int = 1
) -> None:
    """Wait until ``count`` streams of ``app`` have joined its process's event hub: each joins
    after the hub's ``LISTEN`` is in place, so from then on a commit elsewhere wakes it. Fails
    at once if a stream ended first (its body says why) and after ``SUBSCRIBE_TIMEOUT_S``."""
    deadline = time.monotonic() + SUBSCRIBE_TIMEOUT_S
    while (hub := getattr(app.state, "event_hub", None)) is None or len(hub.waiters) < count:
        for stream in streams:
            assert not stream.done(), stream.result().text
        assert time.monotonic() < deadline, "the stream never subscribed"
        await asyncio.sleep(0.01)
