"""medevac realism: hospitals with status history, weather holds, stagings, visiting aircraft

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 13:00:00.000000

SPEC §12. Receiving hospitals become a table (seeded from ``data/stockpiles/hospitals.csv``);
missions gain ``hospital_id``; helicopters may have no member (a visiting aircraft) and leave the
fleet. SQLite alters ``helicopters`` and ``medevac_missions`` in batch mode (table rebuilt).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _status() -> sa.Enum:
    return sa.Enum(
        "operational", "damaged", "full", name="hospitalstatus", native_enum=False, length=16
    )


def _hospitals() -> None:
    op.create_table(
        "hospitals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("member_code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_ja", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("position_estimated", sa.Boolean(), nullable=False),
        sa.Column("coord_confidence", sa.String(length=20), nullable=True),
        sa.Column(
            "heliport",
            sa.Enum(
                "on_site",
                "nearby",
                "none",
                "unknown",
                name="heliport",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("heliport_source", sa.String(length=500), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("status", _status(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_hospitals_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hospitals")),
        sa.UniqueConstraint("key", name=op.f("uq_hospitals_key")),
    )
    op.create_index(op.f("ix_hospitals_member_code"), "hospitals", ["member_code"], unique=False)
    op.create_index(op.f("ix_hospitals_status"), "hospitals", ["status"], unique=False)
    op.create_table(
        "hospital_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hospital_id", sa.Integer(), nullable=False),
        sa.Column("status", _status(), nullable=False),
        sa.Column("previous", _status(), nullable=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["hospital_id"],
            ["hospitals.id"],
            name=op.f("fk_hospital_status_changes_hospital_id_hospitals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hospital_status_changes")),
    )
    op.create_index(
        op.f("ix_hospital_status_changes_hospital_id"),
        "hospital_status_changes",
        ["hospital_id"],
        unique=False,
    )


def _fleet() -> None:
    with op.batch_alter_table("helicopters") as batch:
        batch.alter_column("member_code", existing_type=sa.String(length=8), nullable=True)
        batch.add_column(sa.Column("visiting_from", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("left_at", TZ, nullable=True))
    op.create_table(
        "helicopter_stagings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("helicopter_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("start", TZ, nullable=False),
        sa.Column("until", TZ, nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("cancelled_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(
            ["helicopter_id"],
            ["helicopters.id"],
            name=op.f("fk_helicopter_stagings_helicopter_id_helicopters"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helicopter_stagings")),
    )
    op.create_index(
        op.f("ix_helicopter_stagings_helicopter_id"),
        "helicopter_stagings",
        ["helicopter_id"],
        unique=False,
    )


def _weather() -> None:
    op.create_table(
        "weather_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area", JSON, nullable=True),
        sa.Column("base_helicopter_id", sa.Integer(), nullable=True),
        sa.Column("start", TZ, nullable=False),
        sa.Column("until", TZ, nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("lifted_at", TZ, nullable=True),
        sa.Column("lifted_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["base_helicopter_id"],
            ["helicopters.id"],
            name=op.f("fk_weather_holds_base_helicopter_id_helicopters"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weather_holds")),
    )
    for column in ("base_helicopter_id", "until", "lifted_at"):
        op.create_index(op.f(f"ix_weather_holds_{column}"), "weather_holds", [column], unique=False)


def upgrade() -> None:
    _hospitals()
    _fleet()
    _weather()
    with op.batch_alter_table("medevac_missions") as batch:
        batch.add_column(sa.Column("hospital_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_medevac_missions_hospital_id"), ["hospital_id"])
        batch.create_foreign_key(
            batch.f("fk_medevac_missions_hospital_id_hospitals"),
            "hospitals",
            ["hospital_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("medevac_missions") as batch:
        batch.drop_constraint(
            batch.f("fk_medevac_missions_hospital_id_hospitals"), type_="foreignkey"
        )
        batch.drop_index(batch.f("ix_medevac_missions_hospital_id"))
        batch.drop_column("hospital_id")
    op.drop_table("weather_holds")
    op.drop_table("helicopter_stagings")
    with op.batch_alter_table("helicopters") as batch:
        batch.drop_column("left_at")
        batch.drop_column("visiting_from")
        batch.alter_column("member_code", existing_type=sa.String(length=8), nullable=False)
    op.drop_table("hospital_status_changes")
    op.drop_table("hospitals")
