"""incidents: activations, counterparts per incident, incident_id on requests, plans and missions,
push/pull requests, shelters and their history

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:45:00.000000

Rows that exist before this migration (a deployment that already took requests) are given to one
incident opened here, "Before incidents (migrated)", active, started at the earliest of them, so
that every request, plan and mission belongs to an incident (SPEC §10). A database with none of
them gets no incident here (``ukg-aid seed`` opens the default one). The global
``counterpart_pairs`` table goes: its rows were invented seed pairings ("ASSUMED"), never entered
through the API; counterparts are now decided per incident by the coordinator.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
SCOPED = ("aid_requests", "dispatch_plans", "medevac_missions")


def _enum(name: str, *values: str, length: int = 16) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length)


def _incidents() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", _enum("incidentkind", "real", "drill"), nullable=False),
        sa.Column("status", _enum("incidentstatus", "active", "closed"), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index(op.f("ix_incidents_status"), "incidents", ["status"], unique=False)
    op.create_table(
        "incident_counterparts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("supporter_code", sa.String(length=8), nullable=False),
        sa.Column("recipient_code", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_counterparts_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["supporter_code"],
            ["members.code"],
            name=op.f("fk_incident_counterparts_supporter_code_members"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_code"],
            ["members.code"],
            name=op.f("fk_incident_counterparts_recipient_code_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_counterparts")),
        sa.UniqueConstraint(
            "incident_id",
            "supporter_code",
            "recipient_code",
            name="uq_incident_counterparts_pair",
        ),
    )
    op.create_index(
        op.f("ix_incident_counterparts_incident_id"),
        "incident_counterparts",
        ["incident_id"],
        unique=False,
    )


def _shelters() -> None:
    op.create_table(
        "shelters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("member_code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("evacuees", sa.Integer(), nullable=False),
        sa.Column("infants", sa.Integer(), nullable=True),
        sa.Column("elderly", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint("evacuees >= 0", name=op.f("ck_shelters_evacuees_nonneg")),
        sa.CheckConstraint(
            "infants >= 0 AND infants <= evacuees", name=op.f("ck_shelters_infants_range")
        ),
        sa.CheckConstraint(
            "elderly >= 0 AND elderly <= evacuees", name=op.f("ck_shelters_elderly_range")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_shelters_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_shelters_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shelters")),
    )
    op.create_index(op.f("ix_shelters_incident_id"), "shelters", ["incident_id"], unique=False)
    op.create_index(op.f("ix_shelters_member_code"), "shelters", ["member_code"], unique=False)
    op.create_table(
        "shelter_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shelter_id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("evacuees", sa.Integer(), nullable=False),
        sa.Column("infants", sa.Integer(), nullable=True),
        sa.Column("elderly", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["shelter_id"], ["shelters.id"], name=op.f("fk_shelter_history_shelter_id_shelters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shelter_history")),
    )
    op.create_index(
        op.f("ix_shelter_history_shelter_id"), "shelter_history", ["shelter_id"], unique=False
    )


def _scope_columns() -> None:
    for table in SCOPED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
            batch.create_index(batch.f(f"ix_{table}_incident_id"), ["incident_id"], unique=False)
            batch.create_foreign_key(
                batch.f(f"fk_{table}_incident_id_incidents"), "incidents", ["incident_id"], ["id"]
            )
    with op.batch_alter_table("aid_requests") as batch:
        batch.add_column(
            sa.Column(
                "kind",
                _enum("requestkind", "pull", "push", length=8),
                server_default="pull",
                nullable=False,
            )
        )


def _backfill() -> None:
    """Existing requests, plans and missions join one migrated incident (see the docstring)."""
    bind = op.get_bind()
    starts = [
        bind.execute(sa.text(f"SELECT min({column}) FROM {table}")).scalar()  # noqa: S608
        for table, column in (
            ("aid_requests", "filed_at"),
            ("dispatch_plans", "created_at"),
            ("medevac_missions", "reported_at"),
        )
    ]
    found = [s for s in starts if s is not None]
    if not found:
        return
    started = min(found)
    bind.execute(
        sa.text(
            "INSERT INTO incidents (name, kind, status, started_at, note, created_by, updated_at) "
            "VALUES (:name, 'real', 'active', :at, :note, 'migration 0005', :at)"
        ),
        {
            "name": "Before incidents (migrated)",
            "at": started,
            "note": "Requests, plans and missions filed before incidents existed (migration 0005).",
        },
    )
    incident_id = bind.execute(sa.text("SELECT max(id) FROM incidents")).scalar()
    for table in SCOPED:
        update = f"UPDATE {table} SET incident_id = :i"  # noqa: S608 (constant names)
        bind.execute(sa.text(update), {"i": incident_id})


def upgrade() -> None:
    _incidents()
    _scope_columns()
    _backfill()
    _shelters()
    op.drop_table("counterpart_pairs")


def downgrade() -> None:
    op.create_table(
        "counterpart_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supporter_code", sa.String(length=8), nullable=False),
        sa.Column("stricken_code", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["supporter_code"],
            ["members.code"],
            name=op.f("fk_counterpart_pairs_supporter_code_members"),
        ),
        sa.ForeignKeyConstraint(
            ["stricken_code"],
            ["members.code"],
            name=op.f("fk_counterpart_pairs_stricken_code_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counterpart_pairs")),
        sa.UniqueConstraint(
            "supporter_code",
            "stricken_code",
            name=op.f("uq_counterpart_pairs_supporter_code_stricken_code"),
        ),
    )
    op.drop_table("shelter_history")
    op.drop_table("shelters")
    with op.batch_alter_table("aid_requests") as batch:
        batch.drop_column("kind")
    for table in SCOPED:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_incident_id_incidents", type_="foreignkey")
            batch.drop_index(f"ix_{table}_incident_id")
            batch.drop_column("incident_id")
    op.drop_table("incident_counterparts")
    op.drop_table("incidents")
