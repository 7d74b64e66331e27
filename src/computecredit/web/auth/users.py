"""The user directory the workbench authenticates against: the foundation's ``users`` table.

Passwords are checked by :func:`computecredit.domain.users.verify_password` (the table stores only the
argon2 hash).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from computecredit.domain.users import hash_password, verify_password
from computecredit.store import users as user_store
from computecredit.store.users import UserRow

# A valid hash of a random password: checking it when the user does not exist keeps the timing the same.
_DUMMY_HASH = hash_password("computecredit-no-such-user")


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    role: str
    active: bool
    password_hash: str
    branch_code: str


def _info(row: UserRow) -> UserInfo:
    return UserInfo(
        username=row.username,
        display_name=row.display_name or row.username,
        role=str(row.role),
        active=bool(row.active),
        password_hash=row.password_hash,
        branch_code=row.branch_code,
    )


def find(session: Session, username: str) -> UserInfo | None:
    """The user called ``username``, or None."""
    row = user_store.find_user_row(session, username)
    return _info(row) if row is not None else None


def all_users(session: Session) -> list[UserInfo]:
    return [_info(row) for row in user_store.user_rows(session)]


def authenticate(session: Session, username: str, password: str) -> UserInfo | None:
    """The active user whose argon2 hash matches ``password``, or None (same work either way)."""
    user = find(session, username)
    if not verify_password(user.password_hash if user else _DUMMY_HASH, password):
        return None
    if user is None or not user.active:
        return None
    return user
