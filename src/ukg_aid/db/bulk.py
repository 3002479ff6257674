"""Set-based writes: many rows in one statement, however many there are (issue 11).

On PostgreSQL a batch travels as one array parameter per column and ``unnest`` turns the arrays
back into rows: ``UPDATE t SET … FROM unnest(…) AS v(…) WHERE t.key = v.key`` and
``INSERT INTO t (…) SELECT … FROM unnest(…)``. A plan of 5 or of 5,000 allocations therefore
costs the same statements and round trips, and the SQL text (so its prepared statement) is the
same for every batch size. JSON values travel as text and are cast back. A large batch's
arrays are built in a worker thread (:mod:`ukg_aid.offload`), not on the event loop. Elsewhere
(SQLite, the ``make run`` default) the same rows go as one ``executemany``.

These bypass the ORM's unit of work: callers hold the rows' locks, and keep any loaded objects in
step with :func:`sqlalchemy.orm.attributes.set_committed_value` (no second write).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from typing import cast as cast_type

from sqlalchemy import ARRAY, JSON, Table, Text, bindparam, cast, func, insert, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from ukg_aid import offload
from ukg_aid.db.base import Base
from ukg_aid.db.session import on_postgres

Row = Mapping[str, Any]


def _table(model: type[Base]) -> Table:
    return cast_type(Table, model.__table__)


def _is_json(table: Table, name: str) -> bool:
    return isinstance(table.c[name].type, JSON)


def _rows_as_arrays(
    table: Table, rows: Sequence[Row], names: Sequence[str], dialect: Dialect
) -> Any:
    """``unnest(CAST(:a AS t[]), …) AS v(a, …)``: the rows as a derived table. Each column
    travels as one PostgreSQL array literal (text), made here with the column type's own
    conversion (enum names, checked timestamps): the driver sends one string per column instead
    of checking every element of a list (asyncpg does that in Python's ``isinstance`` against
    ``collections.abc``, tens of milliseconds for a Nankai plan, on the event loop)."""
    arrays = []
    for name in names:
        values = [row[name] for row in rows]
        kind = table.c[name].type
        if _is_json(table, name):
            values = [None if v is None else json.dumps(v, ensure_ascii=False) for v in values]
            kind = Text()
        elif (convert := kind.dialect_impl(dialect).bind_processor(dialect)) is not None:
            values = [convert(v) for v in values]
        literal = bindparam(f"rows_{name}", array_literal(values), type_=Text())
        arrays.append(cast(literal, ARRAY(kind)))
    return func.unnest(*arrays).table_valued(*names).render_derived(name="v")


def array_literal(values: Sequence[Any]) -> str:
    """``values`` as a PostgreSQL array literal: every element quoted (backslash and double
    quote escaped), ``None`` as ``NULL``, timestamps in ISO 8601 with their offset."""
    return "{" + ",".join(_element(v) for v in values) + "}"


def _element(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        text = "t" if value else "f"
    elif isinstance(value, datetime):
        text = value.isoformat()
    else:
        text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _column(table: Table, derived: Any, name: str) -> Any:
    value = derived.c[name]
    return cast(value, JSONB) if _is_json(table, name) else value


async def update_rows(
    session: AsyncSession, model: type[Base], key: str, rows: Sequence[Row]
) -> None:
    """Set the given columns of each row identified by ``key`` (every row names the same
    columns): one statement."""
    if not rows:
        return
    table, names = _table(model), list(rows[0])
    if not on_postgres(session):
        stmt = (
            update(table)
            .where(table.c[key] == bindparam(f"b_{key}"))
            .values({n: bindparam(f"b_{n}") for n in names if n != key})
        )
        await session.execute(stmt, [{f"b_{n}": row[n] for n in names} for row in rows])
        return
    dialect = session.get_bind().dialect
    derived = await offload.run(len(rows), _rows_as_arrays, table, rows, names, dialect)
    stmt = (
        update(table)
        .where(table.c[key] == derived.c[key])
        .values({n: _column(table, derived, n) for n in names if n != key})
    )
    await session.execute(stmt)


async def insert_rows(session: AsyncSession, model: type[Base], rows: Sequence[Row]) -> None:
    """Insert the rows (every row names the same columns): one statement."""
    if not rows:
        return
    table, names = _table(model), list(rows[0])
    if not on_postgres(session):
        await session.execute(insert(table), [dict(row) for row in rows])
        return
    dialect = session.get_bind().dialect
    derived = await offload.run(len(rows), _rows_as_arrays, table, rows, names, dialect)
    chosen = select(*(_column(table, derived, n) for n in names))
    await session.execute(insert(table).from_select(names, chosen))


async def update_loaded(
    session: AsyncSession, model: type[Base], rows: Sequence[Row], loaded: Mapping[Any, Any]
) -> None:
    """:func:`update_rows` by ``id``, and the loaded objects (``loaded`` by id) given the same
    values as committed state: the session does not write them a second time."""
    await update_rows(session, model, "id", rows)
    await keep_committed([loaded[row["id"]] for row in rows], rows)


async def keep_committed(objects: Sequence[Any], values: Sequence[Row]) -> None:
    """Give each loaded object its row of values as committed state (the session does not write
    them again); thousands of objects in a worker thread (:mod:`ukg_aid.offload`)."""
    await offload.run(len(objects), _set_committed, objects, values)


def _set_committed(objects: Sequence[Any], values: Sequence[Row]) -> None:
    for obj, row in zip(objects, values, strict=True):
        for name, value in row.items():
            set_committed_value(obj, name, value)
