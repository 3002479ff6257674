"""One error tree for the whole service, rendered as RFC 9457 ``application/problem+json``.

Services raise these; the single handler in :mod:`ukg_aid.app` renders them::

    AppError (500)
    ├── BadRequest (400)
    ├── Unauthorized (401)
    ├── Forbidden (403)
    ├── NotFound (404)
    ├── Conflict (409)
    │   └── StaleAllocations (409, lists the allocations that no longer fit)
    ├── PayloadTooLarge (413)
    ├── Unprocessable (422, with field errors)
    └── ServiceUnavailable (503)
"""

from __future__ import annotations

from typing import Any, ClassVar

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://ukg-aid.example/problems/"


class AppError(Exception):
    """Base of every error the service raises on purpose."""

    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal error"
    slug: ClassVar[str] = "internal"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.extra = extra

    def problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + (self.code or self.slug),
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.code:
            body["code"] = self.code
        body.update(self.extra)
        return body


class BadRequest(AppError):
    status = 400
    title = "Bad request"
    slug = "bad-request"


class Unauthorized(AppError):
    status = 401
    title = "Unauthorized"
    slug = "unauthorized"


class Forbidden(AppError):
    status = 403
    title = "Forbidden"
    slug = "forbidden"


class NotFound(AppError):
    status = 404
    title = "Not found"
    slug = "not-found"


class Conflict(AppError):
    status = 409
    title = "Conflict"
    slug = "conflict"


class StaleAllocations(Conflict):
    title = "Allocations no longer fit"
    slug = "stale-allocations"


class PayloadTooLarge(AppError):
    status = 413
    title = "Payload too large"
    slug = "payload-too-large"


class Unprocessable(AppError):
    status = 422
    title = "Unprocessable content"
    slug = "validation"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None, **kw: Any):
        super().__init__(detail, errors=errors or [], **kw)


class ServiceUnavailable(AppError):
    status = 503
    title = "Service unavailable"
    slug = "unavailable"
