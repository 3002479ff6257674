"""shipment waves: what of each allocation rides on which truck trip, counted per trip

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-01 16:00:00.000000

Issue 13: a shipment heavier than the free trucks leaves in waves; each wave (one truck trip)
that unloads is counted on its own. Shipments dispatched before this revision have no parts:
their one confirmation still counts each allocation whole.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "shipment_wave_parts"


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("truck_id", sa.String(length=40), nullable=False),
        sa.Column("class_code", sa.String(length=8), nullable=False),
        sa.Column("depart_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=True),
        sa.Column(
            "loss_reason",
            sa.Enum("short", "damaged", "lost", name="lossreason", native_enum=False, length=16),
            nullable=True,
        ),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f(f"ck_{_TABLE}_quantity_positive")),
        sa.CheckConstraint(
            "received >= 0 AND received <= quantity", name=op.f(f"ck_{_TABLE}_received_range")
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f(f"fk_{_TABLE}_shipment_id_shipments")
        ),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["plan_allocations.id"],
            name=op.f(f"fk_{_TABLE}_allocation_id_plan_allocations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{_TABLE}")),
    )
    for column in ("shipment_id", "allocation_id"):
        op.create_index(op.f(f"ix_{_TABLE}_{column}"), _TABLE, [column], unique=False)


def downgrade() -> None:
    op.drop_table(_TABLE)
