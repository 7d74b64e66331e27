"""Monte Carlo errors on lumpy loss distributions: the reported interval and standard error of VaR are
checked against exact loss distributions of small one-factor books, over many seeds (coverage), and are
never zero from a finite sample."""

from __future__ import annotations

import numpy as np
import pytest

from computecredit.portfolio.mc import CopulaModel, mc_loss
from computecredit.portfolio.results import tail_quantities
from computecredit.portfolio.vasicek import conditional_pd

SEEDS = range(60)


def exact_distribution(exposure: np.ndarray, pd: float, rho: float) -> np.ndarray:
    """P(L = k) for integer exposures, one-factor Gaussian copula: conditional convolution of the
    obligors' Bernoulli losses at 120 Gauss–Hermite nodes of the factor."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(120)
    weights = weights / weights.sum()
    total = np.zeros(int(exposure.sum()) + 1)
    for y, w in zip(nodes, weights, strict=True):
        p = float(conditional_pd(np.array(pd), np.array(rho), -y))
        probs = np.array([1.0])
        for e in exposure.astype(int):
            step = np.zeros(len(probs) + e)
            step[: len(probs)] += probs * (1 - p)
            step[e:] += probs * p
            probs = step
        total += w * probs
    return total


def coverage(exposure: np.ndarray, pd: float, rho: float, q: float, sims: int, sampling: bool) -> tuple:
    probs = exact_distribution(exposure, pd, rho)
    exact_var = tail_quantities(np.arange(len(probs), dtype=float), probs, q)[0]
    model = CopulaModel.build(
        exposure, np.full(len(exposure), pd), np.zeros(len(exposure), int), np.ones((1, 1)), np.array([rho])
    )
    runs = [
        mc_loss(
            model, q, simulations=sims, seed=seed, workers=1, contributions=False, importance_sampling=sampling
        )
        for seed in SEEDS
    ]
    inside = np.mean([r.var_interval[0] <= exact_var <= r.var_interval[1] for r in runs])
    within_two_se = np.mean([abs(r.var - exact_var) <= 1.96 * r.var_std_error for r in runs])
    return runs, inside, within_two_se


@pytest.mark.parametrize("sampling", [False, True], ids=["plain", "importance-sampling"])
def test_var_interval_covers_the_exact_quantile_of_a_lumpy_book(sampling: bool) -> None:
    """30 names with exposures of 1–9 (a few hundred loss levels, whole-default steps). A 95% interval may
    be conservative on atoms but must not cover much less often than 95% of the time."""
    exposure = np.random.default_rng(2).integers(1, 10, 30).astype(float)
    runs, inside, within_two_se = coverage(exposure, 0.03, 0.2, 0.99, 2000, sampling)
    assert 0.88 <= inside <= 1.0
    assert within_two_se >= 0.8
    assert all(r.var_std_error > 0 and r.es_std_error > 0 and r.ul_std_error > 0 for r in runs)


def test_equal_names_standard_error_matches_the_spread_across_seeds() -> None:
    """20 equal names: VaR moves in whole defaults; the reported s.e. is the size of the seed-to-seed spread."""
    runs, inside, _ = coverage(np.ones(20), 0.02, 0.2, 0.99, 2000, False)
    spread = np.std([r.var for r in runs], ddof=1)
    reported = np.mean([r.var_std_error for r in runs])
    assert 0.5 < spread / reported < 2.0
    assert inside >= 0.9


def test_the_issue_book_no_longer_reports_a_zero_error() -> None:
    """Issue 16: 2,000 equal loans (PD 2%, LGD 40%, ρ 0.1), 20,000 scenarios, seed 4 gave s.e. 0.0."""
    n = 2000
    model = CopulaModel.build(
        np.full(n, 20_000.0), np.full(n, 0.02), np.zeros(n, int), np.ones((1, 1)), np.array([0.1])
    )
    result = mc_loss(model, 0.999, simulations=20_000, seed=4, workers=1, contributions=False)
    assert result.var_std_error >= 20_000 * 0.1  # at least a tenth of one default's loss
    low, high = result.var_interval
    assert low <= result.var <= high and low < high
    assert result.es_std_error > 0 and result.ul_std_error > 0


def test_target_error_stops_only_when_the_honest_error_meets_it() -> None:
    n = 200
    model = CopulaModel.build(np.ones(n), np.full(n, 0.02), np.zeros(n, int), np.ones((1, 1)), np.array([0.2]))
    result = mc_loss(
        model, 0.99, simulations=1000, batch_size=500, target_error=0.02, seed=3, workers=1, contributions=False
    )
    assert result.details["converged"]
    assert 0 < result.var_std_error / result.var <= 0.02


def test_a_zero_var_has_a_small_positive_error_and_no_relative_error_to_stop_on() -> None:
    """Ten names with PD 0.01%: the 99% VaR is 0; its error is tiny but not 0, and a relative target cannot
    be met (the run goes on to max_simulations and says it did not converge)."""
    model = CopulaModel.build(np.ones(10), np.full(10, 1e-4), np.zeros(10, int), np.ones((1, 1)), np.array([0.1]))
    result = mc_loss(
        model,
        0.99,
        simulations=1000,
        batch_size=500,
        target_error=0.05,
        seed=0,
        workers=1,
        importance_sampling=False,
        contributions=False,
        max_simulations=2000,
    )
    assert result.var == 0.0 and result.var_std_error > 0
    assert not result.details["converged"] and result.simulations == 2000
