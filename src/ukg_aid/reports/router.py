from __future__ import annotations

from fastapi import APIRouter

from ukg_aid.deps import Reader, Session
from ukg_aid.reports import service as report_service
from ukg_aid.reports.schemas import SituationReport

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get(
    "/situation",
    summary="Situation report: per member requested → delivered, unmet needs by cause, plans",
    description="Per member that filed: units requested, allocated (approved plans), "
    "dispatched, delivered, the open remainder (`unmet`), fill rate (delivered / requested) "
    "and hours from its first request to its first delivery; the union's totals; the open "
    "remainder of open requests by item and the cause the latest plan gave it "
    "(`not_planned` when none did); plan counts by status. A cancelled request counts only "
    "what was dispatched for it. Every reader role; times in Japan time.",
)
async def situation(session: Session, _: Reader) -> SituationReport:
    return await report_service.situation(session)
