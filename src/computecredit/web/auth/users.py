"""The user directory the workbench authenticates against: the foundation's ``users`` table.

Passwords are checked with argon2 (the table stores only the argon2 hash).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from computecredit.store.base import Base

_HASHER = PasswordHasher()
# A valid hash of a random password: checking it when the user does not exist keeps the timing the same.
_DUMMY_HASH = _HASHER.hash("computecredit-no-such-user")


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    role: str
    active: bool
    password_hash: str


def _table() -> sa.Table:
    import computecredit.store.tables  # noqa: F401  (registers the users table)

    return Base.metadata.tables["users"]


def _info(row: sa.Row) -> UserInfo:
    mapping = row._mapping
    return UserInfo(
        username=mapping["username"],
        display_name=mapping.get("display_name") or mapping["username"],
        role=str(mapping["role"]),
        active=bool(mapping.get("active", True)),
        password_hash=mapping["password_hash"],
    )


def find(session: Session, username: str) -> UserInfo | None:
    """The user called ``username``, or None."""
    table = _table()
    row = session.execute(sa.select(table).where(table.c.username == username)).first()
    return _info(row) if row is not None else None


def all_users(session: Session) -> list[UserInfo]:
    table = _table()
    return [_info(row) for row in session.execute(sa.select(table).order_by(table.c.username))]


def authenticate(session: Session, username: str, password: str) -> UserInfo | None:
    """The active user whose argon2 hash matches ``password``, or None (same work either way)."""
    user = find(session, username)
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    return user
