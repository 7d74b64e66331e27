"""Bodies of the proposals API."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from computecredit.domain.facilities import ProductType, RateBase, RepaymentType
from computecredit.money import parse_amount
from computecredit.store.workbench import Decision, Proposal


class Deal(BaseModel):
    """The analyst's structuring beside amount and tenor: everything the facilities engine uses.

    Collateral items, guarantors, covenants and overrides are the domain's documents
    (:class:`~computecredit.domain.facilities.CollateralItem`, ``Guarantor``, ``Covenant``,
    ``AnalystOverride``); they are validated with the facility, and errors name ``deal.<list>.<n>.<field>``.
    """

    model_config = ConfigDict(extra="forbid")

    spread_bp: int = Field(
        0, ge=-500, le=2000, description="Loans: spread over LPR in bp; guarantees: annual fee in bp"
    )
    rate_base: RateBase | None = Field(None, description="lpr_1y, lpr_5y or fixed (default by product and tenor)")
    repayment: RepaymentType | None = Field(
        None, description="default: revolving line, bullet guarantee, else equal principal"
    )
    beneficiary: str | None = Field(None, max_length=200, description="Beneficiary of a guarantee (保函受益人)")
    purpose: str = Field("", max_length=500)
    collateral: list[dict[str, Any]] = Field(
        default_factory=list, max_length=50, description="type, description, value, valuation_date, details"
    )
    guarantors: list[dict[str, Any]] = Field(
        default_factory=list, max_length=20, description="name, kind, uscc, amount"
    )
    covenants: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=30,
        description="metric, operator, threshold, frequency (see /api/v1/covenants)",
    )
    overrides: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=10,
        description="key (pd, limit, haircut), value, reason, collateral_index",
    )
    structuring: dict[str, Any] = Field(
        default_factory=dict, description="the deal's sizing terms, e.g. target_dscr, buyback_amount, drawn_share"
    )


class ProposalCreate(BaseModel):
    borrower_ref: str = Field(min_length=1, max_length=64, description="The borrower's id or USCC")
    product: ProductType
    amount: Decimal = Field(description='Amount in yuan; strings with a unit are read too, e.g. "2.8亿"')
    tenor_months: int = Field(ge=1, le=360)
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    project_ref: str | None = Field(None, max_length=64)
    programme: str | list[str] | None = Field(
        None,
        description="programme code(s) to tag the proposal with, at most one per kind (see /api/v1/programmes); "
        "eligibility and the quota are checked now and again at approval",
    )
    deal: Deal = Field(default_factory=Deal)

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Decimal:
        amount = parse_amount(value)
        if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e16"):
            raise ValueError("must be a positive amount below 1e16 yuan")
        return amount


def _utc(moment: datetime) -> datetime:
    """SQLite hands back stored UTC times without their zone: say it again (RFC 3339 needs one)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class Comment(BaseModel):
    comment: str = Field("", max_length=4000)


class DecisionOut(BaseModel):
    actor: str
    action: str
    from_state: str
    to_state: str
    comment: str
    at: UtcDatetime
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
    facility_id: str | None = Field(description="the facility approval created (its reference)")
    programmes: list[str] = Field(description="codes of the programmes the proposal is tagged with")
    outputs: dict[str, Any]
    versions: dict[str, Any]
    created_at: UtcDatetime
    updated_at: UtcDatetime
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
            facility_id=p.facility.reference if p.facility is not None else None,
            programmes=p.programme_codes,
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
