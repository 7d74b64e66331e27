"""Properties every loss engine must keep, on random small books (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computecredit.portfolio.creditriskplus import creditriskplus_loss
from computecredit.portfolio.vasicek import vasicek_loss

books = (
    st.integers(min_value=0, max_value=10_000)
    .map(np.random.default_rng)
    .map(
        lambda rng: (
            rng.uniform(0.5, 20.0, 25),
            rng.uniform(0.001, 0.2, 25),
            rng.integers(0, 3, 25),
        )
    )
)


@settings(max_examples=25, deadline=None)
@given(book=books, rho=st.floats(0.0, 0.5), q=st.floats(0.9, 0.999))
def test_vasicek_measures_are_ordered_and_contributions_add_up(book, rho: float, q: float) -> None:
    exposure, pd, _ = book
    result = vasicek_loss(exposure, pd, np.full(25, rho), q)
    assert result.expected_loss <= result.var + 1e-9 <= result.es + 2e-9
    assert result.contributions.sum() == pytest.approx(result.es, rel=1e-10)
    higher = vasicek_loss(exposure, pd, np.full(25, rho), min(q + 0.0005, 0.9999))
    assert higher.var >= result.var - 1e-9


@settings(max_examples=25, deadline=None)
@given(book=books, sigma=st.floats(0.0, 1.5), corr=st.floats(0.0, 1.0))
def test_creditriskplus_contributions_add_up(book, sigma: float, corr: float) -> None:
    exposure, pd, sector = book
    correlation = np.full((3, 3), corr)
    np.fill_diagonal(correlation, 1.0)
    result = creditriskplus_loss(exposure, pd, sector, np.full(3, sigma), correlation, 0.99, loss_unit=0.5)
    assert result.var <= result.es + 1e-9
    assert result.contributions.sum() == pytest.approx(result.es, rel=1e-8)
    assert result.details["distribution"].sum() == pytest.approx(1.0, abs=1e-10)
