"""Statements sent straight to asyncpg (``ukg_aid.db.wire``) keep the session's transaction, and
their errors reach the problem handlers as SQLAlchemy's would (issue 11)."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, func, insert, literal, select, text, update
from sqlalchemy.exc import DataError, IntegrityError

from tests.app_support import StatementCounter
from ukg_aid.audit import service as audit
from ukg_aid.audit.models import AuditEvent
from ukg_aid.catalog.models import Item
from ukg_aid.db import Database, failures, wire
from ukg_aid.db.session import ReadOnlySession
from ukg_aid.principal import Principal, Role

ACTOR = Principal(token_id=1, name="wire-test", role=Role.admin, member_code=None)
COUNT = select(func.count()).select_from(AuditEvent).where(AuditEvent.actor == ACTOR.name)


class Boom(Exception):
    pass


async def _events(db: Database) -> int:
    async with db.transaction() as session:
        return int(await session.scalar(COUNT) or 0)


async def test_a_wire_write_is_in_the_session_transaction(live_db: Database) -> None:
    seen: list[int] = []

    async def record_then_fail() -> None:
        async with live_db.transaction() as session:
            await audit.record(session, principal=ACTOR, action="t.a", entity="t", entity_id=1)
            seen.append(await _events(live_db))  # from another connection, before the commit
            raise Boom

    with pytest.raises(Boom):
        await record_then_fail()
    assert seen == [0]  # not visible before the commit: no autocommit on the wire
    assert await _events(live_db) == 0  # rolled back with the session
    async with live_db.transaction() as session:
        await audit.record(session, principal=ACTOR, action="t.b", entity="t", entity_id=2)
    assert await _events(live_db) == 1


async def test_driver_errors_arrive_as_sqlalchemy_errors(live_db: Database) -> None:
    duplicate = insert(Item).from_select(
        [c.name for c in Item.__table__.c], select(Item).where(Item.code == bindparam("code"))
    )
    async with live_db.transaction() as session:
        code = await session.scalar(select(Item.code).limit(1))
        with pytest.raises(IntegrityError):
            await wire.rows(session, duplicate, {"code": code})
    by_id = select(AuditEvent.id).where(AuditEvent.id == bindparam("event_id"))
    async with live_db.transaction() as session:
        with pytest.raises(DataError):  # beyond int32: refused by the driver, a 422 upstream
            await wire.rows(session, by_id, {"event_id": 2**40})


@pytest.mark.sqlite
async def test_the_same_statement_runs_on_every_backend(db: Database) -> None:
    statement = select(AuditEvent.id, AuditEvent.before, AuditEvent.after).where(
        AuditEvent.id == bindparam("event_id")
    )
    async with db.transaction() as session:
        event_id = await audit.record(
            session,
            principal=ACTOR,
            action="t.c",
            entity="t",
            entity_id=3,
            after={"on_hand": 4},
        )
        row = await wire.first(session, statement, {"event_id": event_id})
        assert row is not None
        assert (row["id"], row["before"], row["after"]) == (event_id, None, {"on_hand": 4})
        assert await wire.first(session, statement, {"event_id": event_id + 1000}) is None


async def test_a_read_session_refuses_a_wire_write(live_db: Database) -> None:
    rename = update(Item).where(Item.code == bindparam("code")).values(name_ja="書き換え")
    async with live_db.reading() as session:
        code = await session.scalar(select(Item.code).order_by(Item.code).limit(1))
        with pytest.raises(ReadOnlySession):
            await wire.rows(session, rename, {"code": code})
    async with live_db.transaction() as session:
        assert await session.scalar(select(Item.name_ja).where(Item.code == code)) != "書き換え"


async def test_a_backend_gone_before_begin_is_an_outage(live_db: Database) -> None:
    """The first wire statement of a request sends BEGIN; a server that went away since the
    checkout answers as an outage (503 upstream), not as SQLAlchemy's adapter error (a 500)."""
    async with live_db.sessionmaker() as session:
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        pid = raw.driver_connection.get_server_pid()  # type: ignore[union-attr]
        async with live_db.transaction() as other:
            await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(Exception) as raised:  # which one: is_outage below
            await wire.rows(session, select(literal(1)))
        assert failures.is_outage(raised.value), repr(raised.value)
        assert connection.invalidated


async def test_the_statement_counter_sees_what_the_wire_sends(live_db: Database) -> None:
    """The tests' statement counter counts what goes straight on the driver as well as what
    SQLAlchemy sends: a count that missed the token lookup or a single audit row would not see
    them multiply with a plan's size."""
    async with live_db.transaction() as session:
        with StatementCounter(live_db.engine) as counter:
            await wire.rows(session, select(Item.code).limit(1))
            await session.execute(select(Item.name_ja).limit(1))
    assert counter.count == 2, counter.statements
    assert counter.executions == 2
    assert "FROM items" in counter.statements[0] and "$1" in counter.statements[0]
    assert wire.SENT == []  # the counter stops listening when its block ends
