"""A reading session's wire statements run on a leased driver connection (``ukg_aid.db.lease``,
issue 11): one connection at a time, no transaction left open, a broken one replaced."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from sqlalchemy import Sequence, bindparam, column, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnClause

from ukg_aid.catalog.models import Item
from ukg_aid.db import Database, failures, wire
from ukg_aid.db.session import ReadOnlySession

BACKEND = select(func.pg_backend_pid().label("pid"))
STARTED = select(func.transaction_timestamp().label("at"))


class Boom(Exception):
    pass


def _held(db: Database) -> int:
    return int(db.engine.pool.checkedout())  # type: ignore[attr-defined]


async def test_a_read_holds_one_connection_at_a_time(live_db: Database) -> None:
    async with live_db.transaction() as session:
        codes = list(await session.scalars(select(Item.code).order_by(Item.code)))
    first_code = select(Item.code).order_by(Item.code).limit(1)
    async with live_db.reading() as session:
        assert _held(live_db) == 0  # nothing taken before the first statement
        assert dict(await wire.first(session, first_code) or {}) == {"code": codes[0]}
        assert _held(live_db) == 1
        assert list(await session.scalars(select(Item.code).order_by(Item.code))) == codes
        assert _held(live_db) == 1  # the lease went back before the ORM took its own
        assert dict(await wire.first(session, first_code) or {}) == {"code": codes[0]}
        assert _held(live_db) == 1  # and later wire statements use the session's
    assert _held(live_db) == 0


async def test_wire_reads_run_each_in_its_own_transaction(
    live_db: Database, pg_server: str
) -> None:
    async with live_db.reading() as session:
        pid = (await wire.first(session, BACKEND) or {})["pid"]
        first = (await wire.first(session, STARTED) or {})["at"]
        await asyncio.sleep(0.02)
        second = (await wire.first(session, STARTED) or {})["at"]
        assert second > first  # autocommit: no transaction spans the two statements
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as other:  # not from the pool
        found = other.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", (pid,))
        assert found.fetchone() == ("idle",)  # returned to the pool with nothing open on it


async def test_a_failing_read_returns_its_connection(live_db: Database) -> None:
    async def read_then_fail() -> None:
        async with live_db.reading() as session:
            await wire.first(session, BACKEND)
            assert _held(live_db) == 1
            raise Boom

    with pytest.raises(Boom):
        await read_then_fail()
    assert _held(live_db) == 0


async def test_a_read_the_orm_used_returns_its_connection_when_it_fails_or_is_cancelled(
    live_db: Database,
) -> None:
    """The session is closed only when the ORM used it (``db.session._touched``): then also on
    an error, and to the end when the request is cancelled."""
    started = asyncio.Event()

    async def orm_read(then: str) -> None:
        async with live_db.reading() as session:
            await wire.first(session, BACKEND)
            await session.scalars(select(Item.code).limit(1))
            assert _held(live_db) == 1  # the session's own, the lease's gone back
            if then == "fail":
                raise Boom
            started.set()
            await asyncio.sleep(30)

    with pytest.raises(Boom):
        await orm_read("fail")
    assert _held(live_db) == 0
    task = asyncio.create_task(orm_read("wait"))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _held(live_db) == 0


async def _read_until_it_fails(session: AsyncSession) -> None:
    for _ in range(50):  # the backend's exit reaches the socket within moments
        await wire.first(session, BACKEND)
        await asyncio.sleep(0.02)


async def test_a_broken_leased_connection_is_an_outage_and_replaced(live_db: Database) -> None:
    async with live_db.reading() as session:
        pid = (await wire.first(session, BACKEND) or {})["pid"]
        async with live_db.transaction() as other:
            await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(Exception) as raised:  # which one: is_outage below
            await _read_until_it_fails(session)
        assert failures.is_outage(raised.value), repr(raised.value)
    assert _held(live_db) == 0
    async with live_db.reading() as session:
        again = (await wire.first(session, BACKEND) or {})["pid"]
    assert again != pid


async def test_a_write_hidden_in_a_cte_is_refused_on_a_read(live_db: Database) -> None:
    """A read runs in autocommit, so a write inside it would be committed at once: a select over
    an ``UPDATE … RETURNING`` CTE is refused like the update itself, by the wire and the ORM."""
    async with live_db.transaction() as session:
        code = await session.scalar(select(Item.code).order_by(Item.code).limit(1))
    moved = (
        update(Item)
        .where(Item.code == bindparam("code"))
        .values(name_ja="書き換え")
        .returning(Item.code)
        .cte("moved")
    )
    hidden = select(moved.c.code)
    async with live_db.reading() as session:
        with pytest.raises(ReadOnlySession):
            await wire.rows(session, hidden, {"code": code})
        with pytest.raises(ReadOnlySession):
            await session.execute(hidden, {"code": code})
    async with live_db.transaction() as session:
        assert await session.scalar(select(Item.name_ja).where(Item.code == code)) != "書き換え"


async def test_text_and_writing_functions_are_refused_on_a_read(live_db: Database) -> None:
    """SQL written as text cannot be looked into, and a select may call a function that changes
    something (a notification, a sequence): on a read, which runs in autocommit, each is refused
    before it is sent, by the wire and the ORM; the same statements run in a transaction."""
    rename = text("UPDATE items SET name_ja = '書き換え' WHERE code = :code")
    as_select = text("SELECT code FROM items WHERE code = :code").columns(Item.code)
    notify = select(func.pg_notify("ukg_aid_test", "from a read"))
    advance = select(func.nextval("audit_events_id_seq"))
    advance_too = select(Sequence("audit_events_id_seq").next_value())
    locked = select(func.pg_advisory_lock(42))  # would outlive the read on the pooled connection
    orm_text = select(Item).from_statement(
        text("UPDATE items SET name_ja = '書き換え' WHERE code = :code RETURNING *")
    )
    code_col: ColumnClause[str] = column("code")
    as_cte = select(code_col).select_from(
        text("UPDATE items SET name_ja = '書き換え' WHERE code = :code RETURNING code")
        .columns(code_col)
        .cte("moved")
    )
    statements = (rename, as_select, notify, advance, advance_too, locked, orm_text, as_cte)
    async with live_db.reading() as session:
        code = await session.scalar(select(Item.code).order_by(Item.code).limit(1))
        for statement in statements:
            with pytest.raises(ReadOnlySession):
                await wire.rows(session, statement, {"code": code})
            with pytest.raises(ReadOnlySession):
                await session.execute(statement, {"code": code})
        assert await wire.first(session, select(func.count()).select_from(Item)) is not None
    async with live_db.transaction() as session:
        assert await session.scalar(select(Item.name_ja).where(Item.code == code)) != "書き換え"
        assert (await session.execute(as_select, {"code": code})).scalar_one() == code
