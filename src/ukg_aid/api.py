"""All ``/api/v1`` routers in one place."""

from __future__ import annotations

from fastapi import APIRouter

from ukg_aid.aid_requests.members_router import router as members_router
from ukg_aid.aid_requests.router import router as aid_requests_router
from ukg_aid.audit.router import events_router
from ukg_aid.audit.router import router as audit_router
from ukg_aid.catalog.router import router as catalog_router
from ukg_aid.incidents.router import router as incidents_router
from ukg_aid.medevac.fleet_router import router as helicopters_router
from ukg_aid.medevac.router import router as medevac_router
from ukg_aid.plans.cancel_router import router as cancel_router
from ukg_aid.plans.router import router as plans_router
from ukg_aid.reports.router import router as reports_router
from ukg_aid.schemas import problem_responses
from ukg_aid.stockpiles.router import router as stockpiles_router
from ukg_aid.tokens.router import me_router
from ukg_aid.tokens.router import router as tokens_router

# Every API route may answer these; documenting them keeps clients and fuzzers honest.
ERRORS = problem_responses(400, 401, 403, 404, 409, 413, 422)

api_router = APIRouter(prefix="/api/v1")
for _router in (
    incidents_router,
    members_router,
    catalog_router,
    stockpiles_router,
    aid_requests_router,
    cancel_router,
    plans_router,
    helicopters_router,
    medevac_router,
    reports_router,
    audit_router,
    events_router,
    tokens_router,
    me_router,
):
    api_router.include_router(_router, responses=ERRORS)
