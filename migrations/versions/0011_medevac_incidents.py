"""medevac incidents: weather holds, stagings and visiting aircraft belong to an incident

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:10:00.000000

SPEC §10/§12: visiting aircraft join an incident's fleet; holds and stagings are recorded for an
incident and end when it closes. Rows from before this revision that are still in force (a hold
not lifted, a staging not withdrawn, a visiting aircraft that has not left) are given the only
active incident when there is exactly one; otherwise they keep ``NULL`` (not tied to any
incident: they stay in force until lifted, withdrawn or left by hand).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> the columns that say a row is still in force: (column that must be NULL, ...)
TABLES: dict[str, tuple[str, ...]] = {
    "weather_holds": ("lifted_at",),
    "helicopter_stagings": ("cancelled_at",),
    "helicopters": ("member_code", "left_at"),
}


def _tie_to_the_only_active_incident(name: str, null_columns: tuple[str, ...]) -> None:
    incidents = sa.table("incidents", sa.column("id"), sa.column("status"))
    active = incidents.c.status == "active"
    only = sa.select(sa.func.min(incidents.c.id)).where(active).scalar_subquery()
    count = sa.select(sa.func.count()).select_from(incidents).where(active).scalar_subquery()
    table = sa.table(name, sa.column("incident_id"), *(sa.column(c) for c in null_columns))
    in_force = [table.c[c].is_(None) for c in null_columns]
    op.execute(table.update().where(*in_force, count == 1).values(incident_id=only))


def upgrade() -> None:
    for table, null_columns in TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
            batch.create_index(batch.f(f"ix_{table}_incident_id"), ["incident_id"])
            batch.create_foreign_key(
                batch.f(f"fk_{table}_incident_id_incidents"), "incidents", ["incident_id"], ["id"]
            )
        _tie_to_the_only_active_incident(table, null_columns)


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(batch.f(f"fk_{table}_incident_id_incidents"), type_="foreignkey")
            batch.drop_index(batch.f(f"ix_{table}_incident_id"))
            batch.drop_column("incident_id")
