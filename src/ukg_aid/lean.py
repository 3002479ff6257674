"""Lean routes: the busiest reads served by a Starlette route in front of FastAPI's (issue 11).

A depot read's two statements cost less CPU than what FastAPI does around them: matching the
path through its included routers, building the request handler's exit stacks, solving the
session and guard dependencies. Serving the same endpoint from a plain Starlette route placed
before the API routers measured 0.67× the bare FastAPI + asyncpg app's requests/s against
0.56× (docs/benchmarks.md, eighth pass). So an endpoint marked :func:`ukg_aid.deps.lean` gets,
besides its FastAPI route, a :class:`LeanRoute` that:

* **matches only what it can serve exactly as FastAPI would**: a GET whose path parameters pass
  the route's own validation (FastAPI's ``request_params_to_args`` on the route's fields). Any
  other request, a malformed id or a HEAD, goes on to the FastAPI route and gets its answer (a
  422 problem, say), so there is one behaviour per request, not two;
* **calls the same endpoint with the same values**: the validated parameters, the request's
  session and its role guard's principal, resolved in the route's own order by the same
  functions (:func:`ukg_aid.deps.get_session`, :class:`ukg_aid.deps.Guard`), the session owned
  as a :class:`~ukg_aid.deps.SessionRoute` owns it (:func:`ukg_aid.deps.serve_with_session`);
* **raises as the route raises**: it sits inside the app's exception middleware, so a missing
  token is the same 401 problem and an outage the same 503;
* **is counted under the same template** by the metrics middleware;
* **declines while any dependency is overridden** (``app.dependency_overrides``, as tests do):
  FastAPI resolves overrides, the lean route would not.

Only endpoints that need nothing else qualify — a :class:`~ukg_aid.deps.SessionRoute`'s
``async def`` taking path parameters, the session and ``async`` guards, and returning a
``Response`` — and :func:`lean_route` refuses any other at start-up, naming what it found, as
:func:`ukg_aid.api.include` refuses app-wide dependencies (routers are included without any).
The FastAPI route stays declared as it is, so the OpenAPI document does not change.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeGuard, get_type_hints

from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import request_params_to_args
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Scope

from ukg_aid.deps import LEAN, Guard, SessionRoute, get_session, serve_with_session

Resolver = tuple[str | None, Callable[[Request], Awaitable[Any]]]
_VALUES = "ukg_aid.lean_values"


def is_lean(route: object) -> TypeGuard[APIRoute]:
    """Whether ``route`` is a FastAPI route whose endpoint is marked :func:`ukg_aid.deps.lean`."""
    return isinstance(route, APIRoute) and bool(getattr(route.endpoint, LEAN, False))


class LeanRoute(Route):
    """A GET route serving one FastAPI route's endpoint without FastAPI's routing."""

    def __init__(self, path: str, route: APIRoute, resolvers: Sequence[Resolver]) -> None:
        super().__init__(path, self._serve, methods=["GET"], name=route.name)
        self._endpoint = route.endpoint
        self._fields = route.dependant.path_params
        self._resolvers = tuple(resolvers)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] != "GET":
            return Match.NONE, {}  # a HEAD too (Starlette's GET admits it): FastAPI's route answers
        if getattr(scope.get("app"), "dependency_overrides", None):
            return Match.NONE, {}  # overridden dependencies (a test's): FastAPI resolves them
        match, child = super().matches(scope)
        if match is not Match.FULL:
            return Match.NONE, {}
        values, errors = request_params_to_args(self._fields, child["path_params"])
        if errors:
            return Match.NONE, {}  # FastAPI's route answers it, with its 422 problem
        return Match.FULL, {**child, "route": self, _VALUES: values}

    async def _serve(self, request: Request) -> Response:
        return await serve_with_session(request, self._answer)

    async def _answer(self, request: Request) -> Response:
        values = dict(request.scope[_VALUES])
        for name, resolve in self._resolvers:
            value = await resolve(request)
            if name is not None:
                values[name] = value
        response = await self._endpoint(**values)
        if not isinstance(response, Response):
            raise TypeError(f"lean endpoint {self.name} must return a Response")
        return response


def lean_route(prefix: str, route: APIRoute) -> LeanRoute:
    """The lean route for ``route`` included under ``prefix``; ValueError when the route needs
    more than a lean route gives (query, header, cookie or body parameters, other dependencies)."""
    if route.methods != {"GET"}:
        raise ValueError(f"{route.path}: only a GET route can be lean, not {route.methods}")
    if not isinstance(route, SessionRoute):
        raise ValueError(f"{route.path}: a lean route owns the session as a SessionRoute does")
    if not inspect.iscoroutinefunction(route.endpoint):
        raise ValueError(f"{route.path}: a lean endpoint must be 'async def'")
    answer = get_type_hints(route.endpoint).get("return")
    if not (isinstance(answer, type) and issubclass(answer, Response)):
        raise ValueError(f"{route.path}: a lean endpoint must return a Response, not {answer}")
    found = _extras(route.dependant) + (
        ["the request"] if route.dependant.request_param_name else []
    )
    if found:
        raise ValueError(
            f"{route.path}: a lean route takes path parameters only, not {', '.join(found)}"
        )
    resolvers = [_resolver(route.path, d) for d in route.dependant.dependencies]
    return LeanRoute(prefix + route.path, route, resolvers)


def _extras(dependant: Dependant) -> list[str]:
    """What ``dependant`` takes besides path parameters and the request."""
    extra = {
        "query parameters": dependant.query_params,
        "headers": dependant.header_params,
        "cookies": dependant.cookie_params,
        "a body": dependant.body_params,
        "the response": dependant.response_param_name,
        "background tasks": dependant.background_tasks_param_name,
        "security scopes": dependant.security_scopes_param_name,
        "a websocket": dependant.websocket_param_name or dependant.http_connection_param_name,
    }
    return [what for what, present in extra.items() if present]


def _resolver(path: str, dependency: Dependant) -> Resolver:
    """The route's dependency as the lean route resolves it: the session, or a role guard, each
    a function of the request alone."""
    call = dependency.call
    if not (call is get_session or isinstance(call, Guard)):
        raise ValueError(f"{path}: a lean route resolves the session and role guards, not {call!r}")
    taken = _extras(dependency) + (["path parameters"] if dependency.path_params else [])
    if taken or dependency.dependencies or dependency.request_param_name is None:
        raise ValueError(f"{path}: {call!r} must take the request alone")
    coroutine = call if call is get_session else type(call).__call__
    if not inspect.iscoroutinefunction(coroutine) or dependency.concurrency is not None:
        raise ValueError(f"{path}: {call!r} must be awaited on the loop ('async def', no limit)")
    return dependency.name, call
