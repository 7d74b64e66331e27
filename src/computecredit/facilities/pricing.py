"""Risk-adjusted pricing: expected loss, economic capital, funding and operating cost → RAROC, and the
minimum rate that meets the bank's hurdle, shown as LPR + spread in basis points.

    RAROC = (r·B + fees − f·B − c·B − EL + k·EC) · (1 − t) / EC

with B the earning balance (drawn loan, or a guarantee's face for a fee), r the rate, f the funding
(FTP) rate, c the operating-cost rate, EL = PD·LGD·EAD, EC the economic capital (IRB K·EAD unless the
portfolio engine gives a contribution), k the return credited on capital and t the tax rate. Solving
RAROC = hurdle for r gives the minimum rate.

>>> p = PricingInputs(ead=Decimal("100000000"), earning_balance=Decimal("100000000"), pd=0.01, lgd=0.45,
...                   maturity=3, funding_rate=0.018, operating_cost_rate=0.004, hurdle=0.12)
>>> round(minimum_rate(p), 4)
0.0391
>>> round(raroc(p, minimum_rate(p)).raroc, 6)
0.12
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from computecredit.errors import InputError
from computecredit.facilities.capital import effective_maturity, irb_capital
from computecredit.reference import load_csv, version

LPR_TABLE = "lpr_history.csv"


@dataclass(frozen=True)
class PricingInputs:
    """What pricing needs; rates are annual fractions, amounts 元."""

    ead: Decimal
    earning_balance: Decimal
    pd: float
    lgd: float
    maturity: float
    funding_rate: float
    operating_cost_rate: float
    hurdle: float
    fees: Decimal = Decimal(0)
    tax_rate: float = 0.25
    capital_return_rate: float = 0.0
    sales: Decimal | None = None
    economic_capital: Decimal | None = None


@dataclass(frozen=True)
class RAROCResult:
    rate: float
    income: Decimal
    funding_cost: Decimal
    operating_cost: Decimal
    expected_loss: Decimal
    economic_capital: Decimal
    capital_return: Decimal
    net_after_tax: Decimal
    raroc: float


def _capital(inputs: PricingInputs) -> Decimal:
    if inputs.economic_capital is not None:
        return inputs.economic_capital
    k = irb_capital(inputs.pd, inputs.lgd, effective_maturity(inputs.maturity), inputs.sales).k
    return inputs.ead * Decimal(str(k))


def raroc(inputs: PricingInputs, rate: float) -> RAROCResult:
    """RAROC of the facility at ``rate`` (a fraction a year)."""
    capital = _capital(inputs)
    if capital <= 0:
        raise InputError("economic_capital", capital, "must be positive to compute RAROC")
    balance = inputs.earning_balance
    income = balance * Decimal(str(rate)) + inputs.fees
    funding = balance * Decimal(str(inputs.funding_rate))
    operating = balance * Decimal(str(inputs.operating_cost_rate))
    expected_loss = inputs.ead * Decimal(str(inputs.pd * inputs.lgd))
    capital_return = capital * Decimal(str(inputs.capital_return_rate))
    net = (income - funding - operating - expected_loss + capital_return) * Decimal(str(1 - inputs.tax_rate))
    return RAROCResult(
        rate, income, funding, operating, expected_loss, capital, capital_return, net, float(net / capital)
    )


def minimum_rate(inputs: PricingInputs) -> float:
    """The rate at which RAROC equals the hurdle."""
    if inputs.earning_balance <= 0:
        raise InputError("earning_balance", inputs.earning_balance, "must be positive to solve for a rate")
    if not 0 <= inputs.tax_rate < 1:
        raise InputError("tax_rate", inputs.tax_rate, "must lie in [0, 1)")
    capital = _capital(inputs)
    needed = Decimal(str(inputs.hurdle)) * capital / Decimal(str(1 - inputs.tax_rate))
    costs = (
        inputs.earning_balance * Decimal(str(inputs.funding_rate + inputs.operating_cost_rate))
        + inputs.ead * Decimal(str(inputs.pd * inputs.lgd))
        - capital * Decimal(str(inputs.capital_return_rate))
        - inputs.fees
    )
    return float((needed + costs) / inputs.earning_balance)


@dataclass(frozen=True)
class LPRQuote:
    """The LPR in force on a date for a tenor, with the row it came from."""

    as_of: date
    tenor: str
    rate: float
    effective_date: date
    source: str
    table_version: str


@lru_cache(maxsize=4096)  # a pure function of the bundled table: every assessment asks it twice
def lpr_on(as_of: date, tenor_years: float) -> LPRQuote:
    """LPR in force on ``as_of``: the 1-year LPR for tenors up to 5 years, the 5-year LPR above.

    >>> q = lpr_on(date(2025, 6, 30), 2)
    >>> q.rate, q.effective_date.isoformat()
    (0.03, '2025-05-20')
    >>> lpr_on(date(2024, 9, 1), 10).rate
    0.0385
    """
    frame = load_csv(LPR_TABLE)
    frame = frame[frame["effective_date"] <= as_of.isoformat()]
    if frame.empty:
        raise InputError("as_of", as_of.isoformat(), "before the first LPR in the bundled history")
    row = frame.iloc[-1]
    tenor = "5y" if tenor_years > 5 else "1y"
    return LPRQuote(
        as_of=as_of,
        tenor=tenor,
        rate=float(row[f"lpr_{tenor}"]),
        effective_date=date.fromisoformat(str(row["effective_date"])),
        source=str(row["source"]),
        table_version=version(LPR_TABLE),
    )


@dataclass(frozen=True)
class PricingResult:
    """Minimum rate for the hurdle as LPR + spread, and RAROC at the proposed rate if given."""

    minimum_rate: float
    lpr: LPRQuote
    minimum_spread_bp: float
    at_minimum: RAROCResult
    proposed_rate: float | None
    proposed_spread_bp: float | None
    at_proposed: RAROCResult | None
    meets_hurdle: bool | None
    hurdle: float


def price(inputs: PricingInputs, as_of: date, proposed_rate: float | None = None) -> PricingResult:
    """Price a loan: minimum rate, spread over the LPR in bp, and RAROC at the proposed rate.

    >>> p = PricingInputs(ead=Decimal("1e8"), earning_balance=Decimal("1e8"), pd=0.01, lgd=0.45,
    ...                   maturity=3, funding_rate=0.018, operating_cost_rate=0.004, hurdle=0.12)
    >>> r = price(p, date(2025, 6, 30), proposed_rate=0.04)
    >>> round(r.minimum_spread_bp), r.meets_hurdle
    (91, True)
    """
    lpr = lpr_on(as_of, inputs.maturity)
    floor = minimum_rate(inputs)
    proposed = raroc(inputs, proposed_rate) if proposed_rate is not None else None
    return PricingResult(
        minimum_rate=floor,
        lpr=lpr,
        minimum_spread_bp=(floor - lpr.rate) * 10_000,
        at_minimum=raroc(inputs, floor),
        proposed_rate=proposed_rate,
        proposed_spread_bp=None if proposed_rate is None else (proposed_rate - lpr.rate) * 10_000,
        at_proposed=proposed,
        meets_hurdle=None if proposed is None else proposed.raroc >= inputs.hurdle - 1e-12,
        hurdle=inputs.hurdle,
    )


__all__ = ["LPRQuote", "PricingInputs", "PricingResult", "RAROCResult", "lpr_on", "minimum_rate", "price", "raroc"]
