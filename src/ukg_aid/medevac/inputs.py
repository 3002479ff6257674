"""What the ``dispatch_air`` core needs besides aircraft and missions, loaded once per decision:
receiving hospitals (the ``hospitals`` table), weather holds not lifted, and stagings.

Receiving hospitals are no longer the heli bases: the default is the nearest operational hospital
with a known heliport (core ``choose_hospital``); a mission that names one by ``hospital_id`` gets
it with its current status (damaged or full: refused with that reason).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.dispatch_air import Aircraft, Hospital, Mission, WeatherHold
from ukg_aid.helicopters import service as heli_service
from ukg_aid.helicopters.models import Helicopter, HelicopterStaging
from ukg_aid.hospitals.service import core_hospitals
from ukg_aid.medevac import service as mission_service
from ukg_aid.medevac.models import MedevacMission
from ukg_aid.weather.service import core_holds


@dataclass(frozen=True, slots=True)
class CoreInputs:
    hospitals: list[Hospital]
    holds: list[WeatherHold]
    stagings: dict[int, list[HelicopterStaging]]

    def aircraft(self, fleet: Sequence[Helicopter]) -> list[Aircraft]:
        """The aircraft still in the fleet (not left), each with its stagings."""
        return [
            heli_service.to_aircraft(h, self.stagings.get(h.id, []))
            for h in fleet
            if h.left_at is None
        ]

    def mission(self, m: MedevacMission) -> Mission:
        by_id = {h.id: h for h in self.hospitals if h.id is not None}
        return mission_service.to_core(m, by_id)


async def load(session: AsyncSession) -> CoreInputs:
    return CoreInputs(
        hospitals=await core_hospitals(session),
        holds=await core_holds(session),
        stagings=await heli_service.stagings_of(session),
    )
