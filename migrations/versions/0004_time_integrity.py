"""time integrity: recorded_at on audit events and ledger entries, notes on audit events

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:30:00.000000

``recorded_at`` is the database's clock (SPEC §9). Rows written before this migration get the
migration's time from the column default: they were recorded no later than that, and their ``at``
(client-settable) is exactly what cannot be trusted for it. The audit log is append-only (a
trigger refuses UPDATE), so nothing is backfilled by UPDATE: the column is added with its default.
SQLite cannot add a column whose default is not constant, so there the table is rebuilt (batch
mode), which drops the table's triggers; they are created again here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _recorded_at() -> sa.Column[object]:
    return sa.Column(
        "recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def _sqlite_audit_triggers() -> None:
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
        )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    recreate = "always" if sqlite else "auto"
    with op.batch_alter_table("audit_events", recreate=recreate) as batch:
        batch.add_column(_recorded_at())
        batch.add_column(sa.Column("note", sa.String(length=500), nullable=True))
    with op.batch_alter_table("stock_ledger", recreate=recreate) as batch:
        batch.add_column(_recorded_at())
    if sqlite:
        _sqlite_audit_triggers()


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    recreate = "always" if sqlite else "auto"
    with op.batch_alter_table("stock_ledger", recreate=recreate) as batch:
        batch.drop_column("recorded_at")
    with op.batch_alter_table("audit_events", recreate=recreate) as batch:
        batch.drop_column("note")
        batch.drop_column("recorded_at")
    if sqlite:
        _sqlite_audit_triggers()
