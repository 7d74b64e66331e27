"""The bank itself: its capital (the base of the large-exposure limits) and its hurdle rate.

>>> bank = Bank(name_zh="示例银行", name_en="Example Bank", net_capital=Decimal("6000000000"),
...     tier1_net_capital=Decimal("5000000000"), loan_book=Decimal("60000000000"), hurdle_rate=Decimal("0.12"))
>>> bank.single_customer_loan_limit
Decimal('600000000.00')
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from computecredit.domain.amounts import Amount
from computecredit.domain.validation import rule_error


class Bank(BaseModel):
    """资本净额, 一级资本净额 and loan book in 元; hurdle rate as a fraction (0.12 = 12% return on capital)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name_zh: str = Field(min_length=2, max_length=200)
    name_en: str = Field(min_length=2, max_length=200)
    as_of: date | None = None
    net_capital: Amount = Field(gt=0, description="资本净额, 元")
    tier1_net_capital: Amount = Field(gt=0, description="一级资本净额, 元")
    loan_book: Amount = Field(gt=0, description="各项贷款余额, 元")
    hurdle_rate: Decimal = Field(gt=0, lt=1, description="required return on capital (RAROC hurdle), fraction")

    @model_validator(mode="after")
    def _tier1_within_net(self) -> Self:
        if self.tier1_net_capital > self.net_capital:
            raise rule_error(
                [
                    (
                        "tier1_net_capital",
                        str(self.tier1_net_capital),
                        f"cannot exceed net_capital ({self.net_capital})",
                    )
                ]
            )
        return self

    @property
    def single_customer_loan_limit(self) -> Decimal:
        """10% of 资本净额: the loan limit to one non-bank customer (《商业银行大额风险暴露管理办法》, 2018)."""
        return self.net_capital * Decimal("0.10")


__all__ = ["Bank"]
