"""``/healthz``, ``/readyz`` and ``/metrics``: what a load balancer and Prometheus ask.

* ``/healthz`` never touches the database: the process is up.
* ``/readyz`` asks the database, within its own deadline (``UKG_AID_READYZ_TIMEOUT_S``), so a
  frozen database makes it answer 503 fast instead of hanging the balancer's probe.
* ``/metrics`` is the Prometheus text format, summed over every worker process (prometheus-client
  multiprocess mode, set up by ``ukg-aid serve``; see :mod:`ukg_aid.serving`). Who may scrape it:
  the holder of ``UKG_AID_METRICS_TOKEN`` (a scrape secret, checked without the database, so the
  scrape keeps working while the database is down — when it matters most), or an API token of
  role ``admin`` or ``observer``. Route templates and counts are operational detail an outsider
  has no business reading.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import threading
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from sqlalchemy import text

from ukg_aid import __version__, migrate
from ukg_aid.auth import service as auth_service
from ukg_aid.config import Settings
from ukg_aid.db import Database
from ukg_aid.deps import BearerScheme, IndexedRouter, bearer_secret
from ukg_aid.errors import PROBLEM_JSON, Forbidden, Unauthorized
from ukg_aid.principal import Role
from ukg_aid.problems import RETRY_AFTER_S

log = logging.getLogger("ukg_aid")
router = IndexedRouter(tags=["health"])

METRICS_ROLES = frozenset({Role.admin, Role.observer})


@router.get(
    "/healthz",
    summary="The process is up (never asks the database); `clock` says whether it runs the "
    "live or a simulated clock",
)
async def healthz(request: Request) -> dict[str, str]:
    settings: Settings = request.app.state.settings
    return {"status": "ok", "version": __version__, "clock": settings.clock.value}


async def _check_database(db: Database, body: dict[str, Any]) -> None:
    async with db.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
    body["database"] = "ok"
    current, head = await migrate.current_revision(db.engine), migrate.head_revision()
    body.update(revision=current, head=head)
    body["migrations"] = "current" if current == head else "pending"


def warmed_up(request: Request) -> bool:
    """Whether the process has finished warming up (``app._warm``); an app served without its
    lifespan (tests through ASGI) has nothing to warm."""
    warmed: threading.Event | None = getattr(request.app.state, "warmed", None)
    return warmed is None or warmed.is_set()


@router.get(
    "/readyz",
    summary="Database reachable, migrations current and the process warmed up (503 otherwise, "
    "within its deadline)",
    responses={503: {"description": "not ready"}},
)
async def readyz(request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    body: dict[str, Any] = {"database": "unreachable", "migrations": "unknown"}
    try:
        async with asyncio.timeout(settings.readyz_timeout_s):
            await _check_database(request.app.state.db, body)
    except TimeoutError:
        body["database"] = "timeout"
        log.warning("readiness check: no answer within %.1f s", settings.readyz_timeout_s)
    except Exception:
        log.warning("readiness check failed", exc_info=True)
    warm_up = body["warm_up"] = "done" if warmed_up(request) else "running"
    ready = body["database"] == "ok" and body["migrations"] == "current" and warm_up == "done"
    body["status"] = "ready" if ready else "not ready"
    if ready:
        return JSONResponse(body)
    return JSONResponse(
        body | {"type": "about:blank", "title": "Not ready", "status": 503},
        status_code=503,
        media_type=PROBLEM_JSON,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


class MetricsReader(BearerScheme):
    """The scrape secret, or an admin/observer API token (401/403 otherwise)."""

    async def __call__(self, request: Request) -> None:
        secret = bearer_secret(request)
        if secret is None:
            raise Unauthorized(
                "send 'Authorization: Bearer <token>': the scrape token (UKG_AID_METRICS_TOKEN) "
                "or an admin/observer API token",
                code="missing-token",
            )
        settings: Settings = request.app.state.settings
        scrape = settings.metrics_token.get_secret_value() if settings.metrics_token else None
        if scrape and hmac.compare_digest(secret.encode(), scrape.encode()):
            return
        db: Database = request.app.state.db
        async with db.transaction() as session:
            principal = await auth_service.authenticate(session, secret)
        if principal.role not in METRICS_ROLES:
            raise Forbidden(
                f"role '{principal.role.value}' may not read metrics; allowed: admin, observer",
                code="wrong-role",
            )


def registry() -> CollectorRegistry:
    """Every worker's samples when several processes serve (``PROMETHEUS_MULTIPROC_DIR``)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
        return merged
    return REGISTRY


@router.get(
    "/metrics",
    summary="Prometheus metrics, all workers (scrape token, or an admin/observer token)",
    response_class=Response,
    dependencies=[Depends(MetricsReader())],
    responses={401: {"description": "no valid token"}, 403: {"description": "wrong role"}},
)
async def metrics() -> Response:
    return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)
