"""The one place errors become ``application/problem+json`` responses (RFC 9457)."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ukg_aid.db import failures
from ukg_aid.db.retry import TransactionRetry, retries_left
from ukg_aid.errors import (
    PROBLEM_JSON,
    AppError,
    BadRequest,
    Conflict,
    ServiceUnavailable,
    Unprocessable,
)

log = logging.getLogger("ukg_aid")

RETRY_AFTER_S = 2
"""``Retry-After`` on every 503: the database (or the pool) is expected back within seconds."""


def problem_response(error: AppError, headers: dict[str, str] | None = None) -> JSONResponse:
    if error.status == 503:
        headers = {"Retry-After": str(RETRY_AFTER_S)} | (headers or {})
    return JSONResponse(
        error.problem(), status_code=error.status, media_type=PROBLEM_JSON, headers=headers
    )


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]


async def _on_app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return problem_response(exc, headers)


async def _on_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _field_errors(exc)
    if any(e["type"] == "json_invalid" for e in errors):
        return problem_response(
            BadRequest("the request body is not valid JSON", code="malformed-json")
        )
    return problem_response(Unprocessable("the request is not valid", errors=errors))


class CarriedProblem(StarletteHTTPException):
    """Carries one of our errors through code that lets only ``HTTPException`` pass: FastAPI's
    body reader turns any other exception raised while receiving into a generic 400."""

    def __init__(self, error: AppError) -> None:
        super().__init__(error.status, error.detail)
        self.error = error


async def _on_http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc, CarriedProblem):
        return problem_response(exc.error)
    err = AppError(str(exc.detail))
    body = err.problem() | {
        "status": exc.status_code,
        "title": _title(exc.status_code),
        "type": "about:blank",
    }
    return JSONResponse(
        body,
        status_code=exc.status_code,
        media_type=PROBLEM_JSON,
        headers=getattr(exc, "headers", None),
    )


async def _on_integrity(_: Request, exc: Exception) -> JSONResponse:
    log.info("integrity conflict: %s", exc)
    return problem_response(
        Conflict("the change conflicts with the current state; reload and retry", code="integrity")
    )


BAD_VALUE = (
    "a value in the request cannot be stored: a number or date is out of range "
    "(identifiers and counts are 32-bit integers) or a text contains a NUL character"
)


def _is_bad_value(exc: DBAPIError) -> bool:
    """The database refused a value (SQLSTATE class 22, "data exception"): the client's fault.

    psycopg raises :class:`DataError`; asyncpg's errors arrive as a plain :class:`DBAPIError`
    carrying the SQLSTATE (also for its client-side "value out of int32 range").
    """
    if isinstance(exc, DataError):
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return isinstance(sqlstate, str) and sqlstate.startswith("22")


DB_DOWN = "the database is not reachable or did not answer in time; nothing was changed — retry"


async def _on_db(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    if failures.is_retryable(exc):
        if retries_left(request.scope) > 0:
            raise TransactionRetry(exc)  # RetryTransactions runs the request again
        log.warning(
            "transaction rolled back by the database (%s) on every attempt; client asked to retry",
            failures.sqlstate(exc),
        )
        return problem_response(
            Conflict(
                "another change to the same records won; nothing was changed — retry", code="retry"
            )
        )
    if _is_bad_value(exc):
        log.info("value refused by the database: %s", exc.orig)
        return problem_response(Unprocessable(BAD_VALUE, code="bad-value"))
    if failures.is_outage(exc):
        log.warning("database unavailable: %s", exc)
        return problem_response(ServiceUnavailable(DB_DOWN, code="database-unavailable"))
    log.exception("database error", exc_info=exc)
    return problem_response(
        ServiceUnavailable(
            "the database refused the operation (logged); nothing was changed — retry shortly",
            code="database-error",
        )
    )


async def _on_os_error(request: Request, exc: Exception) -> JSONResponse:
    """Refused, reset or timed-out database connections arrive as plain OSError/TimeoutError."""
    if not failures.is_outage(exc):
        return await _on_unexpected(request, exc)
    log.warning("database unavailable: %r", exc)
    return problem_response(ServiceUnavailable(DB_DOWN, code="database-unavailable"))


async def _on_overflow(request: Request, exc: Exception) -> JSONResponse:
    """A value too large for the column or driver: SQLite's driver raises a bare OverflowError
    for integers beyond 64 bits, and a far-off ``at`` overflows when converted to UTC (the error
    then arrives wrapped in a :class:`StatementError`)."""
    cause = exc.orig if isinstance(exc, StatementError) else exc
    if not isinstance(cause, OverflowError):
        return await _on_unexpected(request, exc)
    log.info("value overflow: %s", cause)
    return problem_response(Unprocessable(BAD_VALUE, code="bad-value"))


async def _on_pool_timeout(_: Request, exc: Exception) -> JSONResponse:
    log.warning("no database connection free in time: %s", exc)
    return problem_response(ServiceUnavailable("the service is busy; retry shortly", code="busy"))


async def _on_unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem_response(AppError("an unexpected error occurred; it has been logged"))


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def install(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _on_app_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(IntegrityError, _on_integrity)
    app.add_exception_handler(DBAPIError, _on_db)
    app.add_exception_handler(OverflowError, _on_overflow)
    app.add_exception_handler(StatementError, _on_overflow)
    app.add_exception_handler(SATimeoutError, _on_pool_timeout)
    app.add_exception_handler(OSError, _on_os_error)
    app.add_exception_handler(Exception, _on_unexpected)
