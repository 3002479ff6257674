"""Sortie timelines: lift-off, base → scene, on scene, scene → hospital, hospital → base.

Flight legs are great-circle distances (``ukg_aid.geo.haversine_km``, R = 6371.0 km) flown at the
aircraft's cruise speed, from its operating base: the home base, or the forward base it is staged
at when the sortie is assigned (the caller passes the aircraft through ``staging.staged``).
Lift-off takes ``LIFT_OFF_MIN`` minutes from the assignment and the crew spends ``ON_SCENE_MIN``
minutes on scene (SPEC §4). Hand-over at the hospital is not modelled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ukg_aid.dispatch_air.model import Aircraft, Hospital, Mission
from ukg_aid.geo import Point, haversine_km

LIFT_OFF_MIN = 5.0
ON_SCENE_MIN = 15.0


def flight_minutes(km: float, cruise_kmh: float) -> float:
    """Minutes to fly ``km`` kilometres at ``cruise_kmh``."""
    return km / cruise_kmh * 60.0


def time_to_point_min(aircraft: Aircraft, lat: float, lon: float) -> float:
    """Lift-off plus flight from the aircraft's base to a point, in minutes."""
    km = haversine_km(aircraft.base_lat, aircraft.base_lon, lat, lon)
    return LIFT_OFF_MIN + flight_minutes(km, aircraft.cruise_kmh)


@dataclass(frozen=True, slots=True)
class Sortie:
    """The planned timeline of one aircraft flying one mission, started at ``assigned_at``.

    ``time_to_scene_min`` = lift-off + base → scene flight; ``total_km`` is the three legs
    (base → scene → hospital → base), which must stay within the aircraft's range. ``base_name``
    and ``base`` are where it starts and ends (a staging point while staged).
    """

    aircraft_id: int
    mission_id: int
    base_name: str
    base: Point
    scene: Point
    hospital: Hospital
    assigned_at: dt.datetime
    depart_at: dt.datetime
    on_scene_at: dt.datetime
    leave_scene_at: dt.datetime
    at_hospital_at: dt.datetime
    back_at_base_at: dt.datetime
    time_to_scene_min: float
    total_km: float


def plan_sortie(
    aircraft: Aircraft, mission: Mission, hospital: Hospital, at: dt.datetime
) -> Sortie:
    """The timeline of ``aircraft`` flying ``mission`` to ``hospital`` when assigned at ``at``."""
    to_scene = haversine_km(
        aircraft.base_lat, aircraft.base_lon, mission.scene_lat, mission.scene_lon
    )
    to_hospital = haversine_km(mission.scene_lat, mission.scene_lon, hospital.lat, hospital.lon)
    to_base = haversine_km(hospital.lat, hospital.lon, aircraft.base_lat, aircraft.base_lon)

    def leg(km: float) -> dt.timedelta:
        return dt.timedelta(minutes=flight_minutes(km, aircraft.cruise_kmh))

    depart_at = at + dt.timedelta(minutes=LIFT_OFF_MIN)
    on_scene_at = depart_at + leg(to_scene)
    leave_scene_at = on_scene_at + dt.timedelta(minutes=ON_SCENE_MIN)
    at_hospital_at = leave_scene_at + leg(to_hospital)
    return Sortie(
        aircraft_id=aircraft.id,
        mission_id=mission.id,
        base_name=aircraft.base_name,
        base=aircraft.base,
        scene=mission.scene,
        hospital=hospital,
        assigned_at=at,
        depart_at=depart_at,
        on_scene_at=on_scene_at,
        leave_scene_at=leave_scene_at,
        at_hospital_at=at_hospital_at,
        back_at_base_at=at_hospital_at + leg(to_base),
        time_to_scene_min=LIFT_OFF_MIN + flight_minutes(to_scene, aircraft.cruise_kmh),
        total_km=to_scene + to_hospital + to_base,
    )
