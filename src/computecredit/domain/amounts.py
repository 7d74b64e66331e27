"""``Amount``: a ``Decimal`` field in 元 that also reads the way bankers write amounts ("2.8亿", "5000万").

>>> from pydantic import BaseModel
>>> class Loan(BaseModel):
...     amount: Amount
>>> Loan(amount="2.8亿").amount, Loan(amount=1500).amount
(Decimal('280000000'), Decimal('1500'))
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator

from computecredit.errors import InputError
from computecredit.money import parse_amount


def _amount(value: Any) -> Any:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        try:
            return parse_amount(value)
        except InputError as exc:
            raise ValueError(exc.problems[0].rule) from None
    return value


Amount = Annotated[Decimal, BeforeValidator(_amount)]

__all__ = ["Amount"]
