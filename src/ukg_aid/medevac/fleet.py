"""The fleet as the missions see it: which mission holds which aircraft, where an aircraft is
(its base, or the scene of the mission holding it), and status changes by hand, which a
mission holding the aircraft forbids. Above ``helicopters`` (the aircraft and their status
history), so that package knows nothing of missions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.air_kinds import AircraftStatus
from ukg_aid.clock import Clock
from ukg_aid.errors import Conflict
from ukg_aid.helicopters import service as heli_service
from ukg_aid.helicopters.models import Helicopter
from ukg_aid.helicopters.schemas import HelicopterUpdate
from ukg_aid.medevac.models import ACTIVE, MedevacMission
from ukg_aid.principal import Principal


async def active_missions(session: AsyncSession) -> dict[int, MedevacMission]:
    """Active missions by the helicopter they hold."""
    rows = await session.scalars(
        select(MedevacMission).where(
            MedevacMission.status.in_(ACTIVE), MedevacMission.helicopter_id.is_not(None)
        )
    )
    return {m.helicopter_id: m for m in rows if m.helicopter_id is not None}


async def update_status(
    session: AsyncSession,
    *,
    principal: Principal,
    heli_id: int,
    data: HelicopterUpdate,
    clock: Clock,
) -> Helicopter:
    """PATCH by hand. ``on_mission`` belongs to missions: it cannot be set or left by hand
    while a mission holds the aircraft, nor set without one (409). A visiting aircraft that has
    left the fleet is gone: it is not changed any more (409)."""
    at = clock.resolve(data.at)
    heli = await heli_service.get_helicopter(session, heli_id, lock=True)
    if heli.left_at is not None:
        raise Conflict(
            f"helicopter {heli.id} left the fleet at {heli.left_at.isoformat()}; "
            "it cannot be changed any more",
            code="helicopter-left",
        )
    mission = (await active_missions(session)).get(heli.id)
    if mission is not None and data.status is not heli.status:
        raise Conflict(
            f"helicopter {heli.id} is flying mission {mission.id} ({mission.status.value}); "
            "complete or cancel the mission to free it",
            code="helicopter-on-mission",
            mission_id=mission.id,
        )
    if mission is None and data.status is AircraftStatus.on_mission:
        raise Conflict(
            "on_mission is set by assigning a medevac mission, not by hand",
            code="helicopter-state",
        )
    if data.status is not heli.status or data.note:
        await heli_service.change_status(
            session, heli, data.status, principal=principal, at=at, note=data.note
        )
    return heli


async def geojson(
    session: AsyncSession, *, member_code: str | None, status: AircraftStatus | None
) -> dict[str, Any]:
    """Aircraft positions: the base, or the scene while a mission holds the aircraft."""
    fleet, _ = await heli_service.list_helicopters(
        session, member_code=member_code, status=status, limit=1000, offset=0
    )
    missions = await active_missions(session)
    features = []
    for h in fleet:
        mission = missions.get(h.id)
        lon, lat = (mission.scene_lon, mission.scene_lat) if mission else (h.base_lon, h.base_lat)
        features.append(
            {
                "type": "Feature",
                "id": h.id,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": heli_service.to_read(h, mission.id if mission else None).model_dump(
                    mode="json"
                )
                | {"position": "scene" if mission else "base"},
            }
        )
    return {"type": "FeatureCollection", "features": features}
