"""Table ``users``: workbench users with their role and argon2 password hash.

Sessions, audit and proposals (migration ``0002_workbench``) refer to ``users.id``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from computecredit.domain.users import User, hash_password, verify_password
from computecredit.errors import NotFoundError
from computecredit.store.base import Base, TimestampMixin


class UserRow(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(32), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[str] = mapped_column(sa.String(16))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


def to_user(row: UserRow) -> User:
    return User(username=row.username, display_name=row.display_name, role=row.role, active=row.active)


def find_user_row(session: Session, username: str) -> UserRow | None:
    return session.scalars(sa.select(UserRow).where(UserRow.username == username)).one_or_none()


def add_user(session: Session, user: User, password: str) -> UserRow:
    """Store a new user with the argon2 hash of ``password``."""
    row = UserRow(
        username=user.username,
        display_name=user.display_name,
        role=user.role.value,
        password_hash=hash_password(password),
        active=user.active,
    )
    session.add(row)
    session.flush()
    return row


def get_user(session: Session, username: str) -> User:
    row = find_user_row(session, username)
    if row is None:
        raise NotFoundError(f"no user {username!r}")
    return to_user(row)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user whose password matches, else ``None`` (no hint which part was wrong)."""
    row = find_user_row(session, username)
    if row is None or not row.active or not verify_password(row.password_hash, password):
        return None
    return to_user(row)


def list_users(session: Session) -> list[User]:
    return [to_user(row) for row in session.scalars(sa.select(UserRow).order_by(UserRow.username))]


__all__ = ["UserRow", "add_user", "authenticate", "find_user_row", "get_user", "list_users", "to_user"]
