"""data_versions: a token per set of tables, new at every write to them, so processes can keep what they read

Revision ID: 0011_data_versions
Revises: 0010_branches

See :mod:`computecredit.store.versions`. The ``book`` and ``statements`` rows are created here with a first
token each.
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_data_versions"
down_revision: str | None = "0010_branches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    versions = op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )
    op.bulk_insert(versions, [{"name": name, "token": uuid.uuid4().hex} for name in ("book", "statements")])


def downgrade() -> None:
    op.drop_table("data_versions")
