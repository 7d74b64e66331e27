"""Bodies of the admin and audit API."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from computecredit.domain.branches import HEAD_OFFICE
from computecredit.store.workbench import AuditEntry

# An amount as a number of 元 or as bankers write it ("108.6亿", "5000万"); parsed by the domain's ``Amount``.
AmountText = Decimal | Annotated[str, Field(max_length=40)]


class UserOut(BaseModel):
    username: str
    display_name: str
    role: str
    active: bool
    branch_code: str


class AuditOut(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    entity_type: str
    entity_id: str
    before: Any
    after: Any
    hash: str

    @classmethod
    def of(cls, e: AuditEntry) -> AuditOut:
        return cls(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            entity_type=e.entity_type,
            entity_id=e.entity_id,
            before=json.loads(e.before_json),
            after=json.loads(e.after_json),
            hash=e.hash,
        )


class UserCreate(BaseModel):
    """A new user; the password is stored only as its argon2 hash."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=32, description="lower-case letters, digits, _ . -; starts with a letter")
    display_name: str = Field(max_length=100)
    role: Literal["analyst", "approver", "risk_manager", "admin"]
    password: str = Field(max_length=256, description="initial password, at least 8 characters")
    branch_code: str = Field(
        HEAD_OFFICE, max_length=16, description="the branch the user works at (head office: HO)"
    )


class UserPatch(BaseModel):
    """What to change on a user (omitted fields stay as they are)."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(None, max_length=100)
    role: Literal["analyst", "approver", "risk_manager", "admin"] | None = None
    active: bool | None = None
    branch_code: str | None = Field(None, max_length=16, description="move the user to this branch")


class BankPatch(BaseModel):
    """Bank parameters to change: amounts in 元 (numbers or text such as "108.6亿"), hurdle rate as a fraction."""

    model_config = ConfigDict(extra="forbid")

    net_capital: AmountText | None = Field(None, description="资本净额, 元 or e.g. 108.6亿")
    tier1_net_capital: AmountText | None = Field(None, description="一级资本净额, 元 or e.g. 95亿")
    loan_book: AmountText | None = Field(None, description="各项贷款余额, 元 or e.g. 1200亿")
    hurdle_rate: Decimal | None = Field(None, description="RAROC hurdle, fraction (0.12 = 12%)")
    as_of: date | None = None


class BankOut(BaseModel):
    name_zh: str
    name_en: str
    as_of: date | None
    net_capital: Decimal
    tier1_net_capital: Decimal
    loan_book: Decimal
    hurdle_rate: Decimal
