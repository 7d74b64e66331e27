"""Ratio library: definitions, missing-with-reason, trends, and hand-computed values of a demo borrower."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from computecredit.rating.ratios import RATIOS, compute_ratios, least_squares_slope, ratio_trends

# 湖北星澜计算技术 (demo bank, examples/demo_bank/statements.csv), 万元: FY2024 and FY2023 line items.
FY2024 = {
    "total_assets": 688110.87,
    "total_liabilities": 488558.72,
    "total_equity": 199552.15,
    "total_current_assets": 574507.83,
    "total_current_liabilities": 446680.26,
    "cash": 48430.22,
    "inventories": 279591.8,
    "prepayments": 24732.83,
    "accounts_receivable": 179641.68,
    "notes_receivable": 18716.13,
    "operating_revenue": 935806.74,
    "operating_costs": 824427.8,
    "net_profit": 23702.85,
    "total_profit": 27885.71,
    "interest_expense": 7963.93,
    "net_operating_cash_flow": -41689.76,
    "rd_expenses": 34507.17,
    "depreciation_and_amortisation": 11487.99,
    "short_term_borrowings": 145070.91,
    "long_term_borrowings": 30648.78,
    "non_current_liabilities_due_within_one_year": 28605.53,
    "lease_liabilities": 7486.45,
}
FY2023 = {
    "total_assets": 487728.26,
    "total_liabilities": 365743.89,
    "total_equity": 121984.37,
    "accounts_receivable": 147717.43,
    "notes_receivable": 13334.4,
    "operating_revenue": 666719.83,
    "net_profit": 5988.23,
    "inventories": 173143.73,
}


def test_library_has_at_least_30_documented_ratios_with_both_names() -> None:
    assert len(RATIOS) >= 30
    assert len({r.code for r in RATIOS}) == len(RATIOS)
    for r in RATIOS:
        assert r.zh and r.en and r.definition


def test_demo_borrower_ratios_match_hand_computation() -> None:
    r = {code: v.value for code, v in compute_ratios(FY2024, FY2023).items()}
    assert r["debt_to_assets"] == pytest.approx(488558.72 / 688110.87, rel=1e-12)
    assert r["current_ratio"] == pytest.approx(574507.83 / 446680.26, rel=1e-12)
    assert r["quick_ratio"] == pytest.approx((574507.83 - 279591.8 - 24732.83) / 446680.26, rel=1e-12)
    assert r["roe"] == pytest.approx(23702.85 / ((199552.15 + 121984.37) / 2), rel=1e-12)
    assert r["interest_coverage"] == pytest.approx((27885.71 + 7963.93) / 7963.93, rel=1e-12)
    assert r["ebitda_interest_coverage"] == pytest.approx((27885.71 + 7963.93 + 11487.99) / 7963.93, rel=1e-12)
    debt = 145070.91 + 28605.53 + 30648.78 + 7486.45
    assert r["debt_to_ebitda"] == pytest.approx(debt / (27885.71 + 7963.93 + 11487.99), rel=1e-12)
    receivables = ((179641.68 + 18716.13) + (147717.43 + 13334.4)) / 2
    assert r["receivable_days"] == pytest.approx(360 * receivables / 935806.74, rel=1e-12)
    assert r["revenue_growth"] == pytest.approx(935806.74 / 666719.83 - 1, rel=1e-12)
    assert r["rd_intensity"] == pytest.approx(34507.17 / 935806.74, rel=1e-12)
    assert r["cfo_to_net_profit"] == pytest.approx(-41689.76 / 23702.85, rel=1e-12)
    # rounded figures an analyst would read off
    assert round(r["debt_to_assets"], 4) == 0.71
    assert round(r["current_ratio"], 3) == 1.286


def test_missing_lines_and_bad_denominators_give_reasons_not_inf() -> None:
    r = compute_ratios({"total_assets": 0.0, "total_liabilities": 10.0, "total_equity": -5.0, "net_profit": 1.0})
    assert r["debt_to_assets"].value is None and r["debt_to_assets"].reason == "denominator is zero"
    assert r["debt_to_equity"].reason == "denominator is negative: ratio not meaningful"
    assert r["current_ratio"].reason == "missing line total_current_assets"
    assert r["revenue_growth"].reason == "missing line operating_revenue"
    assert r["ebitda_margin"].value is None
    assert all(v.value is None or abs(v.value) < float("inf") for v in r.values())


def test_growth_needs_the_prior_year_and_a_positive_base() -> None:
    assert compute_ratios(FY2024)["revenue_growth"].reason == "missing prior-year line operating_revenue"
    loss_before = compute_ratios({"net_profit": 5.0}, {"net_profit": -2.0})["net_profit_growth"]
    assert loss_before.value is None and "negative" in (loss_before.reason or "")


def test_trends_over_three_years() -> None:
    years = [
        (2022, {"total_assets": 100.0, "total_liabilities": 80.0}),
        (2023, {"total_assets": 100.0, "total_liabilities": 70.0}),
        (2024, {"total_assets": 100.0, "total_liabilities": 60.0}),
    ]
    trend = ratio_trends(years)["debt_to_assets"]
    assert trend["slope_per_year"] == pytest.approx(-0.1)
    assert trend["direction"] == "improving"
    assert ratio_trends(years)["current_ratio"]["direction"] == "n/a"


@given(
    st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=8),
    st.integers(1990, 2030),
)
def test_least_squares_slope_is_polyfits_slope(values: list[float], first_year: int) -> None:
    points = [(first_year + i, v) for i, v in enumerate(values)]
    expected = np.polyfit([p[0] for p in points], values, 1)[0]
    assert least_squares_slope(points) == pytest.approx(expected, rel=1e-9, abs=1e-6)
