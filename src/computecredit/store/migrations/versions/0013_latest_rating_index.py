"""rating_records: an index on (borrower_id, rated_at, id), so a borrower's latest rating is one look-up

Revision ID: 0013_latest_rating_index
Revises: 0012_access_version

Every rating, preview, borrower list and book reads borrowers' latest ratings
(:func:`computecredit.store.ratings.latest_rating_ids`); without the index each read ranked every rating
of the bank.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_latest_rating_index"
down_revision: str | None = "0012_access_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_rating_records_latest", "rating_records", ["borrower_id", "rated_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_rating_records_latest", table_name="rating_records")
