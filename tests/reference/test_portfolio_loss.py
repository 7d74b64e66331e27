"""Loss engines against published or exactly computable references.

Sources:
- BCBS, *International Convergence of Capital Measurement and Capital Standards* (Basel II, June 2006),
  ¶272 (corporate risk-weight function) and Annex 3 "Illustrative IRB risk weights" (corporate exposures,
  LGD 45%, M = 2.5 years): the ASRF formula.
- A homogeneous one-factor book whose finite-size loss distribution is computed exactly by Gauss–Hermite
  quadrature over the factor of the conditional binomial law (Vasicek 1987/2002).
- Independent defaults: the exact loss distribution by convolution of Bernoulli laws.
- Bürgisser, Kurth, Wagner & Wolf, "Integrating correlations", Risk 12(7), July 1999, tables A, B and
  figure 1 (the same figures are QuantLib's CreditRiskPlus test case): two sectors of 1000 obligors,
  exposure 1 / PD 4% and exposure 2 / PD 2%, σ = 0.75 each, sector correlation 0.5 → EL 80, sector UL
  30.7 and 31.3, portfolio UL 53.1, relative default variance ≈ 0.65², 99% loss quantile 250.
- CreditRisk+ with one sector and unit exposures: the number of defaults is negative binomial (CSFB 1997,
  §A8), checked against scipy.stats.nbinom.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.special import ndtri

from computecredit.facilities.capital import irb_terms
from computecredit.portfolio.creditriskplus import creditriskplus_loss
from computecredit.portfolio.mc import CopulaModel, mc_loss
from computecredit.portfolio.results import tail_quantities
from computecredit.portfolio.vasicek import conditional_pd, vasicek_loss


def test_asrf_quantile_is_the_irb_conditional_expected_loss() -> None:
    # For M = 1 the maturity adjustment is 1, so K + PD·LGD = LGD·N((G(PD) + √R·G(0.999))/√(1−R)) = ASRF VaR.
    pd, lgd = 0.01, 0.45
    weight = (1 - np.exp(-50 * pd)) / (1 - np.exp(-50))
    r = 0.12 * weight + 0.24 * (1 - weight)
    k = float(irb_terms(pd, lgd, 1.0).k)
    result = vasicek_loss(np.array([lgd]), np.array([pd]), np.array([r]), 0.999)
    assert result.var == pytest.approx(k + pd * lgd, rel=1e-12)


def homogeneous_distribution(n: int, pd: float, rho: float) -> np.ndarray:
    """P(k defaults out of n), one-factor Gaussian copula, by 200-node Gauss–Hermite quadrature."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(200)
    weights = weights / weights.sum()
    p = conditional_pd(np.full(nodes.shape, pd), np.full(nodes.shape, rho), nodes)
    k = np.arange(n + 1)
    return stats.binom.pmf(k[:, None], n, p[None, :]) @ weights


def exact_measures(losses: np.ndarray, probs: np.ndarray, q: float) -> tuple[float, float, float]:
    var, tail_mass, _, tail_mean = tail_quantities(losses, probs, q)
    es = (tail_mean + var * (1 - q - tail_mass)) / (1 - q)
    mean = float(losses @ probs)
    return var, es, float(np.sqrt(((losses - mean) ** 2) @ probs))


def test_vasicek_std_matches_exact_homogeneous_distribution() -> None:
    n, pd, rho = 400, 0.01, 0.2
    probs = homogeneous_distribution(n, pd, rho)
    _, _, std = exact_measures(np.arange(n + 1.0), probs, 0.999)
    result = vasicek_loss(np.ones(n), np.full(n, pd), np.full(n, rho), 0.999)
    assert probs.sum() == pytest.approx(1.0, abs=1e-12)
    assert result.unexpected_loss == pytest.approx(std, rel=1e-6)
    # The granular ASRF quantile sits near the finite book's: within a few names.
    var_exact, _, _ = exact_measures(np.arange(n + 1.0), probs, 0.999)
    assert abs(result.var - var_exact) < 5


def test_mc_matches_exact_homogeneous_one_factor_book() -> None:
    n, pd, rho, q = 1000, 0.01, 0.2, 0.999
    probs = homogeneous_distribution(n, pd, rho)
    var_exact, es_exact, _ = exact_measures(np.arange(n + 1.0), probs, q)
    model = CopulaModel.build(np.ones(n), np.full(n, pd), np.zeros(n, int), np.ones((1, 1)), np.array([rho]))
    result = mc_loss(model, confidence=q, simulations=20_000, seed=11, workers=1)
    # Losses are whole numbers of names: allow the reported error (3 s.e.) plus one name of discreteness.
    assert abs(result.var - var_exact) <= 3 * result.var_std_error + 1.0
    assert result.es == pytest.approx(es_exact, rel=0.03)
    assert result.contributions.sum() == pytest.approx(result.es, rel=1e-9)


