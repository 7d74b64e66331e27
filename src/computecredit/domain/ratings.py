"""Rating record: which model (id and version) gave which grade and PD on which inputs, and any override.

>>> r = RatingRecord(borrower_uscc="91640100MA7X00001X", model_id="expert_compute", model_version="1.0",
...     inputs={"debt_to_assets": 0.55}, factor_contributions={"debt_to_assets": -0.3}, grade="BBB",
...     pd=Decimal("0.0045"), rated_by="analyst")
>>> r.final_grade
'BBB'
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from computecredit.domain.uscc import Uscc
from computecredit.domain.validation import rule_error


class Override(BaseModel):
    """A grade changed by a person, with the reason written down."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    grade: str = Field(min_length=1, max_length=16)
    pd: Decimal | None = Field(None, gt=0, le=1)
    reason: str = Field(min_length=10, max_length=2000, description="why the model's grade was changed")
    user: str = Field(min_length=1, max_length=32)


class RatingRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    borrower_uscc: Uscc
    model_id: str = Field(pattern=r"^[a-z][a-z0-9_.-]{1,63}$")
    model_version: str = Field(min_length=1, max_length=32)
    inputs: dict[str, Any]
    factor_contributions: dict[str, float] = Field(default_factory=dict)
    grade: str = Field(min_length=1, max_length=16)
    pd: Decimal = Field(gt=0, le=1)
    rated_by: str = Field(min_length=1, max_length=32)
    rated_at: datetime | None = None
    override: Override | None = None

    @model_validator(mode="after")
    def _override_differs(self) -> Self:
        if self.override is not None and self.override.grade == self.grade:
            raise rule_error([("override.grade", self.override.grade, "an override must change the grade")])
        return self

    @property
    def final_grade(self) -> str:
        return self.override.grade if self.override else self.grade

    @property
    def final_pd(self) -> Decimal:
        return self.override.pd if self.override and self.override.pd is not None else self.pd


__all__ = ["Override", "RatingRecord"]
