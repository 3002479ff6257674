"""Depot use cases: list, read, create, change status or details."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import placement
from ukg_aid.audit import service as audit
from ukg_aid.clock import Clock, require_forward
from ukg_aid.db import wire
from ukg_aid.db.locking import for_change
from ukg_aid.db.paging import fetch_page
from ukg_aid.errors import NotFound, Unprocessable
from ukg_aid.members import service as member_service
from ukg_aid.principal import Principal
from ukg_aid.stockpiles.enums import DepotStatus
from ukg_aid.stockpiles.models import Depot
from ukg_aid.stockpiles.schemas import DepotCreate, DepotRead, DepotUpdate


def snapshot(depot: Depot) -> dict[str, Any]:
    return DepotRead.model_validate(depot).model_dump(mode="json")


async def get_depot(session: AsyncSession, depot_id: int, *, lock: bool = False) -> Depot:
    query = select(Depot).where(Depot.id == depot_id)
    if lock:
        query = for_change(query)
    depot = await session.scalar(query)
    if depot is None:
        raise NotFound(f"depot {depot_id} does not exist", code="unknown-depot")
    return depot


async def read_depot(session: AsyncSession, depot_id: int) -> DepotRead:
    """The depot as the API answers it, from plain columns (no ORM object)."""
    row = await wire.first(session, _READ, {"depot_id": depot_id})
    if row is None:
        raise NotFound(f"depot {depot_id} does not exist", code="unknown-depot")
    return DepotRead.model_validate(dict(row))


_READ_COLUMNS = tuple(Depot.__table__.c[name] for name in DepotRead.model_fields)
_READ = select(*_READ_COLUMNS).where(Depot.id == bindparam("depot_id"))


async def list_depots(
    session: AsyncSession,
    *,
    member_code: str | None,
    status: DepotStatus | None,
    limit: int,
    offset: int,
) -> tuple[list[Depot], int]:
    query = select(Depot)
    if member_code:
        query = query.where(Depot.member_code == member_code)
    if status:
        query = query.where(Depot.status == status)
    return await fetch_page(session, query, Depot.id, limit=limit, offset=offset)


async def _check_position(lat: float, lon: float, buffer_km: float) -> None:
    """A member's depot lies inside Japan and inside the union's area."""
    errors = await placement.point_errors(
        lat=lat, lon=lon, loc=["lat"], what="depot", union_buffer_km=buffer_km
    )
    if errors:
        raise Unprocessable("the depot's position is not valid", errors=errors)


async def create_depot(
    session: AsyncSession,
    *,
    principal: Principal,
    data: DepotCreate,
    clock: Clock,
    buffer_km: float,
) -> Depot:
    at = clock.resolve(data.at)
    principal.require_member(data.member_code, action="create depots")
    await member_service.get_member(session, data.member_code)
    await _check_position(data.lat, data.lon, buffer_km)
    depot = Depot(**data.model_dump(exclude={"at"}), created_at=at, updated_at=at)
    session.add(depot)
    await session.flush()
    await audit.record(
        session,
        principal=principal,
        action="depot.create",
        entity="depot",
        entity_id=depot.id,
        after=snapshot(depot),
        at=at,
    )
    return depot


async def update_depot(
    session: AsyncSession,
    *,
    principal: Principal,
    depot_id: int,
    data: DepotUpdate,
    clock: Clock,
    buffer_km: float,
) -> Depot:
    at = clock.resolve(data.at)
    depot = await get_depot(session, depot_id, lock=True)
    principal.require_member(depot.member_code, action="change depots")
    at = require_forward(
        at, depot.updated_at, subject=f"depot {depot.id}: change", previous_what="its last change"
    )
    before = snapshot(depot)
    changes = data.model_dump(exclude_unset=True, exclude={"at"})
    lat, lon = changes.get("lat"), changes.get("lon")
    if lat is not None or lon is not None:  # the position it would have: one may move alone
        await _check_position(
            depot.lat if lat is None else lat, depot.lon if lon is None else lon, buffer_km
        )
    for field, value in changes.items():
        if value is None and field in {"name", "status", "lat", "lon"}:
            continue
        setattr(depot, field, value)
    depot.updated_at = at
    await session.flush()
    action = "depot.status" if "status" in changes else "depot.update"
    await audit.record(
        session,
        principal=principal,
        action=action,
        entity="depot",
        entity_id=depot.id,
        before=before,
        after=snapshot(depot),
        at=at,
        note=changes.get("note"),
    )
    return depot
