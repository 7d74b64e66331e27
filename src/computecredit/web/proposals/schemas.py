"""Bodies of the proposals API."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, field_validator

from computecredit.domain.facilities import ProductType
from computecredit.money import parse_amount
from computecredit.store.workbench import Decision, Proposal


class Deal(BaseModel):
    """The analyst's structuring beside amount and tenor (used by the engines' analysis)."""

    spread_bp: int = Field(
        0, ge=-500, le=2000, description="Loans: spread over LPR in bp; guarantees: annual fee in bp"
    )
    pd: float | None = Field(None, gt=0, lt=1, description="Analyst's PD when the borrower has no stored rating")
    beneficiary: str | None = Field(None, max_length=200, description="Beneficiary of a guarantee (保函受益人)")
    purpose: str = Field("", max_length=500)


class ProposalCreate(BaseModel):
    borrower_ref: str = Field(min_length=1, max_length=64, description="The borrower's id or USCC")
    product: ProductType
    amount: Decimal = Field(description='Amount in yuan; strings with a unit are read too, e.g. "2.8亿"')
    tenor_months: int = Field(ge=1, le=360)
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    project_ref: str | None = Field(None, max_length=64)
    deal: Deal = Field(default_factory=Deal)

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Decimal:
        amount = parse_amount(value)
        if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e16"):
            raise ValueError("must be a positive amount below 1e16 yuan")
        return amount


class Comment(BaseModel):
    comment: str = Field("", max_length=4000)


class DecisionOut(BaseModel):
    actor: str
    action: str
    from_state: str
    to_state: str
    comment: str
    at: datetime
    snapshot_hash: str

    @classmethod
    def of(cls, d: Decision) -> DecisionOut:
        return cls(
            actor=d.actor,
            action=d.action,
            from_state=d.from_state,
            to_state=d.to_state,
            comment=d.comment,
            at=d.at,
            snapshot_hash=d.snapshot_hash,
        )


class Preview(BaseModel):
    """The engines' view of a proposal's terms before anything is stored (the form's live panel)."""

    outputs: dict[str, Any]
    versions: dict[str, Any]


class ProposalOut(BaseModel):
    id: int
    borrower_ref: str
    project_ref: str | None
    product: str
    amount: Decimal
    currency: str
    tenor_months: int
    state: str
    proposer: str
    outputs: dict[str, Any]
    versions: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    decisions: list[DecisionOut]
    links: dict[str, str]

    @classmethod
    def of(cls, p: Proposal) -> ProposalOut:
        return cls(
            id=p.id,
            borrower_ref=p.borrower_ref,
            project_ref=p.project_ref,
            product=p.product,
            amount=p.amount,
            currency=p.currency,
            tenor_months=p.tenor_months,
            state=p.state,
            proposer=p.proposer,
            outputs=json.loads(p.outputs_json or "{}"),
            versions=json.loads(p.versions_json or "{}"),
            created_at=p.created_at,
            updated_at=p.updated_at,
            decisions=[DecisionOut.of(d) for d in p.decisions],
            links={
                "self": f"/api/v1/proposals/{p.id}",
                "page": f"/proposals/{p.id}",
                **({"memo": f"/api/v1/proposals/{p.id}/memo"} if p.memo_html else {}),
            },
        )
