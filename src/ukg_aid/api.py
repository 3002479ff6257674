"""All ``/api/v1`` routers in one place."""

from __future__ import annotations

from fastapi import FastAPI

from ukg_aid.aid_requests.members_router import router as members_router
from ukg_aid.aid_requests.router import router as aid_requests_router
from ukg_aid.audit.router import events_router
from ukg_aid.audit.router import router as audit_router
from ukg_aid.catalog.router import router as catalog_router
from ukg_aid.closures.router import router as closures_router
from ukg_aid.deps import IndexedRouter
from ukg_aid.hospitals.router import router as hospitals_router
from ukg_aid.incidents import service as incident_service
from ukg_aid.incidents.router import router as incidents_router
from ukg_aid.lean import is_lean, lean_route
from ukg_aid.medevac.fleet_router import router as helicopters_router
from ukg_aid.medevac.incident_end import end_with_incident
from ukg_aid.medevac.router import router as medevac_router
from ukg_aid.plans.cancel_router import router as cancel_router
from ukg_aid.plans.router import router as plans_router
from ukg_aid.plans.shipments.router import router as shipments_router
from ukg_aid.reports.router import router as reports_router
from ukg_aid.schemas import problem_responses
from ukg_aid.shelters.router import router as shelters_router
from ukg_aid.stockpiles.router import router as stockpiles_router
from ukg_aid.tokens.router import me_router
from ukg_aid.tokens.router import router as tokens_router
from ukg_aid.weather.router import router as weather_router

# Closing an incident ends its medevac fleet's visiting aircraft, stagings and holds (SPEC §12).
incident_service.on_close("medevac", end_with_incident)

# Every API route may answer these; documenting them keeps clients and fuzzers honest.
ERRORS = problem_responses(400, 401, 403, 404, 409, 413, 422)

PREFIX = "/api/v1"
ROUTERS: tuple[IndexedRouter, ...] = (
    incidents_router,
    members_router,
    catalog_router,
    stockpiles_router,
    aid_requests_router,
    cancel_router,
    shelters_router,
    plans_router,
    closures_router,
    shipments_router,
    helicopters_router,
    hospitals_router,
    weather_router,
    medevac_router,
    reports_router,
    audit_router,
    events_router,
    tokens_router,
    me_router,
)


def include(app: FastAPI) -> None:
    """Every API router straight into the app, under ``/api/v1`` (the same OpenAPI document as
    one ``/api/v1`` router holding them all). Not nested: FastAPI (0.137 and later) matches an
    included router lazily, walking each level twice per request (to match, then to handle) and
    re-checking every nested router's version on the way; one level less saved a depot read a
    fifth of its CPU (issue 11, docs/benchmarks.md)."""
    if app.router.dependencies:  # a lean route resolves only its own route's dependencies
        raise ValueError("app-wide dependencies would bypass the lean routes (ukg_aid.lean)")
    for router in ROUTERS:  # first the lean routes (ukg_aid.lean), tried before any router
        app.router.routes.extend(lean_route(PREFIX, r) for r in router.routes if is_lean(r))
    for router in ROUTERS:
        router.index_under(PREFIX)
        app.include_router(router, prefix=PREFIX, responses=ERRORS)  # no dependencies: see above
