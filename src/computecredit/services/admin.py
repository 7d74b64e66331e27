"""Administration use cases: users and their roles, and the bank's parameters.

Each function works in the caller's transaction and appends the change, with the state before and after,
to the audit log in that same transaction (written together, or not at all). Passwords never reach the log.

>>> from computecredit.store.database import Database
>>> from computecredit.store.base import Base
>>> import computecredit.store.tables  # noqa: F401
>>> db = Database("sqlite:///:memory:")
>>> Base.metadata.create_all(db.engine)
>>> with db.transaction() as s:
...     _ = create_user(s, "root", "ops", "运维 Ops", "admin", "a-long-password")
...     _ = create_user(s, "ops", "ana", "Ana", "analyst", "a-long-password")
...     update_user(s, "ops", "ana", role="approver").role.value
'approver'
>>> with db.transaction() as s:
...     update_user(s, "ops", "ops", role="analyst")
Traceback (most recent call last):
...
computecredit.errors.InputError: field 'role' = 'analyst': ops is the last active admin; make another user admin first
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from computecredit.domain.bank import Bank
from computecredit.domain.branches import HEAD_OFFICE
from computecredit.domain.users import MIN_PASSWORD_LENGTH, Role, User
from computecredit.domain.validation import parse
from computecredit.errors import InputError, NotFoundError
from computecredit.services import audit
from computecredit.services.branches import require_branch
from computecredit.store import bank as bank_store
from computecredit.store.users import add_user, count_active, find_user_row, to_user

MAX_PASSWORD_LENGTH = 256
BANK_FIELDS = ("net_capital", "tier1_net_capital", "loan_book", "hurdle_rate", "as_of")
# Money columns are NUMERIC(24, 4): an amount must stay below 10^20 元 to be stored on PostgreSQL.
MAX_STORED_AMOUNT = Decimal(10) ** 20


def _check_password(password: str) -> None:
    # The value is never echoed back: the problem shows only its length.
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InputError(
            "password",
            f"({len(password)} characters)",
            f"must have {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters",
        )


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "active": user.active,
        "branch_code": user.branch_code,
    }


def create_user(
    session: Session,
    actor: str,
    username: str,
    display_name: str,
    role: str,
    password: str,
    branch_code: str = HEAD_OFFICE,
) -> User:
    """Add an active user of branch ``branch_code`` with an argon2 hash of ``password``; the username must
    be new."""
    user = parse(
        User, {"username": username, "display_name": display_name, "role": role, "branch_code": branch_code}
    )
    _check_password(password)
    require_branch(session, user.branch_code)
    if find_user_row(session, user.username) is not None:
        raise InputError("username", username, "is already taken")
    add_user(session, user, password)
    audit.append(session, actor, "user.create", "user", user.username, None, _snapshot(user))
    return user


def _other_active_admins(session: Session, username: str) -> int:
    return count_active(session, Role.ADMIN.value, besides=username)


def update_user(
    session: Session,
    actor: str,
    username: str,
    *,
    role: str | None = None,
    active: bool | None = None,
    display_name: str | None = None,
    branch_code: str | None = None,
) -> User:
    """Change a user's role, name, active flag or branch. An admin cannot deactivate themself, and the last
    active admin can be neither deactivated nor given another role."""
    row = find_user_row(session, username)
    if row is None:
        raise NotFoundError(f"no user {username!r}")
    before = to_user(row)
    asked = {"role": role, "active": active, "display_name": display_name, "branch_code": branch_code}
    changes = {k: v for k, v in asked.items() if v is not None}
    after = parse(User, {**_snapshot(before), **changes})
    if after == before:
        return before  # nothing changed, nothing to audit
    require_branch(session, after.branch_code)
    if before.active and not after.active and username == actor:
        raise InputError("active", False, "you cannot deactivate yourself; ask another admin")
    was_admin = before.active and before.role is Role.ADMIN
    stays_admin = after.active and after.role is Role.ADMIN
    if was_admin and not stays_admin and _other_active_admins(session, username) == 0:
        field, value = ("role", after.role.value) if after.role is not Role.ADMIN else ("active", after.active)
        raise InputError(field, value, f"{username} is the last active admin; make another user admin first")
    row.role, row.active, row.display_name = after.role.value, after.active, after.display_name
    row.branch_code = after.branch_code
    session.flush()
    audit.append(session, actor, "user.update", "user", username, _snapshot(before), _snapshot(after))
    return after


def update_bank(session: Session, actor: str, changes: dict[str, Any]) -> Bank:
    """Store the bank's parameters with ``changes`` applied (a new row: history is kept) and audit it.

    Amounts may be written the way bankers do ("108.6亿"); the whole bank is re-validated (e.g. 一级资本净额
    cannot exceed 资本净额).
    """
    unknown = sorted(set(changes) - set(BANK_FIELDS))
    if unknown:
        raise InputError(
            unknown[0], changes[unknown[0]], f"is not a bank parameter; one of {', '.join(BANK_FIELDS)}"
        )
    before = bank_store.get_bank(session)
    after = parse(Bank, {**before.model_dump(), **changes})
    for name in ("net_capital", "tier1_net_capital", "loan_book"):
        if getattr(after, name) >= MAX_STORED_AMOUNT:
            raise InputError(name, changes.get(name), "must be below 10^20 元 (what storage holds)")
    if before.as_of and after.as_of and after.as_of < before.as_of:
        # The latest as_of is the current row: an older date would store a row that never takes effect.
        raise InputError(
            "as_of", after.as_of.isoformat(), f"cannot be before the current {before.as_of.isoformat()}"
        )
    bank_store.save_bank(session, after)
    audit.append(
        session, actor, "bank.update", "bank", after.name_en, _bank_snapshot(before), _bank_snapshot(after)
    )
    return after


def _bank_snapshot(bank: Bank) -> dict[str, Decimal | date | str | None]:
    return {name: getattr(bank, name) for name in BANK_FIELDS}


__all__ = ["BANK_FIELDS", "create_user", "update_bank", "update_user"]
