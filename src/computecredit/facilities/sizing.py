"""Limit sizing: each constraint gives a maximum amount; the recommended limit is the smallest.

Constraints: the amount requested, the working-capital need (2010 formula), debt capacity at a
target DSCR or a leverage cap, the project engine's ``max_debt``, product rules (share-buyback loans
≤ 90% of the buyback at ≤ 2.25%; a finance lease against the asset's value; a guarantee's exposure
after its CCF) and the concentration headroom of the bank's own capital.

>>> limit = recommend_limit([
...     Constraint("requested", Decimal("300000000"), "申请金额", "amount requested"),
...     Constraint("dscr", Decimal("280000000"), "DSCR 1.30x 债务承受能力", "debt capacity at DSCR 1.30x"),
... ])
>>> limit.limit, limit.binding.key
(Decimal('280000000'), 'dscr')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from computecredit.errors import InputError
from computecredit.facilities.capital import credit_conversion_factor
from computecredit.reference import load_yaml


@dataclass(frozen=True)
class Constraint:
    """One ceiling on the limit, with what it rests on in both languages."""

    key: str
    amount: Decimal
    basis_zh: str
    basis_en: str
    source: str = ""


@dataclass(frozen=True)
class LimitDecision:
    """The recommended limit, the constraint that binds, and every constraint considered."""

    limit: Decimal
    binding: Constraint
    constraints: list[Constraint]
    rule_breaches: list[tuple[str, str]] = field(default_factory=list)


def recommend_limit(
    constraints: Sequence[Constraint], rule_breaches: Sequence[tuple[str, str]] = ()
) -> LimitDecision:
    """The smallest constraint (never below zero), named as binding; ties go to the first listed."""
    if not constraints:
        raise InputError("constraints", [], "at least one constraint (the amount requested) is needed")
    binding = min(constraints, key=lambda c: c.amount)
    limit = max(binding.amount, Decimal(0)).quantize(Decimal(1), rounding=ROUND_DOWN)
    return LimitDecision(
        limit=limit, binding=binding, constraints=list(constraints), rule_breaches=list(rule_breaches)
    )


def annuity_factor(rate: float, years: int) -> float:
    """Present value of 1 a year for ``years`` years at ``rate``.

    >>> round(annuity_factor(0.05, 5), 4)
    4.3295
    """
    if rate == 0:
        return float(years)
    return (1 - (1 + rate) ** -years) / rate


def dscr_debt_capacity(cash_flow: Sequence[float], target_dscr: float, rate: float) -> Decimal:
    """Largest debt whose annual service stays within CFADS / target DSCR each year (sculpted repayment).

    ``cash_flow`` is the cash flow available for debt service per year of the tenor (元).

    >>> dscr_debt_capacity([130.0] * 5, 1.30, 0.05)
    Decimal('432')
    """
    if target_dscr <= 0:
        raise InputError("target_dscr", target_dscr, "must be positive")
    if not cash_flow:
        raise InputError("cash_flow", [], "needs at least one year")
    capacity = sum(max(cf, 0.0) / target_dscr / (1 + rate) ** (t + 1) for t, cf in enumerate(cash_flow))
    return Decimal(str(capacity)).quantize(Decimal(1), rounding=ROUND_DOWN)


def leverage_debt_capacity(ebitda: Decimal, max_leverage: float, existing_debt: Decimal) -> Decimal:
    """New debt that keeps total debt / EBITDA at or below ``max_leverage``.

    >>> leverage_debt_capacity(Decimal("200000000"), 3.5, Decimal("450000000"))
    Decimal('250000000')
    """
    if ebitda <= 0:
        return Decimal(0)
    return max(ebitda * Decimal(str(max_leverage)) - existing_debt, Decimal(0)).quantize(
        Decimal(1), rounding=ROUND_DOWN
    )


@dataclass(frozen=True)
class ProductCheck:
    """A product rule's ceiling and any breach of its terms (rate, tenor), each as (Chinese, English)."""

    constraint: Constraint
    breaches: list[tuple[str, str]]


