"""dispatch plans, allocations, counterpart pairs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 08:22:56.863146
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "dispatch_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "approved",
                "completed",
                "discarded",
                "cancelled",
                name="planstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "policy",
            sa.Enum("optimized", "baseline", name="planpolicy", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("include_stricken_suppliers", sa.Boolean(), nullable=False),
        sa.Column(
            "request_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("solver_status", sa.String(length=16), nullable=False),
        sa.Column("solver_wall_ms", sa.Float(), nullable=False),
        sa.Column(
            "objective",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "unmet",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "inputs",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_plans")),
    )
    op.create_index(op.f("ix_dispatch_plans_status"), "dispatch_plans", ["status"], unique=False)
    op.create_table(
        "counterpart_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supporter_code", sa.String(length=8), nullable=False),
        sa.Column("stricken_code", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["stricken_code"],
            ["members.code"],
            name=op.f("fk_counterpart_pairs_stricken_code_members"),
        ),
        sa.ForeignKeyConstraint(
            ["supporter_code"],
            ["members.code"],
            name=op.f("fk_counterpart_pairs_supporter_code_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counterpart_pairs")),
        sa.UniqueConstraint(
            "supporter_code",
            "stricken_code",
            name=op.f("uq_counterpart_pairs_supporter_code_stricken_code"),
        ),
    )
    op.create_table(
        "plan_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("depot_id", sa.Integer(), nullable=False),
        sa.Column("supplier_code", sa.String(length=8), nullable=False),
        sa.Column("requester_code", sa.String(length=8), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=False),
        sa.Column("eta_minutes", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "dispatched",
                "delivered",
                "cancelled",
                name="allocationstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_plan_allocations_quantity_pos")),
        sa.ForeignKeyConstraint(
            ["depot_id"], ["depots.id"], name=op.f("fk_plan_allocations_depot_id_depots")
        ),
        sa.ForeignKeyConstraint(
            ["item_code"], ["items.code"], name=op.f("fk_plan_allocations_item_code_items")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["aid_request_lines.id"],
            name=op.f("fk_plan_allocations_line_id_aid_request_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["dispatch_plans.id"],
            name=op.f("fk_plan_allocations_plan_id_dispatch_plans"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["aid_requests.id"],
            name=op.f("fk_plan_allocations_request_id_aid_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["requester_code"],
            ["members.code"],
            name=op.f("fk_plan_allocations_requester_code_members"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_code"],
            ["members.code"],
            name=op.f("fk_plan_allocations_supplier_code_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_allocations")),
    )
    op.create_index(
        op.f("ix_plan_allocations_depot_id"), "plan_allocations", ["depot_id"], unique=False
    )
    op.create_index(
        op.f("ix_plan_allocations_line_id"), "plan_allocations", ["line_id"], unique=False
    )
    op.create_index(
        op.f("ix_plan_allocations_plan_id"), "plan_allocations", ["plan_id"], unique=False
    )
    op.create_index(
        op.f("ix_plan_allocations_request_id"), "plan_allocations", ["request_id"], unique=False
    )
    op.create_index(
        op.f("ix_plan_allocations_requester_code"),
        "plan_allocations",
        ["requester_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_plan_allocations_status"), "plan_allocations", ["status"], unique=False
    )
    op.create_index(
        op.f("ix_plan_allocations_supplier_code"),
        "plan_allocations",
        ["supplier_code"],
        unique=False,
    )


def downgrade() -> None:

    op.drop_index(op.f("ix_plan_allocations_supplier_code"), table_name="plan_allocations")
    op.drop_index(op.f("ix_plan_allocations_status"), table_name="plan_allocations")
    op.drop_index(op.f("ix_plan_allocations_requester_code"), table_name="plan_allocations")
    op.drop_index(op.f("ix_plan_allocations_request_id"), table_name="plan_allocations")
    op.drop_index(op.f("ix_plan_allocations_plan_id"), table_name="plan_allocations")
    op.drop_index(op.f("ix_plan_allocations_line_id"), table_name="plan_allocations")
    op.drop_index(op.f("ix_plan_allocations_depot_id"), table_name="plan_allocations")
    op.drop_table("plan_allocations")
    op.drop_table("counterpart_pairs")
    op.drop_index(op.f("ix_dispatch_plans_status"), table_name="dispatch_plans")
    op.drop_table("dispatch_plans")
