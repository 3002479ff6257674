"""Hospital use cases: list, read, change status (EMS or the hospital's member desk), history,
and the bridge to the ``dispatch_air`` core (``core_hospitals``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock, require_forward
from ukg_aid.db.locking import for_change
from ukg_aid.db.paging import fetch_page
from ukg_aid.dispatch_air import Hospital, HospitalStatus
from ukg_aid.errors import NotFound
from ukg_aid.hospitals.models import HospitalRow, HospitalStatusChange
from ukg_aid.hospitals.schemas import HospitalUpdate
from ukg_aid.principal import Principal


def to_core(row: HospitalRow) -> Hospital:
    return Hospital(
        row.name,
        row.lat,
        row.lon,
        id=row.id,
        member_code=row.member_code,
        heliport=row.heliport,
        status=row.status,
    )


async def core_hospitals(session: AsyncSession) -> list[Hospital]:
    """Every hospital as the core sees it, in id order (ties in the choice go to the lower id)."""
    rows = await session.scalars(select(HospitalRow).order_by(HospitalRow.id))
    return [to_core(r) for r in rows]


async def get_hospital(
    session: AsyncSession, hospital_id: int, *, lock: bool = False
) -> HospitalRow:
    query = select(HospitalRow).where(HospitalRow.id == hospital_id)
    if lock:
        query = for_change(query)
    row = await session.scalar(query)
    if row is None:
        raise NotFound(f"hospital {hospital_id} does not exist", code="unknown-hospital")
    return row


async def list_hospitals(
    session: AsyncSession,
    *,
    member_code: str | None,
    status: HospitalStatus | None,
    limit: int,
    offset: int,
) -> tuple[list[HospitalRow], int]:
    query = select(HospitalRow)
    if member_code:
        query = query.where(HospitalRow.member_code == member_code)
    if status:
        query = query.where(HospitalRow.status == status)
    return await fetch_page(session, query, HospitalRow.id, limit=limit, offset=offset)


async def update_status(
    session: AsyncSession,
    *,
    principal: Principal,
    hospital_id: int,
    data: HospitalUpdate,
    clock: Clock,
) -> HospitalRow:
    """Set a hospital's status (EMS, admin, or the desk of the hospital's member); history and
    audit. Its timeline only moves forward (SPEC §9)."""
    at = clock.resolve(data.at)
    row = await get_hospital(session, hospital_id, lock=True)
    principal.require_member(row.member_code, action="change the status of this hospital")
    if data.status is row.status and not data.note:
        return row
    at = require_forward(
        at,
        row.updated_at,
        subject=f"hospital {row.id} ({row.name}): status change to {data.status.value}",
        previous_what="its last status change",
    )
    before = row.status
    row.status, row.updated_at = data.status, at
    session.add(
        HospitalStatusChange(
            hospital_id=row.id,
            status=data.status,
            previous=before,
            at=at,
            actor=principal.name,
            note=data.note,
        )
    )
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="hospital.status",
        entity="hospital",
        entity_id=row.id,
        before={"status": before.value},
        after={"status": data.status.value, "member_code": row.member_code, "note": data.note},
        at=at,
        note=data.note,
    )
    return row


async def history(
    session: AsyncSession, hospital_id: int, *, limit: int, offset: int
) -> tuple[list[HospitalStatusChange], int]:
    await get_hospital(session, hospital_id)
    query = select(HospitalStatusChange).where(HospitalStatusChange.hospital_id == hospital_id)
    order = HospitalStatusChange.id.desc()
    return await fetch_page(session, query, order, limit=limit, offset=offset)
