"""branches: the bank's offices (总行 → 分行 → 支行); users and borrowers belong to one, the head office by default

Revision ID: 0010_branches
Revises: 0009_programmes

Existing users and borrowers go to the head office (``HO``, created here), so an upgraded bank works as
before: head-office users see the whole bank. The ``branch_code`` columns are added in place (no table is
rebuilt: on SQLite a rebuilt ``borrowers`` would cascade, see 0006) and carry no foreign key, which SQLite
cannot add to a column with a non-NULL default; the services check every code they write.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010_branches"
down_revision: str | None = "0009_programmes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    branches = op.create_table(
        "branches",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent_code", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["branches.code"], name=op.f("fk_branches_parent_code_branches"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_branches")),
    )
    op.create_index(op.f("ix_branches_parent_code"), "branches", ["parent_code"], unique=False)
    now = datetime.now(UTC)
    op.execute(
        branches.insert().values(
            code="HO", name_zh="总行", name_en="Head office", level="head_office", created_at=now, updated_at=now
        )
    )
    for table in ("users", "borrowers"):
        op.add_column(table, sa.Column("branch_code", sa.String(length=16), server_default="HO", nullable=False))
        op.create_index(op.f(f"ix_{table}_branch_code"), table, ["branch_code"], unique=False)


def downgrade() -> None:
    for table in ("borrowers", "users"):
        op.drop_index(op.f(f"ix_{table}_branch_code"), table_name=table)
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN branch_code")  # in place: no rebuild, no cascade
        else:
            op.drop_column(table, "branch_code")
    op.drop_index(op.f("ix_branches_parent_code"), table_name="branches")
    op.drop_table("branches")
