"""Filing an aid request: its statements and its answer, the hot write of a desk (issue 11).

The rules are :func:`ukg_aid.aid_requests.service.file_request`'s; here are what it sends and
what it answers. Each statement is SQLAlchemy Core against the models, built once and sent by the
driver on the session's connection and transaction (:mod:`ukg_aid.db.wire`): the items known,
the request row, and its lines as one ``INSERT … SELECT FROM unnest(…)`` (as many lines as it
has, one statement). The answer is built once as plain data — the JSON of
:class:`~ukg_aid.aid_requests.schemas.AidRequestRead`, Japan-time timestamps included — and is
what the API answers, what the audit event stores and what an ``Idempotency-Key`` replays (no ORM
objects, no model built and dumped again; ``tests/api/test_api_aid_request_answer.py`` holds
it equal to the model's). On SQLite (``make run``) the same statements run through the session,
the lines as one ``executemany``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from pydantic_core import to_jsonable_python
from sqlalchemy import ARRAY, Integer, String, any_, bindparam, func, insert, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from ukg_aid.aid_requests.enums import Priority, RequestKind, RequestStatus
from ukg_aid.aid_requests.models import AidRequest, AidRequestLine
from ukg_aid.aid_requests.schemas import AidRequestCreate, RequestLineCreate
from ukg_aid.catalog.models import Item
from ukg_aid.db import wire
from ukg_aid.db.session import on_postgres
from ukg_aid.schemas import japan_time


@dataclass(frozen=True, slots=True)
class Filed:
    """A request just filed: its id and its answer (``AidRequestRead`` as JSON data)."""

    id: int
    body: dict[str, Any]


_KNOWN_PG = select(Item.code).where(Item.code == any_(bindparam("codes", type_=ARRAY(String))))
_KNOWN = select(Item.code).where(Item.code.in_(bindparam("codes", expanding=True)))


async def known_items(session: AsyncSession, codes: Sequence[str]) -> set[str]:
    """Which of ``codes`` the catalog holds: one statement."""
    statement = _KNOWN_PG if on_postgres(session) else _KNOWN
    found = await wire.rows(session, statement, {"codes": codes})
    return {row["code"] for row in found}


_REQUEST_COLUMNS: tuple[str, ...] = ("member_code", "incident_id", "kind", "delivery_name")
_REQUEST_COLUMNS += ("delivery_lat", "delivery_lon", "priority", "needed_by", "status", "note")
_REQUEST_COLUMNS += ("filed_by", "filed_at", "updated_at")
_INSERT_REQUEST = (
    insert(AidRequest)
    .values({c: bindparam(c, type_=AidRequest.__table__.c[c].type) for c in _REQUEST_COLUMNS})
    .returning(AidRequest.id)
)
_LINE_COLUMNS = (
    "request_id",
    "item_code",
    "quantity",
    "allocated",
    "dispatched",
    "delivered",
    "lost",
)
_RETURNED = (AidRequestLine.id, AidRequestLine.item_code, AidRequestLine.quantity)
_CODES = bindparam("codes", type_=ARRAY(String))
_QUANTITIES = bindparam("quantities", type_=ARRAY(Integer))
_GIVEN = (
    func.unnest(_CODES, _QUANTITIES)
    .table_valued("item_code", "quantity", with_ordinality="n")
    .render_derived(name="given")
)
_INSERT_LINES_PG = (
    insert(AidRequestLine)
    .from_select(
        _LINE_COLUMNS,
        select(
            bindparam("request_id", type_=Integer),
            _GIVEN.c.item_code,
            _GIVEN.c.quantity,
            *(literal_column("0") for _ in range(4)),  # allocated, dispatched, delivered, lost
        ).order_by(_GIVEN.c.n),
    )
    .returning(*_RETURNED)
)
_INSERT_LINES = insert(AidRequestLine).returning(*_RETURNED, sort_by_parameter_order=True)


async def write(
    session: AsyncSession,
    data: AidRequestCreate,
    *,
    incident_id: int,
    kind: RequestKind,
    needed_by: datetime | None,
    filed_by: str,
    at: datetime,
) -> Filed:
    """Insert the open request of ``data`` and its lines: two statements. Returns its id and
    its answer, the lines in the order given (ids ascending, as every read shows them)."""
    values = {
        "member_code": data.member_code,
        "incident_id": incident_id,
        "kind": kind,
        "delivery_name": data.delivery.name,
        "delivery_lat": data.delivery.lat,
        "delivery_lon": data.delivery.lon,
        "priority": data.priority,
        "needed_by": needed_by,
        "status": RequestStatus.open,
        "note": data.note,
        "filed_by": filed_by,
        "filed_at": at,
        "updated_at": at,
    }
    row = await wire.first(session, _INSERT_REQUEST, values)
    assert row is not None  # an INSERT … RETURNING returns its row
    request_id = int(row["id"])
    lines = await _insert_lines(session, request_id, data.lines)
    return Filed(request_id, answer(request_id, values, lines))


async def _insert_lines(
    session: AsyncSession, request_id: int, lines: Sequence[RequestLineCreate]
) -> list[wire.Row]:
    """The request's lines, one statement: their ids, items and quantities, ids ascending."""
    if on_postgres(session):
        codes = [line.item_code for line in lines]
        params = {"request_id": request_id, "codes": codes}
        params["quantities"] = [line.quantity for line in lines]
        stored = await wire.rows(session, _INSERT_LINES_PG, params)
    else:
        given = [
            {"request_id": request_id, "item_code": ln.item_code, "quantity": ln.quantity}
            for ln in lines
        ]
        result = await session.execute(_INSERT_LINES, given)
        stored = [cast(wire.Row, line) for line in result.mappings()]
    return sorted(stored, key=lambda line: int(line["id"]))


def answer(request_id: int, row: Mapping[str, Any], lines: Sequence[wire.Row]) -> dict[str, Any]:
    """The request as ``AidRequestRead``'s JSON (same fields, same order, Japan time), built
    from the ``row`` of column values it was written with and its stored lines: nothing is read
    back, no model is built."""
    body = {
        "id": request_id,
        "member_code": row["member_code"],
        "incident_id": row["incident_id"],
        "kind": RequestKind(row["kind"]).value,
        "delivery": {
            "name": row["delivery_name"],
            "lat": row["delivery_lat"],
            "lon": row["delivery_lon"],
        },
        "priority": Priority(row["priority"]).value,
        "needed_by": japan_time(row["needed_by"]),
        "status": RequestStatus(row["status"]).value,
        "note": row["note"],
        "filed_by": row["filed_by"],
        "filed_at": japan_time(row["filed_at"]),
        "updated_at": japan_time(row["updated_at"]),
        "cancelled_at": None,
        "lines": [
            {
                "id": line["id"],
                "item_code": line["item_code"],
                "quantity": line["quantity"],
                "allocated": 0,
                "dispatched": 0,
                "delivered": 0,
                "lost": 0,
            }
            for line in lines
        ],
    }
    out: dict[str, Any] = to_jsonable_python(body)
    return out
