"""truckplan: an allocation's ETA says how much of it is a wait for the supplier's trucks

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 19:30:00.000000

Issue 13: plans know the trucks (``ukg_aid.truckplan``); an allocation's ETA is the truck wait +
loading + the drive, and ``truck_wait_minutes`` is the wait. Rows from before are 0 (their ETA
had no wait).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "plan_allocations",
        sa.Column("truck_wait_minutes", sa.Float(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_column("plan_allocations", "truck_wait_minutes")
