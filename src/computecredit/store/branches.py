"""Table ``branches`` (总行 → 分行 → 支行) and the scope condition every query of customers' data applies.

Users and borrowers carry a ``branch_code`` (migration ``0010_branches``, the head office by default).
A facility, proposal, project, rating or alert belongs to its borrower's branch: queries join the borrower
and keep the rows :func:`in_scope` allows.

>>> from computecredit.store.database import Database
>>> db = Database("sqlite:///:memory:"); db.upgrade()
>>> with db.transaction() as session:
...     [(b.code, b.level.value) for b in list_branches(session)]
[('HO', 'head_office')]
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, QueryableAttribute, Session, mapped_column

from computecredit.domain.branches import HEAD_OFFICE, Branch, Scope
from computecredit.store.base import Base, TimestampMixin

CODE_LENGTH = 16


class BranchRow(TimestampMixin, Base):
    __tablename__ = "branches"

    code: Mapped[str] = mapped_column(sa.String(CODE_LENGTH), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    level: Mapped[str] = mapped_column(sa.String(16))
    parent_code: Mapped[str | None] = mapped_column(
        sa.ForeignKey("branches.code", ondelete="RESTRICT"), index=True
    )


def branch_column() -> Mapped[str]:
    """The ``branch_code`` column of users and borrowers: the head office unless set.

    No foreign key: SQLite cannot add a REFERENCES column with a non-NULL default to a table that holds
    rows, and rebuilding ``borrowers`` would cascade (see migration 0006); services check the code instead.
    """
    return mapped_column(sa.String(CODE_LENGTH), default=HEAD_OFFICE, server_default=HEAD_OFFICE, index=True)


def to_branch(row: BranchRow) -> Branch:
    return Branch(
        code=row.code, name_zh=row.name_zh, name_en=row.name_en, level=row.level, parent_code=row.parent_code
    )


def list_branches(session: Session) -> list[Branch]:
    """Every branch, by code."""
    return [to_branch(row) for row in session.scalars(sa.select(BranchRow).order_by(BranchRow.code))]


def save_branch(session: Session, branch: Branch) -> None:
    """Insert ``branch`` or replace the one with its code."""
    row = session.get(BranchRow, branch.code) or BranchRow(code=branch.code)
    row.name_zh, row.name_en = branch.name_zh, branch.name_en
    row.level, row.parent_code = branch.level.value, branch.parent_code
    session.add(row)
    session.flush()


def in_scope(column: QueryableAttribute[str], scope: Scope) -> sa.ColumnElement[bool]:
    """The condition keeping rows whose branch ``column`` lies in ``scope`` (always true for the whole bank)."""
    if scope.branches is None:
        return sa.true()
    return column.in_(sorted(scope.branches))


__all__ = [
    "BranchRow",
    "branch_column",
    "in_scope",
    "list_branches",
    "save_branch",
    "to_branch",
]
