"""Medevac use cases: file, read, list, GeoJSON, and the bridge to the ``dispatch_air`` core."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import placement
from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock
from ukg_aid.db.locking import for_change
from ukg_aid.db.paging import fetch_page
from ukg_aid.dispatch_air import Hospital, Mission, Severity
from ukg_aid.errors import NotFound, Unprocessable
from ukg_aid.hospitals.models import HospitalRow
from ukg_aid.incidents import service as incident_service
from ukg_aid.medevac.enums import MissionStatus
from ukg_aid.medevac.models import MedevacMission
from ukg_aid.medevac.schemas import (
    BlockedRead,
    HospitalRead,
    MissionCreate,
    MissionRead,
    SceneRead,
    TimelineRead,
)
from ukg_aid.principal import Principal


def to_read(m: MedevacMission) -> MissionRead:
    return MissionRead(
        id=m.id,
        member_code=m.member_code,
        incident_id=m.incident_id,
        scene=SceneRead(name=m.scene_name, lat=m.scene_lat, lon=m.scene_lon),
        severity=m.severity,
        patients=m.patients,
        status=m.status,
        helicopter_id=m.helicopter_id,
        eta_scene_minutes=m.eta_scene_minutes,
        sortie_km=m.sortie_km,
        reason=m.reason,
        reason_detail=m.reason_detail,
        blocked=[BlockedRead.model_validate(b) for b in m.blocked or []],
        requested_hospital=_hospital(m.requested_hospital),
        hospital=_hospital(m.hospital),
        hospital_id=m.hospital_id,
        reported_by=m.reported_by,
        reported_at=m.reported_at,
        assigned_by=m.assigned_by,
        updated_at=m.updated_at,
        timeline=TimelineRead.model_validate(m),
    )


def _hospital(value: dict[str, Any] | None) -> HospitalRead | None:
    return HospitalRead.model_validate(value) if value else None


def snapshot(m: MedevacMission) -> dict[str, Any]:
    return to_read(m).model_dump(mode="json", exclude={"blocked"})


def to_core(m: MedevacMission, hospitals: Mapping[int, Hospital] | None = None) -> Mission:
    """The mission for the core; a hospital named by id comes from ``hospitals`` (with its
    status), a hospital named by position is taken as given."""
    named = m.requested_hospital
    chosen: Hospital | None = None
    if m.hospital_id is not None and hospitals is not None:
        chosen = hospitals.get(m.hospital_id)
    elif named:
        chosen = Hospital(named["name"], named["lat"], named["lon"])
    return Mission(
        id=m.id,
        member_code=m.member_code,
        scene_lat=m.scene_lat,
        scene_lon=m.scene_lon,
        severity=Severity(m.severity),
        patients=m.patients,
        reported_at=m.reported_at,
        hospital=chosen,
        incident_id=m.incident_id,
    )


async def _validate(session: AsyncSession, data: MissionCreate, buffer_km: float) -> None:
    errors = await placement.member_and_point_errors(
        session,
        member_code=data.member_code,
        lat=data.scene.lat,
        lon=data.scene.lon,
        field="scene",
        what="scene",
        buffer_km=buffer_km,
    )
    if data.hospital is not None:  # any hospital in Japan may receive, not only the union's
        errors += await placement.point_errors(
            lat=data.hospital.lat,
            lon=data.hospital.lon,
            loc=["hospital"],
            what="receiving hospital",
            union_buffer_km=None,
        )
    if data.hospital is not None and data.hospital_id is not None:
        msg = "name the receiving hospital by hospital_id or by position, not both"
        errors.append({"loc": ["body", "hospital_id"], "msg": msg, "type": "hospital_twice"})
    if data.hospital_id is not None and await session.get(HospitalRow, data.hospital_id) is None:
        msg = f"hospital {data.hospital_id} does not exist"
        errors.append({"loc": ["body", "hospital_id"], "msg": msg, "type": "unknown_hospital"})
    if errors:
        raise Unprocessable("the medevac mission is not valid", errors=errors)


async def file_mission(
    session: AsyncSession,
    *,
    principal: Principal,
    data: MissionCreate,
    buffer_km: float,
    clock: Clock,
) -> MedevacMission:
    """Record a pending mission. Filing never assigns (SPEC §4): that is the EMS's call."""
    at = clock.resolve(data.at)
    principal.require_member(data.member_code, action="file medevac missions")
    incident = await incident_service.resolve(session, data.incident_id, what="medevac mission")
    await _validate(session, data, buffer_km)
    mission = MedevacMission(
        member_code=data.member_code,
        incident_id=incident.id,
        scene_name=data.scene.name,
        scene_lat=data.scene.lat,
        scene_lon=data.scene.lon,
        severity=data.severity,
        patients=data.patients,
        requested_hospital=data.hospital.model_dump() if data.hospital else None,
        hospital_id=data.hospital_id,
        status=MissionStatus.pending,
        reported_by=principal.name,
        reported_at=at,
        updated_at=at,
    )
    session.add(mission)
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="medevac.file",
        entity="medevac_mission",
        entity_id=mission.id,
        after=snapshot(mission),
        at=at,
    )
    return mission


async def get_mission(
    session: AsyncSession, mission_id: int, *, lock: bool = False
) -> MedevacMission:
    query = select(MedevacMission).where(MedevacMission.id == mission_id)
    if lock:
        query = for_change(query)
    mission = await session.scalar(query)
    if mission is None:
        raise NotFound(f"medevac mission {mission_id} does not exist", code="unknown-mission")
    return mission


async def list_missions(
    session: AsyncSession,
    *,
    member_code: str | None,
    status: MissionStatus | None,
    severity: Severity | None,
    limit: int,
    offset: int,
    incident_id: int | None = None,
) -> tuple[list[MedevacMission], int]:
    query = select(MedevacMission)
    if incident_id is not None:
        query = query.where(MedevacMission.incident_id == incident_id)
    if member_code:
        query = query.where(MedevacMission.member_code == member_code)
    if status:
        query = query.where(MedevacMission.status == status)
    if severity:
        query = query.where(MedevacMission.severity == severity)
    return await fetch_page(session, query, MedevacMission.id, limit=limit, offset=offset)


def geojson(missions: list[MedevacMission]) -> dict[str, Any]:
    """Mission scenes as points; properties are the mission as read."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": m.id,
                "geometry": {"type": "Point", "coordinates": [m.scene_lon, m.scene_lat]},
                "properties": to_read(m).model_dump(mode="json"),
            }
            for m in missions
        ],
    }
