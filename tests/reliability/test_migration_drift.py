"""The migrations and the models describe the same schema: Alembic's autogenerate comparison
of a freshly migrated PostgreSQL database against ``Base.metadata`` (tables, columns, types,
nullability, indexes, unique and foreign-key constraints) finds nothing to change.

A model changed without a migration (or a migration without the model) fails here, before a
deployment's ``ukg-aid db upgrade`` builds a different schema than the code expects.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from ukg_aid.db import Database
from ukg_aid.models import Base


def _differences(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_a_migrated_database_matches_the_models(pg_database: Database) -> None:
    async with pg_database.engine.connect() as conn:
        differences = await conn.run_sync(_differences)
    assert differences == []


async def test_the_comparison_sees_a_drifted_column(pg_database: Database) -> None:
    """The check is real: change one column's type in the database and it is reported."""
    async with pg_database.engine.begin() as conn:
        await conn.exec_driver_sql("ALTER TABLE depots ALTER COLUMN name TYPE varchar(777)")
        differences = await conn.run_sync(_differences)
        await conn.rollback()
    assert [d[0][0] for d in differences] == ["modify_type"], differences
