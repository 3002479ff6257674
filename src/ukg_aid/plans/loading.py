"""Build the matching core's plain ``Problem`` from the database (and nothing else)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Result, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import matching
from ukg_aid.aid_requests.enums import OPEN_STATUSES
from ukg_aid.aid_requests.models import AidRequest, AidRequestLine
from ukg_aid.aid_requests.stricken import stricken_members
from ukg_aid.closures import service as closure_service
from ukg_aid.config import Settings
from ukg_aid.errors import NotFound, Unprocessable
from ukg_aid.incidents.counterparts import frozen_pairs
from ukg_aid.members import service as member_service
from ukg_aid.plans.enums import AllocationStatus
from ukg_aid.plans.models import PlanAllocation
from ukg_aid.stockpiles.enums import DepotStatus
from ukg_aid.stockpiles.models import Depot, Stock

_LINE_COLUMNS = (  # plain columns: no ORM object for each of thousands of lines
    AidRequestLine.id,
    AidRequestLine.item_code,
    AidRequestLine.quantity,
    AidRequestLine.allocated,
    AidRequest.id.label("request_id"),
    AidRequest.member_code,
    AidRequest.priority,
    AidRequest.delivery_lat,
    AidRequest.delivery_lon,
    AidRequest.needed_by,
)


async def open_lines(
    session: AsyncSession,
    request_ids: Sequence[int] | None,
    as_of: datetime,
    incident_id: int,
    *,
    reopened: bool = False,
) -> list[matching.RequestLine]:
    """Every line of an open request of the incident filed by ``as_of`` with an unallocated
    quantity left (``reopened``: only lines a decline or a short delivery gave back, SPEC §11).

    A plan is judged at its ``at``: a request filed later does not exist yet at that time.
    """
    query = (
        select(*_LINE_COLUMNS)
        .join(AidRequest, AidRequest.id == AidRequestLine.request_id)
        .where(
            AidRequestLine.allocated < AidRequestLine.quantity,
            AidRequest.filed_at <= as_of,
            AidRequest.incident_id == incident_id,
        )
    )
    if request_ids is not None:
        await _check_requests(session, request_ids, as_of, incident_id)
        query = query.where(AidRequest.id.in_(request_ids))
    if reopened:
        declined = select(PlanAllocation.line_id).where(
            PlanAllocation.status == AllocationStatus.declined
        )
        query = query.where((AidRequestLine.lost > 0) | AidRequestLine.id.in_(declined))
    query = query.where(AidRequest.status.in_(OPEN_STATUSES)).order_by(AidRequestLine.id)
    return await asyncio.to_thread(_lines, await _fetched(session, query), as_of)


async def _fetched(session: AsyncSession, query: Select[*tuple[Any, ...]]) -> Result[Any]:
    """``query``'s rows fetched but not processed: on the session's connection (an ORM execution
    processes every row on the event loop before it returns), to be turned into the core's
    values in a worker thread (thousands of lines and stock rows)."""
    connection = await session.connection()
    result: Result[Any] = await connection.execute(query)
    return result


def _lines(rows: Result[Any], as_of: datetime) -> list[matching.RequestLine]:
    return [
        matching.RequestLine(
            line_id=row.id,
            request_id=row.request_id,
            member_code=row.member_code,
            item_code=row.item_code,
            quantity=row.quantity - row.allocated,
            priority=matching.Priority(row.priority.value),
            lat=row.delivery_lat,
            lon=row.delivery_lon,
            needed_by_minutes=_minutes_until(row.needed_by, as_of),
        )
        for row in rows
    ]


def _minutes_until(needed_by: datetime | None, as_of: datetime) -> float | None:
    """Rule 4's deadline in the core's terms: minutes from the plan's time (may be ≤ 0)."""
    if needed_by is None:
        return None
    return (needed_by - as_of).total_seconds() / 60.0


