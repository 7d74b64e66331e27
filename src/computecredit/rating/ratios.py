"""Ratio library (财务指标库): 40 documented ratios computed from CAS statement line items.

Inputs are plain mappings ``{line_code: value}`` using the codes of
:data:`computecredit.domain.statements.LINE_ITEMS` (one mapping per fiscal year; the prior year is
optional). Conventions:

- A ratio is **missing with a reason**, never inf or NaN: a required line is absent ("missing line
  total_assets"), a denominator is zero, or it is negative where the ratio would mislead (ROE on negative
  equity). Lines that are parts of a sum (e.g. the pieces of interest-bearing debt) count as zero when
  absent, as the statements do for subtotals.
- Flows over balances use the **average** of opening and closing balances when the prior year is given,
  else the closing balance. Turnover days use a 360-day year, as 《流动资金贷款管理暂行办法》 does.
- EBIT, EBITDA, interest-bearing debt and the ratios covenants test (debt to assets, current ratio, net
  margin, EBITDA interest cover, debt to EBITDA) are those of :mod:`computecredit.domain.metrics`, defined
  once for rating, facilities and monitoring (EBITDA ratios are missing when D&A is not reported).

>>> year = {"total_assets": 1000, "total_liabilities": 600, "total_equity": 400, "operating_revenue": 800,
...         "operating_costs": 600, "net_profit": 40, "total_current_assets": 500,
...         "total_current_liabilities": 250, "cash": 100}
>>> r = compute_ratios(year)
>>> r["debt_to_assets"].value, r["current_ratio"].value, r["roe"].value
(0.6, 2.0, 0.1)
>>> r["interest_coverage"].value, r["interest_coverage"].reason
(None, 'missing line total_profit')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from computecredit.domain import metrics
from computecredit.domain.metrics import MissingLine
from computecredit.domain.statements import FinancialStatement

DAYS = 360.0


class Lines:
    """Access to one year's lines (and optionally the prior year's) as floats."""

    def __init__(self, current: Mapping[str, Any], prior: Mapping[str, Any] | None = None) -> None:
        self.current = {k: float(v) for k, v in current.items() if v is not None and not _is_nan(v)}
        self.prior = (
            None if prior is None else {k: float(v) for k, v in prior.items() if v is not None and not _is_nan(v)}
        )

    def v(self, code: str) -> float:
        """A required line of the current year."""
        return metrics.line(self.current, code)

    def part(self, *codes: str) -> float:
        """Sum of lines that are parts of a total (absent parts count as zero)."""
        return float(metrics.part(self.current, *codes))

    def p(self, code: str) -> float:
        """A required line of the prior year."""
        if self.prior is None or code not in self.prior:
            raise MissingLine(f"missing prior-year line {code}")
        return self.prior[code]

    def avg(self, *codes: str) -> float:
        """Average of opening and closing balance of a sum of lines (closing only without a prior year).
        The first code is required; the others are parts."""
        self.v(codes[0])
        closing = self.part(*codes)
        if self.prior is None or codes[0] not in self.prior:
            return closing
        return (closing + sum(self.prior.get(c, 0.0) for c in codes)) / 2.0

    def ebit(self) -> float:
        return metrics.ebit(self.current)

    def ebitda(self) -> float:
        return metrics.ebitda(self.current)

    def debt(self) -> float:
        return float(metrics.interest_bearing_debt(self.current))

    def short_debt(self) -> float:
        return float(metrics.short_term_debt(self.current))

    def shared(self, name: str) -> tuple[float, float]:
        """Numerator and denominator of a ratio defined in :data:`computecredit.domain.metrics.RATIOS`."""
        numerator, denominator = metrics.RATIOS[name](self.current)
        return float(numerator), float(denominator)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


Category = Literal[
    "leverage", "coverage", "liquidity", "profitability", "efficiency", "growth", "cash", "innovation"
]


@dataclass(frozen=True)
class RatioDef:
    """One ratio: code, names, category, definition, whether higher is better, and its formula
    (a function of :class:`Lines` returning numerator and denominator)."""

    code: str
    zh: str
    en: str
    category: Category
    definition: str
    higher_is_better: bool | None
    formula: Callable[[Lines], tuple[float, float]]
    positive_denominator: bool = False  # a negative denominator makes the ratio meaningless
    multiplier: float = 1.0


@dataclass(frozen=True)
class RatioValue:
    """A computed ratio, or ``None`` with the reason it is missing."""

    code: str
    value: float | None
    reason: str | None = None


def _growth(code: str) -> Callable[[Lines], tuple[float, float]]:
    return lambda s: (s.v(code) - s.p(code), s.p(code))


R = RatioDef
RATIOS: tuple[RatioDef, ...] = (
    # leverage
    R(
        "debt_to_assets",
        "资产负债率",
        "Debt to assets",
        "leverage",
        "total_liabilities / total_assets",
        False,
        lambda s: s.shared("debt_to_assets"),
        True,
    ),
    R(
        "debt_to_equity",
        "产权比率",
        "Debt to equity",
        "leverage",
        "total_liabilities / total_equity",
        False,
        lambda s: (s.v("total_liabilities"), s.v("total_equity")),
        True,
    ),
    R(
        "equity_ratio",
        "股东权益比率",
        "Equity ratio",
        "leverage",
        "total_equity / total_assets",
        True,
        lambda s: (s.v("total_equity"), s.v("total_assets")),
        True,
    ),
    R(
        "interest_bearing_debt_to_assets",
        "有息负债率",
        "Interest-bearing debt to assets",
        "leverage",
        "interest-bearing debt / total_assets",
        False,
        lambda s: (s.debt(), s.v("total_assets")),
        True,
    ),
    R(
        "debt_to_ebitda",
        "有息负债/EBITDA",
        "Debt to EBITDA",
        "leverage",
        "interest-bearing debt / EBITDA",
        False,
        lambda s: s.shared("leverage"),
        True,
    ),
    R(
        "net_debt_to_ebitda",
        "净有息负债/EBITDA",
        "Net debt to EBITDA",
        "leverage",
        "(interest-bearing debt − cash) / EBITDA",
        False,
        lambda s: (float(metrics.net_debt(s.current)), s.ebitda()),
        True,
    ),
    R(
        "long_term_debt_to_capital",
        "长期资本负债率",
        "Long-term debt to capital",
        "leverage",
        "(long_term_borrowings + bonds_payable) / (those + total_equity)",
        False,
        lambda s: (
            s.part("long_term_borrowings", "bonds_payable"),
            s.part("long_term_borrowings", "bonds_payable") + s.v("total_equity"),
        ),
        True,
    ),
    # coverage
    R(
        "interest_coverage",
        "利息保障倍数",
        "Interest coverage (EBIT)",
        "coverage",
        "EBIT / interest_expense",
        True,
        lambda s: (s.ebit(), s.v("interest_expense")),
        True,
    ),
    R(
        "ebitda_interest_coverage",
        "EBITDA利息保障倍数",
        "EBITDA interest coverage",
        "coverage",
        "EBITDA / interest_expense",
        True,
        lambda s: s.shared("interest_cover"),
        True,
    ),
    R(
        "cfo_to_debt",
        "经营现金流负债比",
        "Operating cash flow to liabilities",
        "coverage",
        "net_operating_cash_flow / total_liabilities",
        True,
        lambda s: (s.v("net_operating_cash_flow"), s.v("total_liabilities")),
        True,
    ),
    R(
        "cfo_to_current_liabilities",
        "现金流动负债比",
        "Operating cash flow to current liabilities",
        "coverage",
        "net_operating_cash_flow / total_current_liabilities",
        True,
        lambda s: (s.v("net_operating_cash_flow"), s.v("total_current_liabilities")),
        True,
    ),
    R(
        "cfo_to_short_term_debt",
        "经营现金流/短期债务",
        "Operating cash flow to short-term debt",
        "coverage",
        "net_operating_cash_flow / (short_term_borrowings + non-current liabilities due within one year)",
        True,
        lambda s: (s.v("net_operating_cash_flow"), s.short_debt()),
        True,
    ),
    # liquidity
    R(
        "current_ratio",
        "流动比率",
        "Current ratio",
        "liquidity",
        "total_current_assets / total_current_liabilities",
        True,
        lambda s: s.shared("current_ratio"),
        True,
    ),
    R(
        "quick_ratio",
        "速动比率",
        "Quick ratio",
        "liquidity",
        "(total_current_assets − inventories − prepayments) / total_current_liabilities",
        True,
        lambda s: (
            s.v("total_current_assets") - s.part("inventories", "prepayments"),
            s.v("total_current_liabilities"),
        ),
        True,
    ),
    R(
        "cash_ratio",
        "现金比率",
        "Cash ratio",
        "liquidity",
        "(cash + trading_financial_assets) / total_current_liabilities",
        True,
        lambda s: (s.v("cash") + s.part("trading_financial_assets"), s.v("total_current_liabilities")),
        True,
    ),
    R(
        "cash_to_short_term_debt",
        "货币资金/短期债务",
        "Cash to short-term debt",
        "liquidity",
        "cash / (short_term_borrowings + non-current liabilities due within one year)",
        True,
        lambda s: (s.v("cash"), s.short_debt()),
        True,
    ),
    R(
        "working_capital_to_assets",
        "营运资本/总资产",
        "Working capital to assets",
        "liquidity",
        "(total_current_assets − total_current_liabilities) / total_assets",
        True,
        lambda s: (s.v("total_current_assets") - s.v("total_current_liabilities"), s.v("total_assets")),
        True,
    ),
    # profitability
    R(
        "gross_margin",
        "毛利率",
        "Gross margin",
        "profitability",
        "(operating_revenue − operating_costs) / operating_revenue",
        True,
        lambda s: (s.v("operating_revenue") - s.v("operating_costs"), s.v("operating_revenue")),
        True,
    ),
    R(
        "operating_margin",
        "营业利润率",
        "Operating margin",
        "profitability",
        "operating_profit / operating_revenue",
        True,
        lambda s: (s.v("operating_profit"), s.v("operating_revenue")),
        True,
    ),
    R(
        "net_margin",
        "销售净利率",
        "Net margin",
        "profitability",
        "net_profit / operating_revenue",
        True,
        lambda s: s.shared("net_margin"),
        True,
    ),
    R(
        "ebitda_margin",
        "EBITDA利润率",
        "EBITDA margin",
        "profitability",
        "EBITDA / operating_revenue",
        True,
        lambda s: (s.ebitda(), s.v("operating_revenue")),
        True,
    ),
    R(
        "roa",
        "总资产收益率",
        "Return on assets",
        "profitability",
        "net_profit / average total_assets",
        True,
        lambda s: (s.v("net_profit"), s.avg("total_assets")),
        True,
    ),
    R(
        "roe",
        "净资产收益率",
        "Return on equity",
        "profitability",
        "net_profit / average total_equity",
        True,
        lambda s: (s.v("net_profit"), s.avg("total_equity")),
        True,
    ),
    R(
        "ebit_to_assets",
        "息税前利润/总资产",
        "EBIT to assets",
        "profitability",
        "EBIT / average total_assets",
        True,
        lambda s: (s.ebit(), s.avg("total_assets")),
        True,
    ),
    # efficiency
    R(
        "asset_turnover",
        "总资产周转率",
        "Asset turnover",
        "efficiency",
        "operating_revenue / average total_assets",
        True,
        lambda s: (s.v("operating_revenue"), s.avg("total_assets")),
        True,
    ),
    R(
        "fixed_asset_turnover",
        "固定资产周转率",
        "Fixed-asset turnover",
        "efficiency",
        "operating_revenue / average fixed_assets",
        True,
        lambda s: (s.v("operating_revenue"), s.avg("fixed_assets")),
        True,
    ),
    R(
        "receivable_days",
        "应收账款周转天数",
        "Receivable days",
        "efficiency",
        "360 × average (accounts_receivable + notes_receivable) / operating_revenue",
        False,
        lambda s: (s.avg("accounts_receivable", "notes_receivable"), s.v("operating_revenue")),
        True,
        DAYS,
    ),
    R(
        "inventory_days",
        "存货周转天数",
        "Inventory days",
        "efficiency",
        "360 × average inventories / operating_costs",
        False,
        lambda s: (s.avg("inventories"), s.v("operating_costs")),
        True,
        DAYS,
    ),
    R(
        "payable_days",
        "应付账款周转天数",
        "Payable days",
        "efficiency",
        "360 × average (accounts_payable + notes_payable) / operating_costs",
        None,
        lambda s: (s.avg("accounts_payable", "notes_payable"), s.v("operating_costs")),
        True,
        DAYS,
    ),
    R(
        "cash_conversion_cycle",
        "现金转换周期(天)",
        "Cash conversion cycle (days)",
        "efficiency",
        "receivable days + inventory days − payable days",
        False,
        lambda s: (
            s.avg("accounts_receivable", "notes_receivable") / s.v("operating_revenue")
            + s.avg("inventories") / s.v("operating_costs")
            - s.avg("accounts_payable", "notes_payable") / s.v("operating_costs"),
            1.0 / DAYS,
        ),
    ),
    R(
        "working_capital_turnover",
        "营运资金周转次数",
        "Working-capital turnover",
        "efficiency",
        "360 / (inventory + receivable − payable + prepayment − advances-received days), per the 2010 WC-loan rules",
        True,
        lambda s: (
            1.0,
            (s.avg("inventories") + s.avg("prepayments") - s.avg("accounts_payable", "notes_payable"))
            / s.v("operating_costs")
            + (
                s.avg("accounts_receivable", "notes_receivable")
                - s.part("advances_from_customers", "contract_liabilities")
            )
            / s.v("operating_revenue"),
        ),
        True,
        1.0,
    ),
    # growth
    R(
        "revenue_growth",
        "营业收入增长率",
        "Revenue growth",
        "growth",
        "operating_revenue / prior − 1",
        True,
        _growth("operating_revenue"),
        True,
    ),
    R(
        "net_profit_growth",
        "净利润增长率",
        "Net profit growth",
        "growth",
        "net_profit / prior − 1 (missing when the prior year was a loss)",
        True,
        _growth("net_profit"),
        True,
    ),
    R(
        "total_assets_growth",
        "总资产增长率",
        "Total-asset growth",
        "growth",
        "total_assets / prior − 1",
        None,
        _growth("total_assets"),
        True,
    ),
    R(
        "equity_growth",
        "净资产增长率",
        "Equity growth",
        "growth",
        "total_equity / prior − 1",
        True,
        _growth("total_equity"),
        True,
    ),
    # cash conversion
    R(
        "cfo_to_net_profit",
        "盈利现金比率",
        "Operating cash flow to net profit",
        "cash",
        "net_operating_cash_flow / net_profit (missing for a loss)",
        True,
        lambda s: (s.v("net_operating_cash_flow"), s.v("net_profit")),
        True,
    ),
    R(
        "cash_from_sales_to_revenue",
        "销售收现比",
        "Cash from sales to revenue",
        "cash",
        "cash_received_from_sales / operating_revenue",
        True,
        lambda s: (s.v("cash_received_from_sales"), s.v("operating_revenue")),
        True,
    ),
    R(
        "capex_to_revenue",
        "资本开支/收入",
        "Capex to revenue",
        "cash",
        "purchase_of_long_term_assets / operating_revenue",
        None,
        lambda s: (s.v("purchase_of_long_term_assets"), s.v("operating_revenue")),
        True,
    ),
    R(
        "fcf_to_debt",
        "自由现金流/负债",
        "Free cash flow to liabilities",
        "cash",
        "(net_operating_cash_flow − purchase_of_long_term_assets) / total_liabilities",
        True,
        lambda s: (
            s.v("net_operating_cash_flow") - s.part("purchase_of_long_term_assets"),
            s.v("total_liabilities"),
        ),
        True,
    ),
    # innovation
    R(
        "rd_intensity",
        "研发投入强度",
        "R&D intensity",
        "innovation",
        "rd_expenses / operating_revenue",
        True,
        lambda s: (s.v("rd_expenses"), s.v("operating_revenue")),
        True,
    ),
    R(
        "intangibles_to_assets",
        "无形资产与开发支出占比",
        "Intangibles and development to assets",
        "innovation",
        "(intangible_assets + development_expenditure) / total_assets",
        None,
        lambda s: (s.part("intangible_assets", "development_expenditure"), s.v("total_assets")),
        True,
    ),
)
RATIO_DEFS: dict[str, RatioDef] = {r.code: r for r in RATIOS}


def compute_ratio(definition: RatioDef, lines: Lines) -> RatioValue:
    """One ratio, or ``None`` with the reason (missing line, zero or negative denominator)."""
    try:
        numerator, denominator = definition.formula(lines)
    except MissingLine as exc:
        return RatioValue(definition.code, None, str(exc))
    except ZeroDivisionError:
        return RatioValue(definition.code, None, "a denominator inside the formula is zero")
    if denominator == 0:
        return RatioValue(definition.code, None, "denominator is zero")
    if definition.positive_denominator and denominator < 0:
        return RatioValue(definition.code, None, "denominator is negative: ratio not meaningful")
    value = definition.multiplier * numerator / denominator
    if not math.isfinite(value):
        return RatioValue(definition.code, None, "result is not finite")
    return RatioValue(definition.code, float(value))


def compute_ratios(current: Mapping[str, Any], prior: Mapping[str, Any] | None = None) -> dict[str, RatioValue]:
    """Every ratio of :data:`RATIOS` for one year (``prior``: the year before, for averages and growth)."""
    lines = Lines(current, prior)
    return {r.code: compute_ratio(r, lines) for r in RATIOS}


def least_squares_slope(points: Sequence[tuple[float, float]]) -> float:
    """Slope of the least-squares line through ``points`` (at least two distinct x values).

    The closed form, not ``np.polyfit``: a rating fits some forty three-point series, and polyfit's set-up
    costs more than the arithmetic.

    >>> round(least_squares_slope([(2022, 0.8), (2023, 0.7), (2024, 0.6)]), 12)
    -0.1
    """
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def ratio_trends(years: Sequence[tuple[int, Mapping[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Per ratio across fiscal years (oldest first): the series, the least-squares slope per year and the
    direction (``improving``/``deteriorating``/``stable``, from ``higher_is_better``; ``n/a`` without a
    preferred direction or with fewer than two values).

    >>> trends = ratio_trends([(2023, {"total_assets": 100, "total_liabilities": 70}),
    ...                        (2024, {"total_assets": 100, "total_liabilities": 60})])
    >>> trends["debt_to_assets"]["values"], trends["debt_to_assets"]["direction"]
    ({2023: 0.7, 2024: 0.6}, 'improving')
    """
    return trends_of(yearly_ratios(years))


