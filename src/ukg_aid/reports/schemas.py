from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ukg_aid.schemas import OutputModel

UNITS = " (units: summed over different items here, so compare them within one item: `items`)"


class Counts(OutputModel):
    """One item's units: comparable, as they are counted in that item's unit."""

    requested: int
    allocated: int
    dispatched: int
    delivered: int
    unmet: int = Field(description="open remainder (requested, not yet allocated) of open requests")
    fill_rate: float | None = Field(description="delivered / requested; null when nothing asked")


class ItemSituation(Counts):
    item_code: str
    name_ja: str
    name_en: str
    unit: str


class Totals(Counts):
    """Units summed over items (kept for scripts that add them up) and request lines counted,
    which mean the same whatever the item."""

    requested: int = Field(description="requested" + UNITS)
    fill_rate: float | None = Field(description="delivered / requested" + UNITS)
    lines: int = Field(description="request lines asking for something (SPEC §2 lines)")
    lines_delivered: int = Field(description="of those, lines delivered in full")
    lines_unmet: int = Field(description="lines of open requests with a remainder not allocated")


class MemberSituation(Totals):
    member_code: str
    name_ja: str
    name_en: str
    requests_open: int
    first_request_at: datetime
    first_delivery_at: datetime | None
    hours_to_first_delivery: float | None
    items: list[ItemSituation] = Field(description="the member's requests per item, by code")


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
    items: list[ItemSituation] = Field(description="the union's requests per item, by code")
    members: list[MemberSituation]
    unmet: list[UnmetNeed]
    plans: PlanCounts
