"""One deal, one record: facilities link their project and carry the analyst's overrides and sizing terms;
drawdowns and repayments are recorded; an approved proposal names the facility it created.

Revision ID: 0005_deal_record
Revises: 0004_monitoring
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import computecredit.store.base

revision: str = "0005_deal_record"
down_revision: str | None = "0004_monitoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_code", sa.String(64), nullable=True))
        batch_op.add_column(sa.Column("terms", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("facility_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_proposals_facility_id_facilities"),
            "facilities",
            ["facility_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    op.create_table(
        "facility_transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount", computecredit.store.base.Money(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_facility_transactions_facility_id_facilities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_transactions")),
    )
    with op.batch_alter_table("facility_transactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facility_transactions_facility_id"), ["facility_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("facility_transactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facility_transactions_facility_id"))
    op.drop_table("facility_transactions")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_proposals_facility_id_facilities"), type_="foreignkey")
        batch_op.drop_column("facility_id")
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_column("terms")
        batch_op.drop_column("project_code")
