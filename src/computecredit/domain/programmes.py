"""Lending programmes, relending quotas and product lines: what a bank commits to a purpose, as data.

A programme has a target (a lending programme: 1万亿 to the AI chain over five years) or a quota (a central-
bank relending quota, a product line's total 额度) over a period, and eligibility rules: which chain
segments, products and hubs it covers, and where relevant a rate cap, the largest share of the purpose it may
finance (a buyback loan ≤ 90% of the buyback), a longest tenor, a largest single facility, an admission grade
and the technology credentials of a tech-SME product line.

Quotas bind: a facility is refused when its limit exceeds what is left of a relending quota or a product
line. A lending programme's target is an aim, not a ceiling: commitments beyond it are counted, not refused.

>>> p = Programme.model_validate({"code": "AI-CHAIN-2025", "kind": "lending_programme", "name_zh": "人工智能产业链专项",
...     "name_en": "AI industry chain programme", "amount": "30亿", "start": "2025-01-01", "end": "2029-12-31"})
>>> p.amount, p.binding, p.kind.zh
(Decimal('3000000000'), False, '专项融资计划')
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from computecredit.domain.amounts import Amount
from computecredit.domain.borrowers import ChainSegment, Hub, SpecialisedLevel
from computecredit.domain.facilities import ProductType
from computecredit.domain.labels import LabelledEnum, lenient
from computecredit.domain.validation import rule_error


class ProgrammeKind(LabelledEnum):
    LENDING_PROGRAMME = "lending_programme", "专项融资计划", "Lending programme"
    RELENDING_QUOTA = "relending_quota", "再贷款额度", "Relending quota"
    PRODUCT_LINE = "product_line", "专属产品线", "Product line"


# Kinds whose amount is a ceiling on what may be committed, not an aim.
BINDING_KINDS = frozenset({ProgrammeKind.RELENDING_QUOTA, ProgrammeKind.PRODUCT_LINE})


class Eligibility(BaseModel):
    """The programme's eligibility rules; an empty list or ``None`` means the rule does not apply."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    segments: list[Annotated[ChainSegment, lenient(ChainSegment)]] = Field(default_factory=list)
    products: list[Annotated[ProductType, lenient(ProductType)]] = Field(default_factory=list)
    hubs: list[Annotated[Hub, lenient(Hub)]] = Field(default_factory=list)
    listed_only: bool = Field(False, description="the borrower must have a listed stock code (buyback relending)")
    sme_only: bool = Field(False, description="the borrower must be an SME under the MIIT 300号 rules")
    high_tech_required: bool = Field(False, description="高新技术企业 certificate required")
    min_specialised_level: Annotated[SpecialisedLevel, lenient(SpecialisedLevel)] | None = None
    min_invention_patents: int | None = Field(None, ge=0)
    min_rd_intensity: float | None = Field(None, ge=0, le=1, description="R&D spend / revenue")
    max_rate: Decimal | None = Field(None, gt=0, lt=1, description="the facility's annual rate at most (fraction)")
    max_purpose_share: Decimal | None = Field(
        None, gt=0, le=1, description="the limit as a share of the purpose (the buyback amount) at most"
    )
    max_tenor_months: int | None = Field(None, ge=1, le=360)
    max_facility_amount: Amount | None = Field(None, gt=0, description="largest single facility, 元")
    worst_grade: str | None = Field(None, description="admission grade (准入评级): the worst grade accepted")
    min_innovation_score: float | None = Field(
        None, ge=0, le=100, description="a borrower without steady operating cash flow needs this innovation score"
    )


class Programme(BaseModel):
    """A programme, quota or product line with its period, amount and eligibility rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Z][A-Z0-9\-]{2,39}$")
    kind: Annotated[ProgrammeKind, lenient(ProgrammeKind)]
    name_zh: str = Field(min_length=2, max_length=200)
    name_en: str = Field(min_length=2, max_length=200)
    amount: Amount = Field(gt=0, description="the target (lending programme) or the quota, 元")
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    start: date
    end: date
    eligibility: Eligibility = Field(default_factory=Eligibility)
    relending_rate: Decimal | None = Field(None, gt=0, lt=1, description="the central bank's rate to the bank")
    source: str = Field("", max_length=500, description="the notice or decision that set the programme up")

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.end <= self.start:
            raise rule_error([("end", self.end.isoformat(), f"must be after start ({self.start.isoformat()})")])
        if self.relending_rate is not None and self.kind is not ProgrammeKind.RELENDING_QUOTA:
            raise rule_error([("relending_rate", str(self.relending_rate), "only a relending quota has one")])
        return self

    @property
    def binding(self) -> bool:
        """Whether the amount caps commitments (a quota) rather than sets an aim (a target)."""
        return self.kind in BINDING_KINDS


__all__ = ["BINDING_KINDS", "Eligibility", "Programme", "ProgrammeKind"]
