"""Table ``users``: workbench users with their role, branch and argon2 password hash.

Sessions, audit and proposals (migration ``0002_workbench``) refer to ``users.id``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from computecredit.domain.users import User, hash_password, verify_password
from computecredit.errors import NotFoundError
from computecredit.store.base import Base, TimestampMixin
from computecredit.store.branches import branch_column


class UserRow(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(32), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[str] = mapped_column(sa.String(16))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    branch_code: Mapped[str] = branch_column()


def to_user(row: UserRow) -> User:
    return User(
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        active=row.active,
        branch_code=row.branch_code,
    )


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
        branch_code=user.branch_code,
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


def count_active(session: Session, role: str, *, besides: str | None = None) -> int:
    """How many active users hold ``role`` (leaving out the user called ``besides``)."""
    query = sa.select(sa.func.count()).where(UserRow.role == role, UserRow.active.is_(True))
    if besides is not None:
        query = query.where(UserRow.username != besides)
    return int(session.execute(query).scalar_one())


def user_rows(session: Session) -> list[UserRow]:
    """Every user's row (with its password hash), by user name."""
    return list(session.scalars(sa.select(UserRow).order_by(UserRow.username)))


def list_users(session: Session) -> list[User]:
    return [to_user(row) for row in user_rows(session)]


__all__ = [
    "UserRow",
    "add_user",
    "authenticate",
    "find_user_row",
    "get_user",
    "list_users",
    "to_user",
    "user_rows",
]
