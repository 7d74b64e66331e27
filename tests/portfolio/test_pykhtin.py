"""Pykhtin's multi-factor adjustment against the Monte Carlo of the same factor model, and its limits."""

from __future__ import annotations

import numpy as np
import pytest

from computecredit.portfolio.inputs import FactorModel, Portfolio
from computecredit.portfolio.mc import CopulaModel, mc_loss
from computecredit.portfolio.pykhtin import multi_factor_loss
from computecredit.portfolio.risk import portfolio_risk
from computecredit.portfolio.vasicek import vasicek_loss

CORRELATION = np.array([[1.0, 0.5, 0.3], [0.5, 1.0, 0.4], [0.3, 0.4, 1.0]])
MODEL = FactorModel(("a", "b", "c"), np.array([0.20, 0.25, 0.15]), np.zeros(3), CORRELATION)


def book(n: int = 800, seed: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(1, 5, n), rng.choice([0.005, 0.01, 0.02, 0.04], n), rng.integers(0, 3, n)


@pytest.mark.parametrize("q", [0.99, 0.999])
def test_adjusted_quantile_matches_monte_carlo_of_the_same_model(q: float) -> None:
    exposure, pd, sector = book()
    analytic = multi_factor_loss(exposure, pd, sector, MODEL.rho, MODEL.loadings(), q)
    simulated = mc_loss(
        CopulaModel.build(exposure, pd, sector, MODEL.loadings(), MODEL.rho),
        q,
        simulations=20_000,
        seed=2,
        workers=1,
        contributions=False,
    )
    asrf = vasicek_loss(exposure, pd, MODEL.rho[sector], q)
    # The adjustment closes the gap the one-factor formula leaves (it treats the sectors as one factor).
    assert abs(analytic.var - simulated.var) <= max(3 * simulated.var_std_error, 0.01 * simulated.var)
    assert abs(analytic.es - simulated.es) <= max(3 * simulated.es_std_error, 0.01 * simulated.es)
    assert asrf.var > 1.2 * simulated.var
    assert analytic.unexpected_loss == pytest.approx(simulated.unexpected_loss, rel=0.05)
    assert analytic.contributions.sum() == pytest.approx(analytic.es, rel=1e-9)


def test_one_factor_is_the_asrf_quantile_plus_the_granularity_term() -> None:
    exposure, pd, _ = book(300)
    sector = np.zeros(300, int)
    analytic = multi_factor_loss(exposure, pd, sector, np.array([0.2]), np.ones((1, 1)), 0.999)
    asrf = vasicek_loss(exposure, pd, np.full(300, 0.2), 0.999)
    assert analytic.details["one_factor_var"] == pytest.approx(asrf.var, rel=1e-12)
    assert analytic.var > asrf.var  # a finite book: the granularity adjustment is positive
    assert analytic.unexpected_loss == pytest.approx(asrf.unexpected_loss, rel=1e-4)  # both exact


def test_pykhtin_method_through_portfolio_risk() -> None:
    exposure, pd, sector = book(60)
    rows = [
        {
            "obligor_id": f"O{i}",
            "group_id": f"G{i % 7}",
            "sector": "abc"[sector[i]],
            "region": "宁夏",
            "ead": exposure[i],
            "pd": pd[i],
            "lgd": 1.0,
            "maturity": 1.0,
        }
        for i in range(60)
    ]
    risk = portfolio_risk(Portfolio.from_records(rows), "pykhtin", factors=MODEL, confidence=0.999)
    assert risk.result.method == "pykhtin"
    assert sum(risk.contributions["sector"].values()) == pytest.approx(risk.result.es, rel=1e-9)


def test_bucketing_the_variance_terms_of_a_large_book_barely_moves_the_quantile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(8)
    exposure, sector = rng.uniform(1, 5, 400), rng.integers(0, 3, 400)
    pd = np.exp(rng.uniform(np.log(0.002), np.log(0.05), 400))  # 400 distinct PDs: > 240 groups
    bucketed = multi_factor_loss(exposure, pd, sector, MODEL.rho, MODEL.loadings(), 0.999)
    import computecredit.portfolio.pykhtin as pykhtin

    monkeypatch.setattr(pykhtin, "MAX_VARIANCE_GROUPS", 10_000)
    exact = multi_factor_loss(exposure, pd, sector, MODEL.rho, MODEL.loadings(), 0.999)
    assert bucketed.details["variance_groups"] < 240 < exact.details["variance_groups"]
    assert bucketed.details["one_factor_var"] == exact.details["one_factor_var"]
    assert bucketed.var == pytest.approx(exact.var, rel=1e-3)
