"""Branch use cases: the bank's offices (总行 → 分行 → 支行), who works where, and where a borrower is booked.

Each change works in the caller's transaction and appends its audit entry there. Which branches a user
sees is one rule, :func:`computecredit.domain.branches.scope_of`; :func:`standing` gives a user's branch
with that scope.

>>> from computecredit.store.database import Database
>>> db = Database("sqlite:///:memory:"); db.upgrade()
>>> with db.transaction() as s:
...     add_branch(s, "ops", {"code": "BJ", "name_zh": "北京分行", "name_en": "Beijing Branch",
...                           "level": "branch", "parent_code": "HO"}).level.value
'branch'
>>> with db.transaction() as s:
...     add_branch(s, "ops", {"code": "X", "name_zh": "某支行", "name_en": "X", "level": "sub_branch",
...                           "parent_code": "HO"})
Traceback (most recent call last):
...
computecredit.errors.InputError: field 'parent_code' = 'HO': a sub_branch reports to a branch, not to HO (head_office)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from computecredit.domain.branches import HEAD_OFFICE, HEAD_OFFICE_BRANCH, Branch, Scope, check_parent, scope_of
from computecredit.domain.validation import parse
from computecredit.errors import InputError, NotFoundError
from computecredit.services import audit
from computecredit.store import borrowers as borrower_store
from computecredit.store import branches as branch_store
from computecredit.store import users as user_store
from computecredit.store.database import Database


@dataclass(frozen=True)
class Standing:
    """Where a user works: their branch, and the branches whose customers they see and act on."""

    branch: Branch
    scope: Scope


def _find(branches: list[Branch], code: str) -> Branch | None:
    # The head office always exists: a database made without the migrations (tests) has no row for it.
    found = next((b for b in branches if b.code == code), None)
    return HEAD_OFFICE_BRANCH if found is None and code == HEAD_OFFICE else found


def standing(session: Session, branch_code: str) -> Standing:
    """The branch ``branch_code`` and the scope of its users (one read of the branch table). A code without
    its row gets the least authority and sees only what is booked under that code."""
    branches = branch_store.list_branches(session)
    found = _find(branches, branch_code) or Branch(
        code=branch_code, name_zh=branch_code, name_en=branch_code, level="sub_branch", parent_code=HEAD_OFFICE
    )
    return Standing(found, scope_of(branches, branch_code))


def require_branch(session: Session, code: str, field: str = "branch_code") -> Branch:
    """The branch ``code``; :class:`InputError` naming ``field`` when the bank has no such branch."""
    branches = branch_store.list_branches(session)
    found = _find(branches, code)
    if found is None:
        known = ", ".join(b.code for b in branches) or HEAD_OFFICE
        raise InputError(field, code, f"must be one of the bank's branches: {known}")
    return found


def add_branch(session: Session, actor: str, document: dict[str, Any]) -> Branch:
    """Store a new branch below an existing one (a 分行 under the head office, a 支行 under a 分行), audited."""
    branch = parse(Branch, document)
    if branch.level.value == "head_office":
        raise InputError("level", branch.level.value, "the bank has one head office already")
    if any(b.code == branch.code for b in branch_store.list_branches(session)):
        raise InputError("code", branch.code, "is already a branch")
    parent = require_branch(session, branch.parent_code or "", "parent_code")
    try:
        check_parent(branch, parent)
    except ValueError as exc:
        raise InputError("parent_code", branch.parent_code, str(exc)) from None
    branch_store.save_branch(session, branch)
    audit.append(session, actor, "branch.create", "branch", branch.code, None, branch.model_dump(mode="json"))
    return branch


def add_branches(session: Session, actor: str, documents: list[dict[str, Any]]) -> list[Branch]:
    """Store several branches, parents before children (the demo bank's, a bank's first set-up)."""
    pending = list(documents)
    added: list[Branch] = []
    while pending:
        known = {b.code for b in branch_store.list_branches(session)}
        ready = [d for d in pending if d.get("parent_code") in known]
        if not ready:  # what is left has no parent: let the first one say so
            ready = pending[:1]
        for document in ready:
            added.append(add_branch(session, actor, document))
            pending.remove(document)
    return added


def move_borrower(session: Session, actor: str, uscc: str, branch_code: str) -> str:
    """Book borrower ``uscc`` at branch ``branch_code`` (its facilities, proposals, projects and alerts go
    with it); returns the branch it left. Audited."""
    require_branch(session, branch_code)
    row = borrower_store.borrower_row(session, uscc)
    before = row.branch_code
    if before != branch_code:
        row.branch_code = branch_code
        session.flush()
        audit.append(
            session,
            actor,
            "borrower.branch",
            "borrower",
            uscc,
            {"branch_code": before},
            {"branch_code": branch_code},
        )
    return before


def list_branches(db: Database) -> list[Branch]:
    """Every branch of the bank, by code."""
    with db.transaction() as session:
        return branch_store.list_branches(session)


def user_standing(session: Session, username: str) -> Standing:
    """The branch and scope of user ``username``; :class:`NotFoundError` if there is no such user."""
    row = user_store.find_user_row(session, username)
    if row is None:
        raise NotFoundError(f"no user {username!r}")
    return standing(session, row.branch_code)


__all__ = [
    "Standing",
    "add_branch",
    "add_branches",
    "list_branches",
    "move_borrower",
    "require_branch",
    "standing",
    "user_standing",
]
