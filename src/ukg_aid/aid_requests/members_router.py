"""The member views (``/members``): the registry read from ``members`` plus the ``stricken`` flag,
which is a fact about aid requests (SPEC §3). They live here, above both, so the members
registry does not depend on aid requests."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, status
from fastapi.responses import JSONResponse

from ukg_aid import union_area
from ukg_aid.aid_requests.stricken import stricken_members
from ukg_aid.deps import Coordinator, PagingDep, Reader, Session, api_router
from ukg_aid.idempotency.service import IdempotencyDep
from ukg_aid.members import service as member_service
from ukg_aid.members.enums import MemberKind
from ukg_aid.members.models import Member
from ukg_aid.members.schemas import GuestCreate, MemberRead
from ukg_aid.schemas import LatLonRead, Page

router = api_router(prefix="/members", tags=["members"])


def to_read(member: Member, stricken: set[str]) -> MemberRead:
    return MemberRead(
        code=member.code,
        name_en=member.name_en,
        name_ja=member.name_ja,
        kind=member.kind,
        parent_code=member.parent_code,
        office=LatLonRead(lat=member.office_lat, lon=member.office_lon),
        population=member.population,
        area_km2=member.area_km2,
        heli_preference=member.heli_preference,
        stricken=member.code in stricken,
        union_member=member.kind is not MemberKind.guest,
    )


@router.get(
    "",
    summary="The union's members, paged like every list",
    description="Members in JIS code order; ``stricken`` is true while a member has an open "
    "aid request (its stock then stays home, SPEC §3). Filter by ``kind``.",
)
async def list_members(
    session: Session,
    _: Reader,
    paging: PagingDep,
    kind: Annotated[MemberKind | None, Query(description="prefecture, city or guest")] = None,
) -> Page[MemberRead]:
    rows, total = await member_service.page_members(
        session, kind=kind, limit=paging.limit, offset=paging.offset
    )
    stricken = await stricken_members(session)
    return paging.page([to_read(m, stricken) for m in rows], total)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MemberRead,
    summary="Register a guest recipient from outside the union (coordinator, admin)",
    description="A prefecture or municipality the union supports (`kind: guest`): JIS code, "
    "names, office anywhere in Japan, population. Guests never supply; their delivery points "
    "and shelters lie within UKG_AID_GUEST_RADIUS_KM (40) of the office; a desk token may be "
    "bound to one (`ukg-aid token create --role desk --member CODE`).",
)
async def register_guest(
    body: GuestCreate, session: Session, principal: Coordinator, idem: IdempotencyDep
) -> MemberRead | JSONResponse:
    if (replay := await idem.replay(body)) is not None:
        return replay
    member = await member_service.register_guest(session, principal=principal, data=body)
    out = to_read(member, set())
    await idem.remember(status.HTTP_201_CREATED, out)
    return out


@router.get("/geojson", summary="Member outlines (prefectures) and offices as GeoJSON")
async def members_geojson(session: Session, _: Reader) -> dict[str, Any]:
    members = await member_service.list_members(session)
    return union_area.members_feature_collection(
        [
            (m.code, m.name_en, m.kind.value, m.office_lat, m.office_lon)
            for m in members
            if m.kind is not MemberKind.guest  # the union map: guests lie outside it
        ]
    )


@router.get("/{code}", summary="One member")
async def get_member(code: str, session: Session, _: Reader) -> MemberRead:
    stricken = await stricken_members(session)
    return to_read(await member_service.get_member(session, code), stricken)
