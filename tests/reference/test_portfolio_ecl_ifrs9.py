"""IFRS 9 ECL of an amortising loan against a published illustration, entered as one book row.

Source: IFRScommunity.com, "IFRS 9 Expected Credit Losses" illustration (as quoted in issue 16): a loan of
100,000 repaid by five annual annuity instalments at an effective interest rate of 7.926%, cumulative PD
3%, 6%, 9%, 13%, 17% over years 1–5, LGD 80%: 12-month ECL 2,224, lifetime ECL 6,722. The published
figures follow from EAD = the balance outstanding at the start of each year, the year's marginal PD, and
discounting at the EIR from the end of that year; the data files are in ``tests/reference/data``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.portfolio.ecl import expected_credit_loss, load_pd_curves
from computecredit.portfolio.inputs import load_portfolio_csv

DATA = Path(__file__).parent / "data"
BOOK = DATA / "ifrs9_ifrscommunity_loan.csv"
CURVE = DATA / "ifrs9_ifrscommunity_pd_curve.csv"


def test_one_row_reproduces_the_published_12_month_and_lifetime_ecl() -> None:
    result = expected_credit_loss(load_portfolio_csv(BOOK), pd_curves=load_pd_curves(CURVE))
    row = result.rows[0]
    assert round(row["ecl_12m"]) == 2224
    assert round(row["ecl_lifetime"]) == 6722
    assert row["stage"] == 1 and row["ecl"] == row["ecl_12m"]
    assert row["pd_lifetime"] == pytest.approx(0.17)


def test_the_same_loan_as_a_bullet_overstates_it() -> None:
    """Entered as one bullet row (the issue's 10,737 came from that and a faked curve), lifetime ECL is
    Σ marginal PD · 0.8 · 100,000 discounted: larger, since the balance never falls."""
    book = load_portfolio_csv(BOOK).replace(amortisation=["bullet"])
    bullet = expected_credit_loss(book, pd_curves=load_pd_curves(CURVE)).rows[0]["ecl_lifetime"]
    marginal = [0.03, 0.03, 0.03, 0.04, 0.04]
    expected = sum(m * 0.8 * 100_000 / 1.07926**t for t, m in enumerate(marginal, start=1))
    assert bullet == pytest.approx(expected, rel=1e-12)
    assert bullet > 6722


def test_cli_pd_curve_gives_the_same_figures() -> None:
    out = CliRunner().invoke(app, ["portfolio", "ecl", str(BOOK), "--pd-curve", str(CURVE), "--json"])
    assert out.exit_code == 0, out.output
    row = json.loads(out.output)["rows"][0]
    assert (round(row["ecl_12m"]), round(row["ecl_lifetime"])) == (2224, 6722)