def yearly_ratios(years: Sequence[tuple[int, Mapping[str, Any]]]) -> dict[int, dict[str, RatioValue]]:
    """Every ratio of each fiscal year, oldest first, with the year before where it was given."""
    ordered = sorted(years, key=lambda item: item[0])
    return {
        year: compute_ratios(values, ordered[i - 1][1] if i > 0 and ordered[i - 1][0] == year - 1 else None)
        for i, (year, values) in enumerate(ordered)
    }


def trends_of(per_year: Mapping[int, Mapping[str, RatioValue]]) -> dict[str, dict[str, Any]]:
    """:func:`ratio_trends` of ratios already computed by :func:`yearly_ratios`."""
    out: dict[str, dict[str, Any]] = {}
    for definition in RATIOS:
        series = {y: r[definition.code].value for y, r in per_year.items()}
        known = [(y, v) for y, v in series.items() if v is not None]
        slope = None
        direction = "n/a"
        if len(known) >= 2:
            slope = least_squares_slope(known)
            if definition.higher_is_better is not None:
                scale = max(sum(abs(v) for _, v in known) / len(known), 1e-12)
                if abs(slope) / scale < 0.02:
                    direction = "stable"
                else:
                    direction = "improving" if (slope > 0) == definition.higher_is_better else "deteriorating"
        out[definition.code] = {"values": series, "slope_per_year": slope, "direction": direction}
    return out


def statement_ratios(
    statements: Sequence[FinancialStatement],
) -> tuple[int | None, dict[str, RatioValue], dict[str, Any]]:
    """Ratios of the latest fiscal year (with the year before for averages and growth) and the trends over
    all years. Statements are converted to 元 first, so years in different units compare."""
    by_year = {s.fiscal_year: {k: s.yuan(k) for k in s.values} for s in statements}
    if not by_year:
        return None, {}, {}
    per_year = yearly_ratios(list(by_year.items()))
    latest = max(per_year)
    return latest, per_year[latest], trends_of(per_year)


def as_float_lines(values: Mapping[str, Decimal | float | int | None]) -> dict[str, float]:
    """Statement values (Decimal, any unit) as floats, dropping blanks."""
    return {k: float(v) for k, v in values.items() if v is not None}


__all__ = [
    "RATIOS",
    "RATIO_DEFS",
    "Lines",
    "RatioDef",
    "RatioValue",
    "as_float_lines",
    "compute_ratio",
    "compute_ratios",
    "least_squares_slope",
    "ratio_trends",
    "statement_ratios",
    "trends_of",
    "yearly_ratios",
]
