"""Product rules and rates against their sources.

Sources: 中国人民银行 金融监管总局 中国证监会《关于设立股票回购增持再贷款有关事宜的通知》(2024-10-18):
loans ≤ 90% of the buyback amount (after the late-2024 revision), rate to firms ≤ 2.25%, tenor ≤ 3 years;
LPR announcements of the National Interbank Funding Center (1-year/5-year): 2024-02-20 3.45/3.95,
2024-07-22 3.35/3.85, 2024-10-21 3.10/3.60, 2025-05 3.00/3.50 (REFERENCE.md §2).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from computecredit.facilities.pricing import lpr_on
from computecredit.facilities.sizing import share_buyback_rule


def test_buyback_loan_for_a_2yi_buyback() -> None:
    """The chip designer's 1.5–2亿 buyback loan: a 2亿 loan needs a buyback of at least 2.22亿."""
    check = share_buyback_rule(Decimal("222300000"), 0.0225, 3)
    assert check.constraint.amount == Decimal("200070000") and check.breaches == []


@pytest.mark.parametrize(
    ("day", "one_year", "five_year"),
    [
        (date(2024, 3, 1), 0.0345, 0.0395),
        (date(2024, 8, 1), 0.0335, 0.0385),
        (date(2025, 1, 1), 0.031, 0.036),
        (date(2026, 2, 1), 0.03, 0.035),
    ],
)
def test_lpr_history(day: date, one_year: float, five_year: float) -> None:
    assert lpr_on(day, 1).rate == one_year and lpr_on(day, 10).rate == five_year