async def _check_requests(
    session: AsyncSession, request_ids: Sequence[int], as_of: datetime, incident_id: int
) -> None:
    rows = await session.execute(
        select(AidRequest.id, AidRequest.status, AidRequest.filed_at, AidRequest.incident_id).where(
            AidRequest.id.in_(request_ids)
        )
    )
    found: dict[int, tuple[object, datetime]] = {}
    elsewhere: list[int] = []
    for request_id, status, filed, incident in rows:
        found[request_id] = (status, filed)
        if incident != incident_id:
            elsewhere.append(request_id)
    missing = sorted(set(request_ids) - set(found))
    if missing:
        raise NotFound(f"aid requests {missing} do not exist", code="unknown-request")
    if elsewhere:
        raise Unprocessable(
            f"aid requests {sorted(elsewhere)} belong to another incident than the plan's "
            f"({incident_id}): a plan covers one incident",
            code="incident-mismatch",
            errors=[
                {
                    "loc": ["body", "request_ids"],
                    "msg": f"of another incident: {sorted(elsewhere)}",
                    "type": "incident_mismatch",
                }
            ],
        )
    later = {i: filed for i, (_, filed) in found.items() if filed > as_of}
    if later:
        _filed_after(later, as_of)
    closed = sorted(i for i, (status, _) in found.items() if status not in OPEN_STATUSES)
    if closed:
        raise Unprocessable(
            f"aid requests {closed} are closed (fulfilled or cancelled) and cannot be planned",
            errors=[
                {
                    "loc": ["body", "request_ids"],
                    "msg": f"closed: {closed}",
                    "type": "request_closed",
                }
            ],
        )


def _filed_after(later: dict[int, datetime], as_of: datetime) -> None:
    """422: a plan at ``as_of`` cannot cover requests filed after it (SPEC §9)."""
    named = ", ".join(
        f"{i} (filed {filed.astimezone(as_of.tzinfo).isoformat()})"
        for i, filed in sorted(later.items())
    )
    raise Unprocessable(
        f"aid requests {named} were filed after the plan's time {as_of.isoformat()}: "
        "a plan cannot cover a request that did not exist yet",
        code="timeline-backwards",
        errors=[
            {
                "loc": ["body", "request_ids"],
                "msg": f"filed after {as_of.isoformat()}: {sorted(later)}",
                "type": "timeline_backwards",
            }
        ],
    )


async def supplies(session: AsyncSession, item_codes: set[str]) -> list[matching.Supply]:
    query = (
        select(  # plain columns: thousands of stock rows, no ORM objects
            Stock.depot_id,
            Stock.item_code,
            Stock.on_hand,
            Stock.reserved,
            Stock.reserve_floor,
            Depot.member_code,
            Depot.lat,
            Depot.lon,
            Depot.status,
        )
        .join(Depot, Depot.id == Stock.depot_id)
        .where(Stock.item_code.in_(item_codes))
        .order_by(Stock.depot_id, Stock.item_code)
    )
    return await asyncio.to_thread(_supplies, await _fetched(session, query))


def _supplies(rows: Result[Any]) -> list[matching.Supply]:
    return [
        matching.Supply(
            depot_id=row.depot_id,
            member_code=row.member_code,
            item_code=row.item_code,
            lat=row.lat,
            lon=row.lon,
            on_hand=row.on_hand,
            reserved=row.reserved,
            reserve_floor=row.reserve_floor,
            operational=row.status is DepotStatus.operational,
        )
        for row in rows
    ]


async def build_problem(
    session: AsyncSession,
    *,
    settings: Settings,
    request_ids: Sequence[int] | None,
    include_stricken_suppliers: bool,
    as_of: datetime,
    incident_id: int,
    reopened: bool = False,
) -> matching.Problem:
    """The incident's open lines, all stock, the incident's counterpart pairs and closures as
    they are now (the plan freezes them into its inputs: changing them later changes no plan)."""
    lines = await open_lines(session, request_ids, as_of, incident_id, reopened=reopened)
    stock = await supplies(session, {line.item_code for line in lines}) if lines else []
    options = matching.Options(
        include_stricken_suppliers=include_stricken_suppliers,
        counterparts=await frozen_pairs(session, incident_id),
        counterpart_factor=settings.counterpart_factor,
    )
    return matching.Problem(
        supplies=tuple(stock),
        lines=tuple(lines),
        stricken=frozenset(await stricken_members(session, as_of=as_of)),
        options=options,
        guests=frozenset(await member_service.guest_codes(session)),
        closures=await closure_service.active(session, incident_id),
    )


def travel_model(settings: Settings) -> matching.TravelModel:
    """The estimate by default; an OSRM-compatible router when ``UKG_AID_OSRM_URL`` is set."""
    if settings.osrm_url:
        return matching.OsrmTravel(
            settings.osrm_url,
            truck_kmh=settings.truck_kmh,
            loading_minutes=settings.loading_minutes,
        )
    return matching.EstimateTravel(
        settings.road_circuity, settings.truck_kmh, settings.loading_minutes
    )
