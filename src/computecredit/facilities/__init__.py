"""Facility structuring: limits, LGD/EAD, pricing (RAROC), capital, regulatory checks and covenants.

Pure functions on plain values and dataclasses; nothing here reads the database or the terminal.

>>> from computecredit.facilities import irb_capital
>>> round(irb_capital(pd=0.02, lgd=0.45, maturity=2.5).risk_weight, 4)
1.1485
"""

from computecredit.facilities.capital import (
    IRBResult,
    credit_conversion_factor,
    double_default_capital,
    effective_maturity,
    irb_capital,
    standardised_risk_weight,
)
from computecredit.facilities.working_capital import (
    WorkingCapitalInputs,
    WorkingCapitalNeed,
    parse_inputs,
    working_capital_need,
)

__all__ = [
    "IRBResult",
    "WorkingCapitalInputs",
    "WorkingCapitalNeed",
    "credit_conversion_factor",
    "double_default_capital",
    "effective_maturity",
    "irb_capital",
    "parse_inputs",
    "standardised_risk_weight",
    "working_capital_need",
]
