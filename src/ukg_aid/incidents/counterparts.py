"""Counterpart pairs per incident (カウンターパート方式, SPEC §3 rule 5, §10).

The coordinator decides them on the day (Tohoku 2011: 13 March; Noto 2024: 4 January) and may
change them; each change is audited, and every plan freezes the pairs of its incident into its
inputs, so changing them later never changes a plan already made. No pairs exist until set.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.audit import service as audit
from ukg_aid.errors import Conflict, Unprocessable
from ukg_aid.incidents.models import IncidentCounterpart, IncidentStatus
from ukg_aid.incidents.schemas import CounterpartRead, CounterpartWrite
from ukg_aid.incidents.service import get_incident
from ukg_aid.members.enums import MemberKind
from ukg_aid.members.models import Member
from ukg_aid.principal import Principal


async def pairs_of(session: AsyncSession, incident_id: int) -> list[CounterpartRead]:
    rows = await session.execute(
        select(IncidentCounterpart.supporter_code, IncidentCounterpart.recipient_code)
        .where(IncidentCounterpart.incident_id == incident_id)
        .order_by(IncidentCounterpart.recipient_code, IncidentCounterpart.supporter_code)
    )
    return [CounterpartRead(supporter_code=a, recipient_code=b) for a, b in rows]


async def frozen_pairs(session: AsyncSession, incident_id: int) -> frozenset[tuple[str, str]]:
    """The (supporter, recipient) pairs a plan of this incident freezes into its inputs."""
    return frozenset(
        (p.supporter_code, p.recipient_code) for p in await pairs_of(session, incident_id)
    )


def _error(i: int, field: str, msg: str, kind: str) -> dict[str, Any]:
    return {"loc": ["body", i, field], "msg": msg, "type": kind}


async def _errors(session: AsyncSession, pairs: list[CounterpartWrite]) -> list[dict[str, Any]]:
    codes = {p.supporter_code for p in pairs} | {p.recipient_code for p in pairs}
    rows = await session.execute(select(Member.code, Member.kind).where(Member.code.in_(codes)))
    kinds: dict[str, MemberKind] = {row[0]: row[1] for row in rows}
    errors: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for i, pair in enumerate(pairs):
        supporter, recipient = kinds.get(pair.supporter_code), kinds.get(pair.recipient_code)
        if supporter is None:
            errors.append(_error(i, "supporter_code", "unknown member", "unknown_member"))
        elif supporter is MemberKind.guest:
            errors.append(_error(i, "supporter_code", "a guest never supplies", "guest_supporter"))
        if recipient is None:
            errors.append(_error(i, "recipient_code", "unknown member", "unknown_member"))
        if pair.supporter_code == pair.recipient_code:
            errors.append(_error(i, "recipient_code", "a member never supports itself", "self"))
        key = (pair.supporter_code, pair.recipient_code)
        if key in seen:
            errors.append(_error(i, "recipient_code", "this pair appears twice", "duplicate"))
        seen.add(key)
    return errors


async def set_pairs(
    session: AsyncSession,
    *,
    principal: Principal,
    incident_id: int,
    pairs: list[CounterpartWrite],
) -> list[CounterpartRead]:
    """Replace the incident's pairs with ``pairs`` (an empty list clears them); audited."""
    incident = await get_incident(session, incident_id, lock=True)
    if incident.status is not IncidentStatus.active:
        raise Conflict(
            f"incident {incident_id} is closed: its counterparts are kept as they were",
            code="incident-closed",
        )
    errors = await _errors(session, pairs)
    if errors:
        raise Unprocessable("the counterpart pairs are not valid", errors=errors)
    before = await pairs_of(session, incident_id)
    await session.execute(
        delete(IncidentCounterpart).where(IncidentCounterpart.incident_id == incident_id)
    )
    for pair in pairs:
        session.add(
            IncidentCounterpart(
                incident_id=incident_id,
                supporter_code=pair.supporter_code,
                recipient_code=pair.recipient_code,
            )
        )
    await session.flush()
    after = await pairs_of(session, incident_id)
    await audit.record(
        session,
        principal=principal,
        action="incident.counterparts",
        entity="incident",
        entity_id=incident_id,
        before={"counterparts": [p.model_dump() for p in before]},
        after={"counterparts": [p.model_dump() for p in after]},
    )
    return after
