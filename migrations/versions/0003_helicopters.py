"""helicopters, status history, medevac missions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 08:27:36.838235
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "helicopters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("callsign", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=8), nullable=False),
        sa.Column("base_name", sa.String(length=200), nullable=False),
        sa.Column("base_name_ja", sa.String(length=200), nullable=True),
        sa.Column("base_lat", sa.Float(), nullable=False),
        sa.Column("base_lon", sa.Float(), nullable=False),
        sa.Column("aircraft_type", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "available",
                "on_mission",
                "maintenance",
                "off_duty",
                name="helicopterstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("cruise_kmh", sa.Float(), nullable=False),
        sa.Column("range_km", sa.Float(), nullable=False),
        sa.Column("daylight_start", sa.Time(), nullable=False),
        sa.Column("daylight_fixed_end", sa.Time(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_helicopters_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helicopters")),
        sa.UniqueConstraint("callsign", name=op.f("uq_helicopters_callsign")),
    )
    op.create_index(
        op.f("ix_helicopters_member_code"), "helicopters", ["member_code"], unique=False
    )
    op.create_index(op.f("ix_helicopters_status"), "helicopters", ["status"], unique=False)
    op.create_table(
        "medevac_missions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_code", sa.String(length=8), nullable=False),
        sa.Column("scene_name", sa.String(length=200), nullable=True),
        sa.Column("scene_lat", sa.Float(), nullable=False),
        sa.Column("scene_lon", sa.Float(), nullable=False),
        sa.Column(
            "severity",
            sa.Enum("red", "yellow", name="severity", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("patients", sa.Integer(), nullable=False),
        sa.Column(
            "requested_hospital",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "hospital",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "assigned",
                "en_route",
                "on_scene",
                "transporting",
                "completed",
                "cancelled",
                name="missionstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("helicopter_id", sa.Integer(), nullable=True),
        sa.Column("eta_scene_minutes", sa.Float(), nullable=True),
        sa.Column("sortie_km", sa.Float(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("reason_detail", sa.String(length=1000), nullable=True),
        sa.Column(
            "blocked",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("reported_by", sa.String(length=100), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.String(length=100), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("planned_on_scene_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("planned_at_hospital_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("planned_back_at_base_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("en_route_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("on_scene_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("transporting_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "patients BETWEEN 1 AND 2", name=op.f("ck_medevac_missions_patients_range")
        ),
        sa.ForeignKeyConstraint(
            ["helicopter_id"],
            ["helicopters.id"],
            name=op.f("fk_medevac_missions_helicopter_id_helicopters"),
        ),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_medevac_missions_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medevac_missions")),
    )
    op.create_index(
        op.f("ix_medevac_missions_helicopter_id"),
        "medevac_missions",
        ["helicopter_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_medevac_missions_member_code"), "medevac_missions", ["member_code"], unique=False
    )
    op.create_index(
        op.f("ix_medevac_missions_severity"), "medevac_missions", ["severity"], unique=False
    )
    op.create_index(
        op.f("ix_medevac_missions_status"), "medevac_missions", ["status"], unique=False
    )
    op.create_table(
        "helicopter_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("helicopter_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "available",
                "on_mission",
                "maintenance",
                "off_duty",
                name="helicopterstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "previous",
            sa.Enum(
                "available",
                "on_mission",
                "maintenance",
                "off_duty",
                name="helicopterstatus",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("mission_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["helicopter_id"],
            ["helicopters.id"],
            name=op.f("fk_helicopter_status_changes_helicopter_id_helicopters"),
        ),
        sa.ForeignKeyConstraint(
            ["mission_id"],
            ["medevac_missions.id"],
            name=op.f("fk_helicopter_status_changes_mission_id_medevac_missions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helicopter_status_changes")),
    )
    op.create_index(
        op.f("ix_helicopter_status_changes_helicopter_id"),
        "helicopter_status_changes",
        ["helicopter_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_helicopter_status_changes_helicopter_id"), table_name="helicopter_status_changes"
    )
    op.drop_table("helicopter_status_changes")
    op.drop_index(op.f("ix_medevac_missions_status"), table_name="medevac_missions")
    op.drop_index(op.f("ix_medevac_missions_severity"), table_name="medevac_missions")
    op.drop_index(op.f("ix_medevac_missions_member_code"), table_name="medevac_missions")
    op.drop_index(op.f("ix_medevac_missions_helicopter_id"), table_name="medevac_missions")
    op.drop_table("medevac_missions")
    op.drop_index(op.f("ix_helicopters_status"), table_name="helicopters")
    op.drop_index(op.f("ix_helicopters_member_code"), table_name="helicopters")
    op.drop_table("helicopters")
