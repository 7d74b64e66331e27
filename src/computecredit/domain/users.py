"""Users of the workbench, their roles and branches; passwords are stored only as argon2id hashes (argon2-cffi).

>>> user = User(username="analyst", display_name="信贷分析师 Analyst", role="analyst")
>>> hashed = hash_password("correct horse")
>>> verify_password(hashed, "correct horse"), verify_password(hashed, "wrong")
(True, False)
"""

from __future__ import annotations

from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, Field

from computecredit.domain.branches import CODE_PATTERN, HEAD_OFFICE
from computecredit.domain.labels import LabelledEnum, lenient

MIN_PASSWORD_LENGTH = 8


class Role(LabelledEnum):
    ANALYST = "analyst", "信贷分析师", "Credit analyst"
    APPROVER = "approver", "审批人", "Approver"
    RISK_MANAGER = "risk_manager", "风险经理", "Risk manager"
    ADMIN = "admin", "系统管理员", "Administrator"


class User(BaseModel):
    """A workbench user. The password hash lives in storage only, never in this model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str = Field(pattern=r"^[a-z][a-z0-9_.-]{1,31}$")
    display_name: str = Field(min_length=1, max_length=100)
    role: Annotated[Role, lenient(Role)]
    active: bool = True
    branch_code: str = Field(HEAD_OFFICE, pattern=CODE_PATTERN, description="the branch the user works at")


_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (at least 8 characters)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's defaults."""
    return _HASHER.check_needs_rehash(password_hash)


__all__ = ["MIN_PASSWORD_LENGTH", "Role", "User", "hash_password", "needs_rehash", "verify_password"]
