from __future__ import annotations

from typing import Annotated

from fastapi import Query

from ukg_aid.deps import Reader, Session, api_router
from ukg_aid.incidents import service as incident_service
from ukg_aid.reports import service as report_service
from ukg_aid.reports.schemas import SituationReport
from ukg_aid.schemas import IdParam

router = api_router(prefix="/reports", tags=["reports"])


@router.get(
    "/situation",
    summary="Situation report: per member requested → delivered, unmet needs by cause, plans",
    description="Per member that filed: units requested, allocated (approved plans), "
    "dispatched, delivered, the open remainder (`unmet`), fill rate (delivered / requested) "
    "and hours from its first request to its first delivery; the union's totals; the open "
    "remainder of open requests by item and the cause the latest plan gave it "
    "(`not_planned` when none did); plan counts by status. A cancelled request counts only "
    "what was dispatched for it. ``?incident=`` reports one incident (default: all). Every "
    "reader role; times in Japan time.",
)
async def situation(
    session: Session,
    _: Reader,
    incident: Annotated[IdParam | None, Query(description="incident id")] = None,
) -> SituationReport:
    incident_id = await incident_service.existing(session, incident)
    return await report_service.situation(session, incident_id)
