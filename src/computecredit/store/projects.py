"""Table ``projects``: 智算中心 projects with their engine input document (JSON), and repository functions."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from computecredit.domain.branches import WHOLE_BANK, Scope
from computecredit.domain.projects import Project
from computecredit.errors import NotFoundError
from computecredit.store.base import Base, TimestampMixin
from computecredit.store.borrowers import BorrowerRow, borrower_row, of_borrowers_in


class ProjectRow(TimestampMixin, Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    borrower_id: Mapped[int] = mapped_column(sa.ForeignKey("borrowers.id", ondelete="RESTRICT"), index=True)
    hub: Mapped[str | None] = mapped_column(sa.String(32))
    province: Mapped[str | None] = mapped_column(sa.String(32))
    inputs: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    borrower: Mapped[BorrowerRow] = relationship()


def to_project(row: ProjectRow) -> Project:
    return Project(
        code=row.code,
        name=row.name,
        borrower_uscc=row.borrower.uscc,
        hub=row.hub,
        province=row.province,
        inputs=row.inputs,
    )


def save_project(session: Session, project: Project) -> ProjectRow:
    """Insert ``project`` or replace the one with the same code; its borrower must exist."""
    owner = borrower_row(session, project.borrower_uscc)
    row = session.scalars(sa.select(ProjectRow).where(ProjectRow.code == project.code)).one_or_none()
    if row is None:
        row = ProjectRow(code=project.code)
        session.add(row)
    row.name = project.name
    row.borrower = owner
    row.hub = project.hub.value if project.hub else None
    row.province = project.province.value if project.province else None
    row.inputs = project.inputs
    session.flush()
    return row


def find_project_row(session: Session, code: str, scope: Scope = WHOLE_BANK) -> ProjectRow | None:
    """The stored project ``code`` if its borrower lies in ``scope``."""
    query = sa.select(ProjectRow).where(ProjectRow.code == code, of_borrowers_in(ProjectRow.borrower_id, scope))
    return session.scalars(query).one_or_none()


def get_project(session: Session, code: str, scope: Scope = WHOLE_BANK) -> Project:
    """The stored project ``code`` in ``scope``; :class:`NotFoundError` if there is none."""
    row = find_project_row(session, code, scope)
    if row is None:
        raise NotFoundError(f"no project with code {code}")
    return to_project(row)


def stored_codes(session: Session) -> set[str]:
    """The codes of every stored project, whatever its branch (a stored project hides a bundled example
    of the same code)."""
    return set(session.scalars(sa.select(ProjectRow.code)))


def list_projects(session: Session, scope: Scope = WHOLE_BANK) -> list[Project]:
    """Stored projects (in ``scope``), by code."""
    query = sa.select(ProjectRow).where(of_borrowers_in(ProjectRow.borrower_id, scope)).order_by(ProjectRow.code)
    return [to_project(row) for row in session.scalars(query)]


__all__ = [
    "ProjectRow",
    "find_project_row",
    "get_project",
    "list_projects",
    "save_project",
    "stored_codes",
    "to_project",
]
