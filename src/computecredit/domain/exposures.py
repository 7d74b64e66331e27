"""Exposure: what the bank has out on a facility at a date, with its five-category classification.

>>> e = Exposure(facility_reference="WC-2025-001", as_of="2025-12-31", drawn="5000万", undrawn=0)
>>> e.total, e.classification.zh
(Decimal('50000000'), '正常')
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from computecredit.domain.amounts import Amount
from computecredit.domain.labels import LabelledEnum, lenient
from computecredit.domain.validation import rule_error


class LoanClass(LabelledEnum):
    """五级分类 (《商业金融资产风险分类办法》, 2023)."""

    NORMAL = "normal", "正常", "Normal"
    SPECIAL_MENTION = "special_mention", "关注", "Special mention"
    SUBSTANDARD = "substandard", "次级", "Substandard"
    DOUBTFUL = "doubtful", "可疑", "Doubtful"
    LOSS = "loss", "损失", "Loss"


NON_PERFORMING = frozenset({LoanClass.SUBSTANDARD, LoanClass.DOUBTFUL, LoanClass.LOSS})


class Exposure(BaseModel):
    """Drawn and undrawn amounts (元) of one facility on ``as_of``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    facility_reference: str = Field(min_length=2, max_length=64)
    as_of: date
    drawn: Amount = Field(ge=0)
    undrawn: Amount = Field(ge=0)
    classification: Annotated[LoanClass, lenient(LoanClass)] = LoanClass.NORMAL
    days_past_due: int = Field(0, ge=0)
    ecl_stage: int = Field(1, ge=1, le=3, description="expected-credit-loss stage 1, 2 or 3")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.classification in NON_PERFORMING and self.ecl_stage != 3:
            raise rule_error(
                [
                    (
                        "ecl_stage",
                        self.ecl_stage,
                        f"a {self.classification.en.lower()} exposure is credit-impaired (stage 3)",
                    )
                ]
            )
        if self.days_past_due > 90 and self.classification not in NON_PERFORMING:
            raise rule_error(
                [
                    (
                        "classification",
                        self.classification.value,
                        "more than 90 days past due is non-performing at least substandard",
                    )
                ]
            )
        return self

    @property
    def total(self) -> Decimal:
        return self.drawn + self.undrawn


__all__ = ["NON_PERFORMING", "Exposure", "LoanClass"]