def test_mc_reported_error_covers_the_exact_var_with_a_singular_two_sector_model() -> None:
    # Two sectors with factor correlation 1 (singular matrix) are one homogeneous one-factor book.
    n, pd, rho, q = 600, 0.02, 0.15, 0.99
    probs = homogeneous_distribution(n, pd, rho)
    var_exact, _, _ = exact_measures(np.arange(n + 1.0), probs, q)
    sectors = np.arange(n) % 2
    model = CopulaModel.build(np.ones(n), np.full(n, pd), sectors, np.ones((2, 1)), np.array([rho, rho]))
    result = mc_loss(model, confidence=q, simulations=10_000, seed=3, workers=1, contributions=False)
    assert abs(result.var - var_exact) <= 3 * result.var_std_error + 1.0


def test_mc_and_vasicek_match_exact_convolution_for_independent_defaults() -> None:
    rng = np.random.default_rng(5)
    exposure = rng.integers(1, 6, 40).astype(float)
    pd = rng.uniform(0.01, 0.15, 40)
    probs = np.array([1.0])
    for e, p in zip(exposure.astype(int), pd, strict=True):
        step = np.zeros(len(probs) + e)
        step[: len(probs)] += probs * (1 - p)
        step[e:] += probs * p
        probs = step
    losses = np.arange(len(probs), dtype=float)
    q = 0.99
    var_exact, es_exact, std_exact = exact_measures(losses, probs, q)
    vasicek = vasicek_loss(exposure, pd, np.zeros(40), q)
    assert vasicek.unexpected_loss == pytest.approx(std_exact, rel=1e-10)
    model = CopulaModel.build(exposure, pd, np.zeros(40, int), np.ones((1, 1)), np.array([0.0]))
    result = mc_loss(model, confidence=q, simulations=40_000, seed=1, workers=1)
    assert abs(result.var - var_exact) <= 3 * result.var_std_error + 1.0
    assert result.es == pytest.approx(es_exact, rel=0.03)
    assert result.unexpected_loss == pytest.approx(std_exact, rel=0.03)


def test_creditriskplus_reproduces_integrating_correlations_example() -> None:
    exposure = np.r_[np.ones(1000), np.full(1000, 2.0)]
    pd = np.r_[np.full(1000, 0.04), np.full(1000, 0.02)]
    sector = np.r_[np.zeros(1000, int), np.ones(1000, int)]
    correlation = np.array([[1.0, 0.5], [0.5, 1.0]])
    result = creditriskplus_loss(exposure, pd, sector, np.array([0.75, 0.75]), correlation, 0.99, loss_unit=0.1)
    assert result.expected_loss == pytest.approx(80.0, abs=1e-9)
    assert result.unexpected_loss == pytest.approx(53.1, abs=0.01)
    assert np.sqrt(result.details["sector_relative_variance"][0]) == pytest.approx(0.65, abs=0.001)
    assert result.var == pytest.approx(250.0, abs=0.5)
    # Each sector alone: UL² = σ²·EL² + Σ PD·ν² → 30.7 and 31.3.
    for members, ul in ((slice(0, 1000), 30.7), (slice(1000, 2000), 31.3)):
        alone = creditriskplus_loss(
            exposure[members], pd[members], np.zeros(1000, int), np.array([0.75]), np.eye(1), 0.99, loss_unit=0.1
        )
        assert alone.unexpected_loss == pytest.approx(ul, abs=0.05)
    assert result.contributions.sum() == pytest.approx(result.es, rel=1e-9)


def test_creditriskplus_one_sector_is_negative_binomial() -> None:
    n, pd, sigma = 500, 0.01, np.sqrt(0.2)
    result = creditriskplus_loss(
        np.ones(n), np.full(n, pd), np.zeros(n, int), np.array([sigma]), np.eye(1), 0.95, 1.0
    )
    shape = 1 / sigma**2
    success = 1 / (1 + sigma**2 * n * pd)
    expected = stats.nbinom.pmf(np.arange(60), shape, success)
    assert np.allclose(result.details["distribution"][:60], expected, atol=1e-12)
    assert result.var == stats.nbinom.ppf(0.95, shape, success)


def test_asrf_contributions_and_quantile_level() -> None:
    rng = np.random.default_rng(2)
    exposure, pd = rng.uniform(1, 10, 50), rng.uniform(0.001, 0.05, 50)
    result = vasicek_loss(exposure, pd, np.full(50, 0.18), 0.995)
    expected_var = float(exposure @ conditional_pd(pd, np.full(50, 0.18), ndtri(0.995)))
    assert result.var == pytest.approx(expected_var, rel=1e-12)
    assert result.contributions.sum() == pytest.approx(result.es, rel=1e-12)
    assert result.es > result.var > result.expected_loss
