"""Programmes (lending programmes, relending quotas, product lines) and the tags that put proposals and
facilities in them.

Revision ID: 0009_programmes
Revises: 0008_job_attempts
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from computecredit.store.base import Money
from computecredit.store.columns import Ratio

revision: str = "0009_programmes"
down_revision: str | None = "0008_job_attempts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("kind", sa.String(24), nullable=False, index=True),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("amount", Money(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("relending_rate", Ratio(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "programme_tags",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "programme_id",
            sa.Integer(),
            sa.ForeignKey("programmes.id", ondelete="RESTRICT"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("proposal_id", sa.Integer(), sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True),
        sa.Column("facility_id", sa.Integer(), sa.ForeignKey("facilities.id", ondelete="CASCADE"), index=True),
        sa.Column("tagged_by", sa.String(64), nullable=False),
        sa.Column("tagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("proposal_id", "kind", name="uq_programme_tags_proposal_kind"),
        sa.UniqueConstraint("facility_id", "kind", name="uq_programme_tags_facility_kind"),
        sa.CheckConstraint("(proposal_id IS NULL) <> (facility_id IS NULL)", name="ck_programme_tags_one_subject"),
    )


def downgrade() -> None:
    op.drop_table("programme_tags")
    op.drop_table("programmes")
