"""The FastAPI application factory. The engine is made in the lifespan, never at import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from ukg_aid import __version__, console, migrate, problems
from ukg_aid.api import api_router
from ukg_aid.config import Settings, get_settings
from ukg_aid.db import Database
from ukg_aid.errors import PROBLEM_JSON
from ukg_aid.middleware import BodyLimit, Metrics

log = logging.getLogger("ukg_aid")

DESCRIPTION = """Mutual-aid dispatch for the Union of Kansai Governments: stockpiles, aid requests,
dispatch plans, Doctor-Heli medevac. Every route needs `Authorization: Bearer <token>`
(create one with `ukg-aid token create`); errors are `application/problem+json` (RFC 9457)."""


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """Build the app. Pass ``database`` to share an engine (tests); otherwise one is made."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = database is None
        app.state.db = database or Database(
            settings.database_url, pool_size=settings.db_pool_size, echo=settings.db_echo
        )
        try:
            yield
        finally:
            if owned:
                await app.state.db.dispose()

    app = FastAPI(title="ukg-aid", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    if database is not None:
        app.state.db = database
    problems.install(app)
    app.include_router(api_router)
    _add_health(app)
    console.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(Metrics)
    return app


def _add_health(app: FastAPI) -> None:
    @app.get(
        "/healthz",
        tags=["health"],
        summary="The process is up; `clock` says whether it runs the live or a simulated clock",
    )
    async def healthz(request: Request) -> dict[str, str]:
        settings: Settings = request.app.state.settings
        return {"status": "ok", "version": __version__, "clock": settings.clock.value}

    @app.get(
        "/readyz",
        tags=["health"],
        summary="Database reachable and migrations current",
        responses={503: {"description": "not ready"}},
    )
    async def readyz(request: Request) -> JSONResponse:
        db: Database = request.app.state.db
        body: dict[str, Any] = {"database": "unreachable", "migrations": "unknown"}
        try:
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            body["database"] = "ok"
            current, head = await migrate.current_revision(db.engine), migrate.head_revision()
            body.update(revision=current, head=head)
            body["migrations"] = "current" if current == head else "pending"
        except Exception:
            log.warning("readiness check failed", exc_info=True)
        ready = body["database"] == "ok" and body["migrations"] == "current"
        body["status"] = "ready" if ready else "not ready"
        if ready:
            return JSONResponse(body)
        return JSONResponse(
            body | {"type": "about:blank", "title": "Not ready", "status": 503},
            status_code=503,
            media_type=PROBLEM_JSON,
        )

    @app.get("/metrics", tags=["health"], summary="Prometheus metrics", response_class=Response)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
