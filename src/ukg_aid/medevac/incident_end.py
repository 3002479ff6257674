"""What of the medevac fleet ends when its incident closes (SPEC §10, §12): its visiting
aircraft leave, its stagings end and its weather holds are lifted, each audited with a note
naming the incident. Registered with ``incidents.service.on_close`` in ``ukg_aid.api``.

A visiting aircraft still flying a mission cannot leave: the close is refused (409) and
nothing changes; EMS completes or cancels the mission first. Stagings that already ended keep
their record; current and future ones end at the closing time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.db.locking import for_change
from ukg_aid.errors import Conflict
from ukg_aid.helicopters.models import Helicopter, HelicopterStaging
from ukg_aid.incidents.models import Incident
from ukg_aid.medevac import fleet, fleet_ops
from ukg_aid.principal import Principal
from ukg_aid.weather import service as weather_service


async def end_with_incident(
    session: AsyncSession, incident: Incident, principal: Principal, at: datetime
) -> None:
    note = f"incident {incident.id} ({incident.name}) closed"
    visitors = list(
        await session.scalars(
            for_change(
                select(Helicopter)
                .where(Helicopter.incident_id == incident.id, Helicopter.left_at.is_(None))
                .order_by(Helicopter.id)
            )
        )
    )
    missions = await fleet.active_missions(session)
    flying = [(h, missions[h.id]) for h in visitors if h.id in missions]
    if flying:
        named = ", ".join(f"{h.callsign} (mission {m.id})" for h, m in flying)
        raise Conflict(
            f"incident {incident.id} cannot close while its visiting aircraft fly: {named}; "
            "complete or cancel those missions first",
            code="visiting-aircraft-on-mission",
            mission_ids=[m.id for _, m in flying],
        )
    for heli in visitors:
        await fleet_ops.depart(session, heli, principal=principal, at=at, note=note)
    stagings = await session.scalars(
        for_change(
            select(HelicopterStaging)
            .where(
                HelicopterStaging.incident_id == incident.id,
                HelicopterStaging.cancelled_at.is_(None),
                HelicopterStaging.until > at,
            )
            .order_by(HelicopterStaging.id)
        )
    )
    for staging in list(stagings):
        await fleet_ops.withdraw(session, staging, principal=principal, at=at, note=note)
    await weather_service.lift_for_incident(
        session, principal=principal, incident_id=incident.id, at=at, note=note
    )