def share_buyback_rule(buyback_amount: Decimal, rate: float | None, tenor_years: float | None) -> ProductCheck:
    """Share-buyback loan under the PBOC relending programme: ≤ 90% of the buyback, rate ≤ 2.25%, ≤ 3 years.

    >>> check = share_buyback_rule(Decimal("200000000"), 0.024, 3)
    >>> check.constraint.amount, check.breaches
    (Decimal('180000000'), [('利率 2.40% 高于 2.25% 上限', 'rate 2.40% > 2.25% cap')])
    """
    rules = load_yaml("regulatory_parameters.yaml")["share_buyback_loan"]
    share = Decimal(str(rules["max_loan_share_of_buyback"]))
    breaches: list[tuple[str, str]] = []
    cap = float(rules["max_rate"])
    if rate is not None and rate > cap + 1e-12:
        breaches.append((f"利率 {rate:.2%} 高于 {cap:.2%} 上限", f"rate {rate:.2%} > {cap:.2%} cap"))
    if tenor_years is not None and tenor_years > float(rules["max_tenor_years"]):
        most = rules["max_tenor_years"]
        breaches.append((f"期限 {tenor_years:g} 年超过 {most} 年", f"tenor {tenor_years:g} years > {most} years"))
    amount = (buyback_amount * share).quantize(Decimal(1), rounding=ROUND_DOWN)
    return ProductCheck(
        Constraint(
            "share_buyback",
            amount,
            f"回购金额 × {share:.0%} (股票回购增持再贷款, 利率 ≤ {float(rules['max_rate']):.2%})",
            f"{share:.0%} of the buyback amount (buyback relending, rate ≤ {float(rules['max_rate']):.2%})",
            str(rules["source"]),
        ),
        breaches,
    )


def finance_lease_rule(asset_value: Decimal, advance_rate: float) -> ProductCheck:
    """Finance lease: financing ≤ the leased asset's value × the bank's advance rate.

    >>> finance_lease_rule(Decimal("100000000"), 0.8).constraint.amount
    Decimal('80000000')
    """
    if not 0 < advance_rate <= 1:
        raise InputError("lease_advance_rate", advance_rate, "must lie in (0, 1]")
    amount = (asset_value * Decimal(str(advance_rate))).quantize(Decimal(1), rounding=ROUND_DOWN)
    return ProductCheck(
        Constraint(
            "finance_lease",
            amount,
            f"租赁物价值 × {advance_rate:.0%}",
            f"leased asset value × {advance_rate:.0%}",
            "bank policy (advance rate on the leased asset)",
        ),
        [],
    )


def guarantee_exposure_rule(ccf_key: str, exposure_headroom: Decimal) -> ProductCheck:
    """A guarantee's face amount that fits the exposure headroom once converted by its CCF.

    >>> guarantee_exposure_rule("advance_payment_guarantee", Decimal("600000000")).constraint.amount
    Decimal('1200000000')
    """
    entry = credit_conversion_factor(ccf_key)
    amount = (exposure_headroom / Decimal(str(entry.value))).quantize(Decimal(1), rounding=ROUND_DOWN)
    return ProductCheck(
        Constraint(
            "guarantee_ccf",
            amount,
            f"风险暴露余量 ÷ 信用转换系数 {entry.value:.0%} ({entry.label_zh})",
            f"exposure headroom ÷ CCF {entry.value:.0%} ({entry.label_en})",
            f"{entry.source}; {entry.article}",
        ),
        [],
    )


__all__ = [
    "Constraint",
    "LimitDecision",
    "ProductCheck",
    "annuity_factor",
    "dscr_debt_capacity",
    "finance_lease_rule",
    "guarantee_exposure_rule",
    "leverage_debt_capacity",
    "recommend_limit",
    "share_buyback_rule",
]
