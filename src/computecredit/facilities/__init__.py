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
from computecredit.facilities.concentration import (
    BankCapital,
    BankLimit,
    ConcentrationCheck,
    Position,
    ProposedExposure,
    check_concentration,
    loan_headroom,
)
from computecredit.facilities.covenants import (
    Covenant,
    CovenantResult,
    check_covenant,
    check_covenants,
    check_domain_covenant,
)
from computecredit.facilities.lgd import (
    Collateral,
    Guarantee,
    OffBalanceItem,
    economic_lgd,
    exposure_at_default,
    guaranteed_capital,
)
from computecredit.facilities.pricing import PricingInputs, PricingResult, lpr_on, minimum_rate, price, raroc
from computecredit.facilities.sizing import (
    Constraint,
    LimitDecision,
    dscr_debt_capacity,
    finance_lease_rule,
    guarantee_exposure_rule,
    leverage_debt_capacity,
    recommend_limit,
    share_buyback_rule,
)
from computecredit.facilities.working_capital import (
    WorkingCapitalInputs,
    WorkingCapitalNeed,
    parse_inputs,
    working_capital_need,
)

__all__ = [
    "BankCapital",
    "BankLimit",
    "Collateral",
    "ConcentrationCheck",
    "Constraint",
    "Covenant",
    "CovenantResult",
    "Guarantee",
    "IRBResult",
    "LimitDecision",
    "OffBalanceItem",
    "Position",
    "PricingInputs",
    "PricingResult",
    "ProposedExposure",
    "WorkingCapitalInputs",
    "WorkingCapitalNeed",
    "check_concentration",
    "check_covenant",
    "check_covenants",
    "check_domain_covenant",
    "credit_conversion_factor",
    "double_default_capital",
    "dscr_debt_capacity",
    "economic_lgd",
    "effective_maturity",
    "exposure_at_default",
    "finance_lease_rule",
    "guarantee_exposure_rule",
    "guaranteed_capital",
    "irb_capital",
    "leverage_debt_capacity",
    "loan_headroom",
    "lpr_on",
    "minimum_rate",
    "parse_inputs",
    "price",
    "raroc",
    "recommend_limit",
    "share_buyback_rule",
    "standardised_risk_weight",
    "working_capital_need",
]
