"""foundation: members, catalog, depots, stock, requests, auth, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-28 08:18:11.025317
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("member_code", sa.String(length=8), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=60), nullable=False),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_action"), "audit_events", ["action"], unique=False)
    op.create_index(op.f("ix_audit_events_actor"), "audit_events", ["actor"], unique=False)
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"], unique=False)
    op.create_index(op.f("ix_audit_events_entity"), "audit_events", ["entity"], unique=False)
    op.create_index(op.f("ix_audit_events_entity_id"), "audit_events", ["entity_id"], unique=False)
    op.create_index(
        op.f("ix_audit_events_member_code"), "audit_events", ["member_code"], unique=False
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column(
            "response",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("token_id", "key", name=op.f("uq_idempotency_keys_token_id_key")),
    )
    op.create_table(
        "items",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("name_ja", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("unit_weight_kg", sa.Float(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("per_person_per_day", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_items")),
    )
    op.create_table(
        "members",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("name_ja", sa.String(length=100), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("prefecture", "city", name="memberkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("parent_code", sa.String(length=8), nullable=True),
        sa.Column("office_name_ja", sa.String(length=100), nullable=True),
        sa.Column("office_lat", sa.Float(), nullable=False),
        sa.Column("office_lon", sa.Float(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("area_km2", sa.Float(), nullable=True),
        sa.Column(
            "heli_preference",
            sa.Enum(
                "own_first", "geography_first", name="helipreference", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["members.code"], name=op.f("fk_members_parent_code_members")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_members")),
    )
    op.create_table(
        "aid_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_code", sa.String(length=8), nullable=False),
        sa.Column("delivery_name", sa.String(length=200), nullable=False),
        sa.Column("delivery_lat", sa.Float(), nullable=False),
        sa.Column("delivery_lon", sa.Float(), nullable=False),
        sa.Column(
            "priority",
            sa.Enum("critical", "high", "normal", name="priority", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("needed_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "partially_fulfilled",
                "fulfilled",
                "cancelled",
                name="requeststatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("filed_by", sa.String(length=100), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_aid_requests_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aid_requests")),
    )
    op.create_index(
        op.f("ix_aid_requests_member_code"), "aid_requests", ["member_code"], unique=False
    )
    op.create_index(op.f("ix_aid_requests_status"), "aid_requests", ["status"], unique=False)
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "coordinator",
                "ems",
                "desk",
                "observer",
                name="role",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("member_code", sa.String(length=8), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_api_tokens_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("name", name=op.f("uq_api_tokens_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "depots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=True),
        sa.Column("member_code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_ja", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "operational",
                "damaged",
                "unreachable",
                name="depotstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_depots_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_depots")),
        sa.UniqueConstraint("key", name=op.f("uq_depots_key")),
    )
    op.create_index(op.f("ix_depots_member_code"), "depots", ["member_code"], unique=False)
    op.create_table(
        "aid_request_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=False),
        sa.Column("dispatched", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "allocated >= 0 AND allocated <= quantity",
            name=op.f("ck_aid_request_lines_allocated_range"),
        ),
        sa.CheckConstraint(
            "delivered >= 0 AND delivered <= dispatched",
            name=op.f("ck_aid_request_lines_delivered_range"),
        ),
        sa.CheckConstraint(
            "dispatched >= 0 AND dispatched <= allocated",
            name=op.f("ck_aid_request_lines_dispatched_range"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_aid_request_lines_quantity_pos")),
        sa.ForeignKeyConstraint(
            ["item_code"], ["items.code"], name=op.f("fk_aid_request_lines_item_code_items")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["aid_requests.id"],
            name=op.f("fk_aid_request_lines_request_id_aid_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aid_request_lines")),
        sa.UniqueConstraint(
            "request_id", "item_code", name=op.f("uq_aid_request_lines_request_id_item_code")
        ),
    )
    op.create_index(
        op.f("ix_aid_request_lines_request_id"), "aid_request_lines", ["request_id"], unique=False
    )
    op.create_table(
        "stock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("depot_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("reserve_floor", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("on_hand >= 0", name=op.f("ck_stock_on_hand_nonneg")),
        sa.CheckConstraint("reserve_floor >= 0", name=op.f("ck_stock_floor_nonneg")),
        sa.CheckConstraint("reserved <= on_hand", name=op.f("ck_stock_reserved_le_on_hand")),
        sa.CheckConstraint("reserved >= 0", name=op.f("ck_stock_reserved_nonneg")),
        sa.ForeignKeyConstraint(["depot_id"], ["depots.id"], name=op.f("fk_stock_depot_id_depots")),
        sa.ForeignKeyConstraint(
            ["item_code"], ["items.code"], name=op.f("fk_stock_item_code_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock")),
        sa.UniqueConstraint("depot_id", "item_code", name=op.f("uq_stock_depot_id_item_code")),
    )
    op.create_index(op.f("ix_stock_depot_id"), "stock", ["depot_id"], unique=False)
    op.create_index(op.f("ix_stock_item_code"), "stock", ["item_code"], unique=False)
    op.create_table(
        "stock_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stock_id", sa.Integer(), nullable=False),
        sa.Column("depot_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("delta_on_hand", sa.Integer(), nullable=False),
        sa.Column("delta_reserved", sa.Integer(), nullable=False),
        sa.Column("delta_reserve_floor", sa.Integer(), nullable=False),
        sa.Column("on_hand_after", sa.Integer(), nullable=False),
        sa.Column("reserved_after", sa.Integer(), nullable=False),
        sa.Column("reserve_floor_after", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["stock_id"], ["stock.id"], name=op.f("fk_stock_ledger_stock_id_stock")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_ledger")),
    )
    op.create_index(op.f("ix_stock_ledger_stock_id"), "stock_ledger", ["stock_id"], unique=False)

    # The audit log is append-only: refuse UPDATE and DELETE at the database, not only in the API.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only';
            END;
            $$ LANGUAGE plpgsql;
            """
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")

    op.drop_index(op.f("ix_stock_ledger_stock_id"), table_name="stock_ledger")
    op.drop_table("stock_ledger")
    op.drop_index(op.f("ix_stock_item_code"), table_name="stock")
    op.drop_index(op.f("ix_stock_depot_id"), table_name="stock")
    op.drop_table("stock")
    op.drop_index(op.f("ix_aid_request_lines_request_id"), table_name="aid_request_lines")
    op.drop_table("aid_request_lines")
    op.drop_index(op.f("ix_depots_member_code"), table_name="depots")
    op.drop_table("depots")
    op.drop_table("api_tokens")
    op.drop_index(op.f("ix_aid_requests_status"), table_name="aid_requests")
    op.drop_index(op.f("ix_aid_requests_member_code"), table_name="aid_requests")
    op.drop_table("aid_requests")
    op.drop_table("members")
    op.drop_table("items")
    op.drop_table("idempotency_keys")
    op.drop_index(op.f("ix_audit_events_member_code"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_entity_id"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_entity"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_at"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_actor"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_action"), table_name="audit_events")
    op.drop_table("audit_events")
