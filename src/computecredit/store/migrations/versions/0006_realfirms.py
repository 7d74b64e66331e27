"""realfirms: borrowers' headcount optional (statement sources lack it), ticker indexed for search

Revision ID: 0006_realfirms
Revises: 0004_monitoring
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_realfirms"
down_revision: str | None = "0004_monitoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("borrowers") as batch:
        batch.alter_column("employees", existing_type=sa.Integer(), nullable=True)
        batch.create_index(batch.f("ix_borrowers_ticker"), ["ticker"], unique=False)


def downgrade() -> None:
    # A borrower stored without a headcount cannot go back to the old schema: say so rather than invent one.
    bind = op.get_bind()
    unknown = bind.execute(sa.text("SELECT COUNT(*) FROM borrowers WHERE employees IS NULL")).scalar_one()
    if unknown:
        raise RuntimeError(f"{unknown} borrowers have no headcount; set employees before downgrading")
    with op.batch_alter_table("borrowers") as batch:
        batch.drop_index(batch.f("ix_borrowers_ticker"))
        batch.alter_column("employees", existing_type=sa.Integer(), nullable=False)
