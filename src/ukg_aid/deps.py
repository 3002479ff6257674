"""Request dependencies as ``Annotated`` aliases, so routes read like sentences."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.routing import APIRoute
from fastapi.security.base import SecurityBase
from fastapi.security.utils import get_authorization_scheme_param
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession
from starlette._utils import get_route_path  # what FastAPI matches on, imported as it does
from starlette.routing import Match
from starlette.types import Scope

from ukg_aid.auth import service as auth_service
from ukg_aid.clock import Clock
from ukg_aid.config import Settings
from ukg_aid.db import Database
from ukg_aid.errors import Forbidden, Unauthorized
from ukg_aid.principal import Principal, Role
from ukg_aid.schemas import LimitParam, OffsetParam, Page

T = TypeVar("T")
E = TypeVar("E", bound=Callable[..., Any])
READ_METHODS = frozenset({"GET", "HEAD"})


async def get_settings_dep(request: Request) -> Settings:
    """Dependencies are ``async def`` even when they do not await: FastAPI runs a plain ``def``
    dependency (or a class) in a worker thread, a thread hop per request for a field read."""
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


class RequestSession:
    """A request's session: opened by the first dependency that asks for it, closed by the
    route (:class:`SessionRoute`) once the answer is built and before it is sent — committed on
    success, rolled back on any error, so a 2xx means committed. GET and HEAD only read: their
    session runs without a transaction (:meth:`Database.reading`)."""

    __slots__ = ("_opened", "session")

    def __init__(self) -> None:
        self._opened: AbstractAsyncContextManager[AsyncSession] | None = None
        self.session: AsyncSession | None = None

    async def open(self, request: Request) -> AsyncSession:
        if self.session is None:
            db = get_database(request)
            opened = db.reading() if request.method in READ_METHODS else db.transaction()
            self.session = await opened.__aenter__()
            self._opened = opened
        return self.session

    async def close(self, error: BaseException | None) -> None:
        """Commit (no ``error``) or roll back, and close. The rollback is shielded from
        cancellation, so a cancelled request still returns its connection; a commit is not
        (a cancel scope costs every request more than the rest of this); a commit that is
        cancelled rolls back (:meth:`Database.transaction`)."""
        opened, self._opened, self.session = self._opened, None, None
        if opened is None:
            return
        if error is None:
            await opened.__aexit__(None, None, None)
            return
        with anyio.CancelScope(shield=True):
            await opened.__aexit__(type(error), error, error.__traceback__)


_REQUEST_SESSION = "ukg_aid.session"
_PRINCIPAL = "ukg_aid.principal"


class SessionRoute(APIRoute):
    """An API route that owns its request's session (every ``/api/v1`` router: :func:`api_router`).

    The session used to be a generator dependency; FastAPI wraps one in two context managers, a
    cancel scope and an exit stack per request, about 55 µs of a 0.5 ms depot read (issue 11).
    Here the handler opens nothing until a dependency asks (:func:`get_session`) and closes the
    session around the route's own handler: after the answer is built, before it is sent."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_session(request: Request) -> Response:
            return await serve_with_session(request, handler)

        return with_session


