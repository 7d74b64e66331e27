"""ECL for amortising loans: schedules, payment frequency, PD curves and their validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from computecredit.errors import InputError
from computecredit.portfolio.ecl import expected_credit_loss, pd_curves_from_frame
from computecredit.portfolio.inputs import Portfolio
from computecredit.portfolio.schedule import repayment_schedule

BASE = {
    "obligor_id": "A",
    "group_id": "G",
    "sector": "idc",
    "region": "宁夏",
    "ead": 1_200_000.0,
    "pd": 0.02,
    "lgd": 0.5,
    "maturity": 3.0,
    "origination_pd": 0.02,
}
CURVE = pd_curves_from_frame(
    pd.DataFrame({"obligor_id": ["A"] * 3, "year": [1, 2, 3], "cumulative_pd": [0.02, 0.05, 0.09]})
)


def lifetime(**terms: object) -> float:
    book = Portfolio.from_records([{**BASE, **terms}])
    return expected_credit_loss(book, pd_curves=CURVE).rows[0]["ecl_lifetime"]


def test_amortising_loans_carry_less_lifetime_ecl_than_a_bullet() -> None:
    bullet = lifetime()
    annuity = lifetime(amortisation="annuity", eir=0.06)
    equal = lifetime(amortisation="equal_principal", eir=0.06)
    assert equal < annuity < bullet


def test_equal_principal_by_hand_with_zero_rate() -> None:
    # Opening balances 1.2m, 0.8m, 0.4m; marginal PDs 2%, 3%, 4%; LGD 50%; no discounting.
    expected = 0.5 * (0.02 * 1.2e6 + 0.03 * 0.8e6 + 0.04 * 0.4e6)
    assert lifetime(amortisation="equal_principal") == pytest.approx(expected)


def test_monthly_payments_follow_the_balance_within_the_year() -> None:
    monthly = lifetime(amortisation="equal_principal", frequency="monthly")
    annual = lifetime(amortisation="equal_principal")
    assert monthly < annual  # the balance falls during each year, not only at its end
    schedule = repayment_schedule(1_200_000.0, 3.0, "equal_principal", 0.0, 12)
    assert len(schedule.ends) == 36 and schedule.opening[12] == pytest.approx(800_000.0)


def test_a_given_schedule_equals_the_computed_one() -> None:
    computed = repayment_schedule(1_200_000.0, 3.0, "annuity", 0.06, 1).opening
    given = lifetime(amortisation="schedule", eir=0.06, schedule=";".join(f"{b:.6f}" for b in computed))
    assert given == pytest.approx(lifetime(amortisation="annuity", eir=0.06), rel=1e-9)


def test_rows_without_a_curve_use_the_matrix_and_older_books_still_load() -> None:
    book = Portfolio.from_records([{**BASE, "obligor_id": "B"}])
    row = expected_credit_loss(book, pd_curves=CURVE).rows[0]
    assert row["pd_12m"] == pytest.approx(0.02)


def test_bad_loan_terms_name_the_row_and_column() -> None:
    with pytest.raises(InputError) as exc:
        Portfolio.from_records(
            [BASE, {**BASE, "obligor_id": "B", "amortisation": "balloon", "eir": 7.9}], source="book.csv"
        ).loan_terms()
    text = str(exc.value)
    assert "book.csv, row 2: field 'amortisation' = 'balloon'" in text


def test_pd_curve_must_not_decrease_or_skip_years() -> None:
    with pytest.raises(InputError, match="must not decrease"):
        pd_curves_from_frame(pd.DataFrame({"rating": ["B", "B"], "year": [1, 2], "cumulative_pd": [0.1, 0.05]}))
    with pytest.raises(InputError, match="without gaps"):
        pd_curves_from_frame(pd.DataFrame({"rating": ["B", "B"], "year": [1, 3], "cumulative_pd": [0.1, 0.2]}))
    with pytest.raises(InputError, match="cumulative_pd"):
        pd_curves_from_frame(pd.DataFrame({"rating": ["B"], "year": [1], "cumulative_pd": [1.5]}))


def test_a_curve_shorter_than_the_loan_is_extended_by_its_last_conditional_pd() -> None:
    short = pd_curves_from_frame(pd.DataFrame({"obligor_id": ["A"], "year": [1], "cumulative_pd": [0.1]}))
    book = Portfolio.from_records([{**BASE, "origination_pd": 0.001}])
    row = expected_credit_loss(book, pd_curves=short).rows[0]
    assert row["pd_lifetime"] == pytest.approx(1 - 0.9**3)
    assert np.isfinite(row["ecl"])
