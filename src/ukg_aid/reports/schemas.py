from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ukg_aid.schemas import OutputModel


class Totals(OutputModel):
    requested: int
    allocated: int
    dispatched: int
    delivered: int
    unmet: int = Field(description="open remainder (requested, not yet allocated) of open requests")
    fill_rate: float | None = Field(description="delivered / requested; null when nothing asked")


class MemberSituation(Totals):
    member_code: str
    name_ja: str
    name_en: str
    requests_open: int
    first_request_at: datetime
    first_delivery_at: datetime | None
    hours_to_first_delivery: float | None


class UnmetNeed(OutputModel):
    item_code: str
    name_ja: str
    name_en: str
    unit: str
    quantity: int
    cause: str = Field(
        description="the latest plan's cause for the line (shortage, no_stock, "
        "all_suppliers_stricken, reserve_floor, depots_not_operational, …), "
        "awaiting_approval while that plan is proposed, else not_planned"
    )


class PlanCounts(OutputModel):
    proposed: int = 0
    approved: int = 0
    completed: int = 0
    discarded: int = 0
    cancelled: int = 0


class SituationReport(OutputModel):
    generated_at: datetime
    incident_id: int | None = Field(
        default=None, description="the incident reported (`?incident=`); null: every incident"
    )
    totals: Totals
    members: list[MemberSituation]
    unmet: list[UnmetNeed]
    plans: PlanCounts
