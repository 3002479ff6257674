"""Shelter use cases: open, change (every change kept as history), list, and needs.

Needs come from :mod:`ukg_aid.needs` — the one table of per-person rates, the drill model's too —
applied to the catalog's ``per_person_per_day`` column (``needs.rates_from_catalog``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid import needs, placement
from ukg_aid.audit import service as audit
from ukg_aid.catalog.models import Item
from ukg_aid.clock import Clock, require_forward
from ukg_aid.db.locking import for_change
from ukg_aid.db.paging import fetch_page
from ukg_aid.errors import NotFound, Unprocessable
from ukg_aid.incidents import service as incident_service
from ukg_aid.principal import Principal
from ukg_aid.shelters.models import Shelter, ShelterChange
from ukg_aid.shelters.schemas import NeedRead, ShelterCreate, ShelterRead, ShelterUpdate


def to_read(shelter: Shelter) -> ShelterRead:
    return ShelterRead.model_validate(shelter)


def snapshot(shelter: Shelter) -> dict[str, Any]:
    return to_read(shelter).model_dump(mode="json")


def _history(shelter: Shelter, at: datetime, actor: str, note: str | None) -> ShelterChange:
    return ShelterChange(
        shelter_id=shelter.id,
        at=at,
        actor=actor,
        name=shelter.name,
        lat=shelter.lat,
        lon=shelter.lon,
        evacuees=shelter.evacuees,
        infants=shelter.infants,
        elderly=shelter.elderly,
        note=note,
    )


def _count_errors(evacuees: int, infants: int | None, elderly: int | None) -> None:
    errors = [
        {"loc": ["body", name], "msg": f"more than the {evacuees} evacuees", "type": "too_many"}
        for name, value in (("infants", infants), ("elderly", elderly))
        if value is not None and value > evacuees
    ]
    if errors:
        raise Unprocessable("the shelter's counts do not add up", errors=errors)


async def _place(
    session: AsyncSession, member_code: str, lat: float, lon: float, settings: Any
) -> None:
    errors = await placement.member_and_point_errors(
        session,
        member_code=member_code,
        lat=lat,
        lon=lon,
        field="lat",
        what="shelter",
        buffer_km=settings.union_buffer_km,
        guest_radius_km=settings.guest_radius_km,
    )
    if errors:
        raise Unprocessable("the shelter's position is not valid", errors=errors)


async def open_shelter(
    session: AsyncSession,
    *,
    principal: Principal,
    data: ShelterCreate,
    settings: Any,
    clock: Clock,
) -> Shelter:
    at = clock.resolve(data.at)
    principal.require_member(data.member_code, action="keep shelters")
    incident = await incident_service.resolve(session, data.incident_id, what="shelter")
    _count_errors(data.evacuees, data.infants, data.elderly)
    await _place(session, data.member_code, data.lat, data.lon, settings)
    shelter = Shelter(
        incident_id=incident.id,
        member_code=data.member_code,
        name=data.name,
        lat=data.lat,
        lon=data.lon,
        evacuees=data.evacuees,
        infants=data.infants,
        elderly=data.elderly,
        created_at=at,
        updated_at=at,
        updated_by=principal.name,
    )
    session.add(shelter)
    await session.flush()
    session.add(_history(shelter, at, principal.name, data.note))
    await audit.record(
        session,
        principal=principal,
        action="shelter.open",
        entity="shelter",
        entity_id=shelter.id,
        after=snapshot(shelter),
        at=at,
        note=data.note,
    )
    return shelter


async def get_shelter(session: AsyncSession, shelter_id: int, *, lock: bool = False) -> Shelter:
    query = select(Shelter).where(Shelter.id == shelter_id)
    query = for_change(query) if lock else query.execution_options(populate_existing=True)
    shelter = await session.scalar(query)
    if shelter is None:
        raise NotFound(f"shelter {shelter_id} does not exist", code="unknown-shelter")
    return shelter


async def update_shelter(
    session: AsyncSession,
    *,
    principal: Principal,
    shelter_id: int,
    data: ShelterUpdate,
    settings: Any,
    clock: Clock,
) -> Shelter:
    """Change counts, name or position; the new state joins the history (audited)."""
    at = clock.resolve(data.at)
    shelter = await get_shelter(session, shelter_id, lock=True)
    principal.require_member(shelter.member_code, action="keep shelters")
    at = require_forward(
        at,
        shelter.updated_at,
        subject=f"shelter {shelter.id}: update",
        previous_what="its last change",
    )
    changes = data.model_dump(exclude_unset=True, exclude={"note", "at"})
    merged = {**snapshot(shelter), **changes}
    _count_errors(merged["evacuees"], merged["infants"], merged["elderly"])
    if "lat" in changes or "lon" in changes:
        await _place(session, shelter.member_code, merged["lat"], merged["lon"], settings)
    before = snapshot(shelter)
    for key, value in changes.items():
        setattr(shelter, key, value)
    shelter.updated_at = at
    shelter.updated_by = principal.name
    await session.flush()
    session.add(_history(shelter, at, principal.name, data.note))
    await audit.record(
        session,
        principal=principal,
        action="shelter.update",
        entity="shelter",
        entity_id=shelter.id,
        before=before,
        after=snapshot(shelter),
        at=at,
        note=data.note,
    )
    return shelter


async def list_shelters(
    session: AsyncSession,
    *,
    member_code: str | None,
    incident_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[Shelter], int]:
    query = select(Shelter)
    if member_code:
        query = query.where(Shelter.member_code == member_code)
    if incident_id is not None:
        query = query.where(Shelter.incident_id == incident_id)
    return await fetch_page(session, query, Shelter.id, limit=limit, offset=offset)


async def history(session: AsyncSession, shelter_id: int) -> list[ShelterChange]:
    await get_shelter(session, shelter_id)
    rows = await session.scalars(
        select(ShelterChange)
        .where(ShelterChange.shelter_id == shelter_id)
        .order_by(ShelterChange.at, ShelterChange.id)
    )
    return list(rows)


async def catalog_rates(session: AsyncSession) -> tuple[needs.Rate, ...]:
    rows = await session.execute(select(Item.code, Item.per_person_per_day))
    rates: dict[str, float | None] = {row[0]: row[1] for row in rows}
    return needs.rates_from_catalog(rates)


async def estimate_needs(
    session: AsyncSession, *, member_code: str | None, incident_id: int | None, days: int
) -> list[NeedRead]:
    """Units per item for ``days`` days for the shelters asked for (each shelter rounded up on
    its own, then added up; items without a catalog rate left out; zero quantities dropped)."""
    shelters, _ = await list_shelters(
        session, member_code=member_code, incident_id=incident_id, limit=1_000_000, offset=0
    )
    counts = [needs.ShelterCount(s.evacuees, s.infants, s.elderly) for s in shelters]
    totals = needs.shelter_needs(counts, days, rates=await catalog_rates(session))
    return [NeedRead(item_code=c, quantity=q) for c, q in totals.items() if q > 0]