async def serve_with_session(
    request: Request, handler: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Answer ``request`` with ``handler``, owning the request's session: opened when a
    dependency first asks (:func:`get_session`), committed once the answer is built, rolled back
    on any error (a :class:`SessionRoute`, and a lean route: :mod:`ukg_aid.lean`)."""
    owned = request.scope[_REQUEST_SESSION] = RequestSession()
    request.scope.pop(_PRINCIPAL, None)  # a request run again authenticates again
    try:
        response = await handler(request)
    except BaseException as error:
        await owned.close(error)
        raise
    await owned.close(None)
    return response


class IndexedRouter(APIRouter):
    """An ``APIRouter`` that tells at a glance whether a path can be one of its routes.

    FastAPI (0.137 and later) matches an included router by walking every one of its routes,
    each with its own regular expression and bookkeeping, and routers are tried in order: a depot
    read tested some thirty routes of the routers before its own, ``/healthz`` every API route
    (issue 11). Once included under ``prefix`` (:func:`ukg_aid.api.include`), this router first
    compares the path's first segment under the prefix with its routes' first segments and
    answers "no match" at once when none can match; otherwise FastAPI matches as always."""

    _prefix: str | None = None
    _heads: frozenset[str] | None = None  # None: some route cannot be told by its first segment
    _indexed: int = -1  # how many routes the index was built from

    def index_under(self, prefix: str) -> None:
        self._prefix = prefix
        self._indexed = -1

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if self._prefix is not None and not self._could_match(scope):
            return Match.NONE, {}
        return super().matches(scope)

    def _could_match(self, scope: Scope) -> bool:
        if self._indexed != len(self.routes):  # routes are added at import, before include
            heads = frozenset(_first_segment(getattr(r, "path", "")) for r in self.routes)
            unindexable = "" in heads or any("{" in head for head in heads)
            self._heads = None if unindexable else heads
            self._indexed = len(self.routes)
        if self._heads is None:
            return True
        path = get_route_path(scope)  # the path as Starlette's and FastAPI's matching read it
        prefix = self._prefix or ""
        return path.startswith(prefix) and _first_segment(path[len(prefix) :]) in self._heads


def _first_segment(path: str) -> str:
    """``/depots/{depot_id}`` → ``depots``."""
    return path.lstrip("/").split("/", 1)[0]


LEAN = "_ukg_aid_lean"
"""The attribute :func:`lean` sets on an endpoint."""


def lean(endpoint: E) -> E:
    """Mark a GET endpoint to be served, for requests it accepts, by a lean route in front of
    FastAPI's routing (:mod:`ukg_aid.lean`): for the busiest reads, where FastAPI's routing and
    dependency solving cost as much CPU as the statements (issue 11). Its route stays declared as
    it is, for the OpenAPI document and every request the lean route leaves to it."""
    setattr(endpoint, LEAN, True)
    return endpoint


def api_router(**options: Any) -> IndexedRouter:
    """An API router: indexed (:class:`IndexedRouter`), its routes owning their session
    (:class:`SessionRoute`)."""
    return IndexedRouter(route_class=SessionRoute, **options)


async def get_session(request: Request) -> AsyncSession:
    """The request's session (one per request, however many dependencies ask)."""
    owned = request.scope.get(_REQUEST_SESSION)
    if not isinstance(owned, RequestSession):
        raise RuntimeError(f"{request.url.path}: a route using the session must be a SessionRoute")
    return await owned.open(request)


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def get_clock(settings: SettingsDep) -> Clock:
    """The deployment's clock (``UKG_AID_CLOCK``, ``UKG_AID_MAX_BACKDATE_HOURS``)."""
    return Clock(settings.clock, timedelta(hours=settings.max_backdate_hours))


ClockDep = Annotated[Clock, Depends(get_clock)]
Session = Annotated[AsyncSession, Depends(get_session)]


BEARER = HTTPBearerModel(
    description="An API token: `ukg-aid token create --role ROLE --name NAME` prints it "
    "(admins also `POST /api/v1/tokens`). Paste the secret without the `Bearer ` prefix."
)
"""The bearer scheme as the OpenAPI document declares it (the docs page's Authorize button, and a
lock on every route that needs a token)."""


def bearer_secret(request: Request) -> str | None:
    """The secret of ``Authorization: Bearer <secret>``; None when absent, empty or another
    scheme (as FastAPI's ``HTTPBearer`` reads the header)."""
    scheme, secret = get_authorization_scheme_param(request.headers.get("authorization"))
    return secret if scheme.lower() == "bearer" and secret else None


async def get_principal(request: Request) -> Principal:
    """The request's principal: its token looked up once per request, however many dependencies
    ask (a role guard and the idempotency record, say), on the request's session. No token is our
    own 401 problem, not FastAPI's."""
    known = request.scope.get(_PRINCIPAL)
    if isinstance(known, Principal):
        return known
    secret = bearer_secret(request)
    if secret is None:
        raise Unauthorized(
            "send 'Authorization: Bearer <token>'; create one with 'ukg-aid token create'",
            code="missing-token",
        )
    session = await get_session(request)
    principal = await auth_service.authenticate(session, secret)
    request.scope[_PRINCIPAL] = principal
    return principal


class BearerScheme(SecurityBase):
    """A dependency that is the bearer security scheme itself, so FastAPI declares the scheme
    (:data:`BEARER`) on every route that depends on it, without a separate ``HTTPBearer``
    dependency: each dependency costs FastAPI some 30–50 µs per request, a tenth of a depot read
    (issue 11). Subclasses read the header with :func:`bearer_secret`."""

    def __init__(self) -> None:
        self.model = BEARER
        self.scheme_name = "bearer"


class Guard(BearerScheme):
    """A dependency admitting only ``roles`` (403 problem otherwise), after authenticating the
    request (:func:`get_principal`)."""

    def __init__(self, *roles: Role) -> None:
        super().__init__()
        self.allowed = frozenset(roles)

    async def __call__(self, request: Request) -> Principal:
        principal = await get_principal(request)
        if principal.role not in self.allowed:
            names = ", ".join(sorted(r.value for r in self.allowed))
            raise Forbidden(
                f"role '{principal.role.value}' may not do this; allowed: {names}",
                code="wrong-role",
            )
        return principal


Reader = Annotated[Principal, Depends(Guard(*Role))]
CurrentPrincipal = Reader
"""The request's principal, whatever its role (the same dependency as :data:`Reader`)."""
Admin = Annotated[Principal, Depends(Guard(Role.admin))]
Coordinator = Annotated[Principal, Depends(Guard(Role.coordinator, Role.admin))]
AuditReader = Annotated[Principal, Depends(Guard(Role.coordinator, Role.admin, Role.observer))]
DeskOrAdmin = Annotated[Principal, Depends(Guard(Role.desk, Role.admin))]
Ems = Annotated[Principal, Depends(Guard(Role.ems, Role.admin))]
EmsOrDesk = Annotated[Principal, Depends(Guard(Role.ems, Role.desk, Role.admin))]
DeskOrCoordinator = Annotated[Principal, Depends(Guard(Role.desk, Role.coordinator, Role.admin))]


class Paging:
    """``?limit=&offset=`` with the configured default and cap."""

    def __init__(self, limit: int, offset: int) -> None:
        self.limit = limit
        self.offset = offset

    def page(self, items: Sequence[T], total: int) -> Page[T]:
        """The answer of a list route: ``items`` of this page and the paging that produced it."""
        return Page(items=list(items), total=total, limit=self.limit, offset=self.offset)

    def body(self, items: list[dict[str, Any]], total: int) -> dict[str, Any]:
        """:meth:`page` as plain data, for :func:`json_response` (items already plain)."""
        return {"items": items, "total": total, "limit": self.limit, "offset": self.offset}


async def get_paging(
    settings: SettingsDep,
    limit: Annotated[LimitParam | None, Query(description="page size")] = None,
    offset: Annotated[OffsetParam, Query(description="rows to skip")] = 0,
) -> Paging:
    """The page asked for, the size capped (a function, not the class itself as dependency: FastAPI
    would build the class in a worker thread)."""
    return Paging(min(limit or settings.default_page_limit, settings.max_page_limit), offset)


PagingDep = Annotated[Paging, Depends(get_paging)]


def json_response(body: Any, status_code: int = 200) -> Response:
    """``body`` (plain data, models or both) as JSON, serialised once by pydantic-core. The hot
    routes (issue 11) declare ``response_model`` for the documentation and return this: the
    value they built is neither validated nor serialised a second time."""
    return Response(to_json(body), status_code=status_code, media_type="application/json")
