"""realfirms: borrowers' headcount optional (statement sources lack it), ticker indexed for search

Revision ID: 0006_realfirms
Revises: 0005_deal_record
Create Date: 2026-12-06

SQLite cannot relax NOT NULL in place, and Alembic's batch mode would copy the table and DROP
``borrowers`` — with foreign keys on, a DROP deletes the rows first and cascades to every table that refers
to a borrower. So on SQLite the column is moved instead (add, copy, drop, rename: no table is dropped).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_realfirms"
down_revision: str | None = "0005_deal_record"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _move_employees(column_type: str) -> None:
    op.execute(f"ALTER TABLE borrowers ADD COLUMN employees_moved {column_type}")
    op.execute("UPDATE borrowers SET employees_moved = employees")
    op.execute("ALTER TABLE borrowers DROP COLUMN employees")
    op.execute("ALTER TABLE borrowers RENAME COLUMN employees_moved TO employees")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _move_employees("INTEGER")
    else:
        op.alter_column("borrowers", "employees", existing_type=sa.Integer(), nullable=True)
    op.create_index(op.f("ix_borrowers_ticker"), "borrowers", ["ticker"], unique=False)


def downgrade() -> None:
    # A borrower stored without a headcount cannot go back to the old schema: say so rather than invent one.
    unknown = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM borrowers WHERE employees IS NULL")).scalar_one()
    if unknown:
        raise RuntimeError(f"{unknown} borrowers have no headcount; set employees before downgrading")
    op.drop_index(op.f("ix_borrowers_ticker"), table_name="borrowers")
    if op.get_bind().dialect.name == "sqlite":
        _move_employees("INTEGER NOT NULL DEFAULT 0")
    else:
        op.alter_column("borrowers", "employees", existing_type=sa.Integer(), nullable=False)
