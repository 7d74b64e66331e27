"""Statement metrics (财务指标口径): the figures credit decisions rest on, each defined once, here.

Rating (the ratio library), facilities (the memo's trend, leverage capacity, covenant test values),
monitoring (early-warning rules, covenant tests) and covenants all read these definitions; none computes
its own. The definitions follow the formula appendix that Chinese rating agencies publish with every
rating report and that bank credit manuals copy (see ``docs/metrics.md`` for the sources):

- ``EBIT`` = 利润总额 + 费用化利息支出 (``total_profit`` + ``interest_expense``, the "of which: interest
  expense" line under 财务费用, i.e. interest expensed, not capitalised)
- ``EBITDA`` = EBIT + 折旧 + 摊销 (``depreciation_and_amortisation``, the cash-flow supplement's line)
- interest-bearing debt (有息债务) = 短期借款 + 一年内到期的非流动负债 + 长期借款 + 应付债券 + 租赁负债
- net debt = interest-bearing debt − 货币资金; operating cash flow = 经营活动产生的现金流量净额
- interest cover = EBITDA / interest expense; leverage = interest-bearing debt / EBITDA;
  debt to assets = total liabilities / total assets; current ratio = current assets / current liabilities

A figure is **missing**, never guessed: a required line (``total_profit``, ``depreciation_and_amortisation``,
the two sides of a ratio) that is not reported raises :class:`MissingLine`; the parts of a sum (the pieces
of interest-bearing debt, interest expense in EBIT) count as zero when absent, as the statements do for
subtotals; a ratio whose denominator is zero or negative is missing (a leverage on negative EBITDA means
nothing). The functions take any mapping of line codes to numbers (Decimal or float, any unit).

>>> year = {"total_profit": 60, "interest_expense": 20, "depreciation_and_amortisation": 40,
...         "short_term_borrowings": 100, "long_term_borrowings": 200, "cash": 50,
...         "total_liabilities": 400, "total_assets": 1000}
>>> ebit(year), ebitda(year), interest_bearing_debt(year), net_debt(year)
(80, 120, 300, 250)
>>> figures = ratio_figures(year)
>>> figures["leverage"], figures["interest_cover"], figures["debt_to_assets"]
(2.5, 6.0, 0.4)
>>> "current_ratio" in figures  # current assets and liabilities are not reported
False
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from computecredit.domain.statements import FinancialStatement

N = TypeVar("N", Decimal, float)
Lines = Mapping[str, N]

# 有息债务: borrowings, bonds, the current portion of long-term debt and lease liabilities (CAS 21 since 2021).
INTEREST_BEARING_DEBT: tuple[str, ...] = (
    "short_term_borrowings",
    "non_current_liabilities_due_within_one_year",
    "long_term_borrowings",
    "bonds_payable",
    "lease_liabilities",
)
# 短期债务: what falls due within a year.
SHORT_TERM_DEBT: tuple[str, ...] = ("short_term_borrowings", "non_current_liabilities_due_within_one_year")
# Decimal places of the ratios covenants and early-warning rules are tested on (stable in stored results).
RATIO_PLACES = 6


class MissingLine(LookupError):
    """A line a figure needs is not in the statement."""


def line(values: Lines[N], code: str) -> N:
    """A required line: its value, or :class:`MissingLine` naming it.

    >>> line({"cash": 5}, "total_assets")
    Traceback (most recent call last):
    ...
    computecredit.domain.metrics.MissingLine: missing line total_assets
    """
    if code not in values:
        raise MissingLine(f"missing line {code}")
    return values[code]


def part(values: Lines[N], *codes: str) -> N:
    """The sum of lines that are parts of a total (absent parts count as zero).

    >>> part({"cash": 5, "inventories": 2}, "cash", "inventories", "prepayments")
    7
    """
    return sum((values[c] for c in codes if c in values), 0)  # type: ignore[return-value]


def ebit(values: Lines[N]) -> N:
    """EBIT (息税前利润) = 利润总额 + 费用化利息支出."""
    return line(values, "total_profit") + part(values, "interest_expense")


def ebitda(values: Lines[N]) -> N:
    """EBITDA = EBIT + 折旧 + 摊销 (the cash-flow supplement's depreciation and amortisation)."""
    return ebit(values) + line(values, "depreciation_and_amortisation")


def interest_bearing_debt(values: Lines[N]) -> N:
    """有息债务 (:data:`INTEREST_BEARING_DEBT`)."""
    return part(values, *INTEREST_BEARING_DEBT)


def short_term_debt(values: Lines[N]) -> N:
    """短期债务: short-term borrowings and the current portion of non-current liabilities."""
    return part(values, *SHORT_TERM_DEBT)


def net_debt(values: Lines[N]) -> N:
    """Interest-bearing debt less cash and bank balances (货币资金)."""
    return interest_bearing_debt(values) - part(values, "cash")


def operating_cash_flow(values: Lines[N]) -> N:
    """经营活动产生的现金流量净额."""
    return line(values, "net_operating_cash_flow")


# Ratios covenants and early-warning rules test, as (numerator, denominator) of the definitions above.
RATIOS: dict[str, Callable[[Lines[N]], tuple[N, N]]] = {
    "debt_to_assets": lambda v: (line(v, "total_liabilities"), line(v, "total_assets")),
    "current_ratio": lambda v: (line(v, "total_current_assets"), line(v, "total_current_liabilities")),
    "interest_cover": lambda v: (ebitda(v), line(v, "interest_expense")),
    "leverage": lambda v: (interest_bearing_debt(v), ebitda(v)),
    "net_margin": lambda v: (line(v, "net_profit"), line(v, "operating_revenue")),
}

# What each statement figure is called (中文, English): covenants and early-warning rules show these names.
FIGURE_LABELS: dict[str, tuple[str, str]] = {
    "debt_to_assets": ("资产负债率", "debt to assets"),
    "current_ratio": ("流动比率", "current ratio"),
    "interest_cover": ("利息保障倍数", "interest cover (EBITDA / interest)"),
    "leverage": ("债务/EBITDA", "debt / EBITDA"),
    "net_margin": ("销售净利率", "net margin"),
    "revenue_growth": ("营业收入增长率", "revenue growth"),
    "operating_cash_flow": ("经营活动现金流量净额", "operating cash flow (元)"),
}


def ratio(parts: Callable[[Lines[N]], tuple[N, N]], values: Lines[N]) -> float | None:
    """``numerator / denominator`` of ``parts``, or None when a line is missing or the denominator ≤ 0.

    >>> ratio(RATIOS["leverage"], {"total_profit": -10, "depreciation_and_amortisation": 5}) is None
    True
    """
    try:
        numerator, denominator = parts(values)
    except MissingLine:
        return None
    if denominator <= 0:
        return None
    return float(numerator / denominator)


def ratio_figures(values: Lines[N], previous: Lines[N] | None = None) -> dict[str, float]:
    """Every ratio of :data:`RATIOS` that the lines support, plus ``revenue_growth`` against ``previous``
    and ``operating_cash_flow``; rounded to :data:`RATIO_PLACES`. Absent inputs give no figure."""
    figures = {name: ratio(parts, values) for name, parts in RATIOS.items()}
    if "net_operating_cash_flow" in values:
        figures["operating_cash_flow"] = float(operating_cash_flow(values))
    if previous is not None:
        figures["revenue_growth"] = ratio(
            lambda v: (
                line(v, "operating_revenue") - line(previous, "operating_revenue"),
                line(previous, "operating_revenue"),
            ),
            values,
        )
    return {name: round(value, RATIO_PLACES) for name, value in figures.items() if value is not None}


def yuan_lines(statement: FinancialStatement) -> dict[str, Decimal]:
    """A statement's reported lines in 元 (so figures of statements in different units compare)."""
    multiplier = statement.multiplier  # FinancialStatement.yuan, once per statement rather than once per line
    return {code: Decimal(0) if value is None else value * multiplier for code, value in statement.values.items()}


def statement_figures(
    statement: FinancialStatement, previous: FinancialStatement | None = None
) -> dict[str, float]:
    """:func:`ratio_figures` of a statement (growth against ``previous``): what covenants are tested on.

    >>> s = FinancialStatement(borrower_uscc="91640100MA7X00001X", fiscal_year=2025, unit="万元",
    ...     values={"cash": 200, "fixed_assets": 1800, "short_term_borrowings": 600, "long_term_borrowings": 800,
    ...             "paid_in_capital": 600, "operating_revenue": 1000, "operating_costs": 700,
    ...             "interest_expense": 100, "financial_expenses": 100, "depreciation_and_amortisation": 150})
    >>> f = statement_figures(s)
    >>> f["debt_to_assets"], f["interest_cover"], f["leverage"]
    (0.7, 4.5, 3.111111)
    """
    return ratio_figures(yuan_lines(statement), yuan_lines(previous) if previous is not None else None)


@dataclass(frozen=True)
class HeadlineYear:
    """One fiscal year's headline amounts in 元 (the credit memo's financial trend)."""

    year: int
    revenue: Decimal
    ebitda: Decimal
    net_income: Decimal
    total_debt: Decimal


def headline_year(statement: FinancialStatement) -> HeadlineYear | None:
    """Revenue, EBITDA, net profit and interest-bearing debt of a statement in 元; None without an EBITDA.

    >>> s = FinancialStatement(borrower_uscc="91640100MA7X00001X", fiscal_year=2025, unit="万元",
    ...     values={"cash": 200, "fixed_assets": 1800, "short_term_borrowings": 600, "long_term_borrowings": 800,
    ...             "paid_in_capital": 600, "operating_revenue": 1000, "operating_costs": 700,
    ...             "interest_expense": 100, "financial_expenses": 100, "depreciation_and_amortisation": 150})
    >>> headline_year(s).ebitda, headline_year(s).total_debt
    (Decimal('4500000'), Decimal('14000000'))
    """
    values = yuan_lines(statement)
    try:
        earnings = ebitda(values)
    except MissingLine:
        return None
    return HeadlineYear(
        year=statement.fiscal_year,
        revenue=part(values, "operating_revenue"),
        ebitda=earnings,
        net_income=part(values, "net_profit"),
        total_debt=interest_bearing_debt(values),
    )


__all__ = [
    "FIGURE_LABELS",
    "INTEREST_BEARING_DEBT",
    "RATIOS",
    "RATIO_PLACES",
    "SHORT_TERM_DEBT",
    "HeadlineYear",
    "MissingLine",
    "ebit",
    "ebitda",
    "headline_year",
    "interest_bearing_debt",
    "line",
    "net_debt",
    "operating_cash_flow",
    "part",
    "ratio",
    "ratio_figures",
    "short_term_debt",
    "statement_figures",
    "yuan_lines",
]
