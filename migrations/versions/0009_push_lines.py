"""push lines: a request line's quantity may be 0 once its push remainder is closed

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-01 13:55:00.000000

Closing a member's push remainder (SPEC §10) keeps only what plans allocated: a push line nothing
was allocated to ends with quantity 0 (a request whose lines are all 0 is cancelled). Filing still
needs a quantity > 0 (the API's schema). SQLite cannot alter a CHECK constraint: the table is
rebuilt (batch mode).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _line_quantity(old: str, new: str, check: str) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("aid_request_lines", recreate="always" if sqlite else "auto") as b:
        b.drop_constraint(op.f(f"ck_aid_request_lines_{old}"), type_="check")
        b.create_check_constraint(op.f(f"ck_aid_request_lines_{new}"), check)


def upgrade() -> None:
    _line_quantity("quantity_pos", "quantity_nonneg", "quantity >= 0")


def downgrade() -> None:
    _line_quantity("quantity_nonneg", "quantity_pos", "quantity > 0")
