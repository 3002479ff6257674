"""logistics: shipments, trucks, late/received/declined allocations, lost units on lines

Revision ID: 0007
Revises: 0009
Create Date: 2026-12-01 13:00:00.000000

SPEC §11/§14 (issue 13). Existing allocations get ``late = false`` (plans made before deadlines
were judged) and no shipment; existing lines ``lost = 0``. Trucks are not seeded here: a
member's pool is created from the ASSUMED default (``logistics/data/truck_pools.csv``) when its
desk first dispatches a shipment.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = ("planned", "queued", "dispatched", "delivered", "cancelled")


def _shipments() -> None:
    op.create_table(
        "shipments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("depot_id", sa.Integer(), nullable=False),
        sa.Column("supplier_code", sa.String(length=8), nullable=False),
        sa.Column("requester_code", sa.String(length=8), nullable=False),
        sa.Column("delivery_name", sa.String(length=200), nullable=False),
        sa.Column("delivery_lat", sa.Float(), nullable=False),
        sa.Column("delivery_lon", sa.Float(), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=False),
        sa.Column("weight_kg", sa.Float(), nullable=False),
        sa.Column("trucks_4t", sa.Integer(), nullable=False),
        sa.Column("trucks_10t", sa.Integer(), nullable=False),
        sa.Column("priority_rank", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*_STATUSES, name="shipmentstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("departure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["dispatch_plans.id"], name=op.f("fk_shipments_plan_id_dispatch_plans")
        ),
        sa.ForeignKeyConstraint(
            ["depot_id"], ["depots.id"], name=op.f("fk_shipments_depot_id_depots")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_code"], ["members.code"], name=op.f("fk_shipments_supplier_code_members")
        ),
        sa.ForeignKeyConstraint(
            ["requester_code"], ["members.code"], name=op.f("fk_shipments_requester_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
    )
    for column in ("plan_id", "supplier_code", "requester_code", "status"):
        op.create_index(op.f(f"ix_shipments_{column}"), "shipments", [column], unique=False)


def _trucks() -> None:
    op.create_table(
        "trucks",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=8), nullable=False),
        sa.Column("class_code", sa.String(length=8), nullable=False),
        sa.Column("free_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shipment_id", sa.Integer(), nullable=True),
        sa.Column("continuous_min", sa.Float(), nullable=False),
        sa.Column("drive_min", sa.Float(), nullable=False),
        sa.Column("duty_min", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_trucks_member_code_members")
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_trucks_shipment_id_shipments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trucks")),
    )
    op.create_index(op.f("ix_trucks_member_code"), "trucks", ["member_code"], unique=False)


def _closures() -> None:
    op.create_table(
        "closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("crossing", "area", name="closurekind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("crossing", sa.String(length=40), nullable=True),
        sa.Column(
            "area",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reopened_by", sa.String(length=100), nullable=True),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_closures_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closures")),
    )
    op.create_index(op.f("ix_closures_incident_id"), "closures", ["incident_id"], unique=False)


def upgrade() -> None:
    _shipments()
    _trucks()
    _closures()
    with op.batch_alter_table("plan_allocations") as batch:
        batch.add_column(sa.Column("late", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("shipment_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("received", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column(
                "loss_reason",
                sa.Enum(
                    "short", "damaged", "lost", name="lossreason", native_enum=False, length=16
                ),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("decline_reason", sa.String(length=500), nullable=True))
        batch.create_index(batch.f("ix_plan_allocations_shipment_id"), ["shipment_id"])
        batch.create_foreign_key(
            batch.f("fk_plan_allocations_shipment_id_shipments"),
            "shipments",
            ["shipment_id"],
            ["id"],
        )
        batch.create_check_constraint(
            batch.f("ck_plan_allocations_received_range"),
            "received >= 0 AND received <= quantity",
        )
    with op.batch_alter_table("aid_request_lines") as batch:
        batch.add_column(
            sa.Column("lost", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch.create_check_constraint(batch.f("ck_aid_request_lines_lost_nonneg"), "lost >= 0")


def downgrade() -> None:
    with op.batch_alter_table("aid_request_lines") as batch:
        batch.drop_constraint(batch.f("ck_aid_request_lines_lost_nonneg"), type_="check")
        batch.drop_column("lost")
    with op.batch_alter_table("plan_allocations") as batch:
        batch.drop_constraint(batch.f("ck_plan_allocations_received_range"), type_="check")
        batch.drop_constraint(
            batch.f("fk_plan_allocations_shipment_id_shipments"), type_="foreignkey"
        )
        batch.drop_index(batch.f("ix_plan_allocations_shipment_id"))
        for column in ("decline_reason", "loss_reason", "received", "shipment_id", "late"):
            batch.drop_column(column)
    op.drop_table("closures")
    op.drop_table("trucks")
    op.drop_table("shipments")
