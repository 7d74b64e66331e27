from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from computecredit.facilities.pricing import PricingInputs, lpr_on, minimum_rate, price, raroc
from computecredit.facilities.sizing import (
    Constraint,
    dscr_debt_capacity,
    guarantee_exposure_rule,
    leverage_debt_capacity,
    recommend_limit,
    share_buyback_rule,
)


def test_limit_is_the_smallest_constraint_and_names_it() -> None:
    decision = recommend_limit(
        [
            Constraint("requested", Decimal(500), "申请", "requested"),
            Constraint("wc_need", Decimal(320), "流贷测算", "WC need"),
            Constraint("leverage", Decimal(410), "杠杆", "leverage"),
        ]
    )
    assert decision.limit == Decimal(320) and decision.binding.key == "wc_need"


def test_negative_constraint_floors_at_zero() -> None:
    decision = recommend_limit([Constraint("concentration", Decimal(-30), "集中度", "concentration")])
    assert decision.limit == 0 and decision.binding.key == "concentration"


def test_dscr_capacity_equals_annuity_for_level_cash_flow() -> None:
    capacity = dscr_debt_capacity([1.3e8] * 5, 1.3, 0.05)
    assert float(capacity) == pytest.approx(1e8 * (1 - 1.05**-5) / 0.05, abs=1)


def test_leverage_capacity_never_negative() -> None:
    assert leverage_debt_capacity(Decimal(100), 3.0, Decimal(500)) == 0


def test_share_buyback_rule_flags_rate_and_tenor() -> None:
    ok = share_buyback_rule(Decimal("2e8"), 0.0225, 3)
    assert ok.constraint.amount == Decimal("180000000") and ok.breaches == []
    bad = share_buyback_rule(Decimal("2e8"), 0.03, 4)
    assert len(bad.breaches) == 2


def test_guarantee_limit_scales_with_ccf() -> None:
    financial = guarantee_exposure_rule("financial_guarantee", Decimal(100)).constraint.amount
    performance = guarantee_exposure_rule("performance_guarantee", Decimal(100)).constraint.amount
    assert financial == 100 and performance == 200


BASE = PricingInputs(
    ead=Decimal("2e8"),
    earning_balance=Decimal("2e8"),
    pd=0.015,
    lgd=0.4,
    maturity=4,
    funding_rate=0.019,
    operating_cost_rate=0.005,
    hurdle=0.13,
)


def test_minimum_rate_hits_the_hurdle() -> None:
    assert raroc(BASE, minimum_rate(BASE)).raroc == pytest.approx(0.13)


def test_riskier_borrower_needs_a_higher_rate() -> None:
    riskier = PricingInputs(**{**BASE.__dict__, "pd": 0.04})
    assert minimum_rate(riskier) > minimum_rate(BASE)


def test_fees_lower_the_minimum_rate() -> None:
    with_fees = PricingInputs(**{**BASE.__dict__, "fees": Decimal("1e6")})
    assert minimum_rate(with_fees) == pytest.approx(minimum_rate(BASE) - 0.005)


def test_spread_is_over_the_lpr_in_force() -> None:
    result = price(BASE, date(2024, 12, 31), proposed_rate=0.035)
    assert result.lpr.rate == 0.031 and result.lpr.effective_date == date(2024, 10, 21)
    assert result.proposed_spread_bp == pytest.approx(40)
    assert result.meets_hurdle == (result.at_proposed.raroc >= 0.13)


def test_long_tenor_uses_the_five_year_lpr() -> None:
    assert lpr_on(date(2025, 6, 1), 8).rate == 0.035
