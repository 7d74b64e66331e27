"""CreditRisk+ with per-obligor sector weights and an idiosyncratic share, checked against a Monte Carlo
simulation of the same model (gamma sector factors, Poisson defaults given the factors)."""

from __future__ import annotations

import numpy as np
import pytest

from computecredit.errors import InputError
from computecredit.portfolio.creditriskplus import creditriskplus_loss
from computecredit.portfolio.inputs import FactorModel, Portfolio
from computecredit.portfolio.risk import portfolio_risk

VOLATILITY = np.array([0.8, 1.2, 0.5])


def weighted_book(n: int = 120, seed: int = 9) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    exposure = rng.integers(1, 12, n).astype(float)
    pd = rng.uniform(0.005, 0.04, n)
    raw = rng.dirichlet(np.ones(4), n)  # three sectors and an idiosyncratic share
    return exposure, pd, raw[:, :3], raw[:, :3].argmax(axis=1)


def simulate(exposure, pd, weights, volatility, scenarios: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = 1.0 / volatility**2
    factors = rng.gamma(shape, 1.0 / shape, size=(scenarios, volatility.size))  # mean 1, variance σ²
    idiosyncratic = 1.0 - weights.sum(axis=1)
    intensity = pd * (idiosyncratic + factors @ weights.T)
    return rng.poisson(intensity) @ exposure


def test_weighted_sectors_match_a_simulation_of_the_same_model() -> None:
    exposure, pd, weights, sector = weighted_book()
    q = 0.995
    exact = creditriskplus_loss(
        exposure, pd, sector, VOLATILITY, np.eye(3), q, loss_unit=1.0, sector_weights=weights
    )
    losses = simulate(exposure, pd, weights, VOLATILITY, 400_000, seed=1)
    assert exact.details["distribution"].sum() == pytest.approx(1.0, abs=1e-12)
    assert losses.mean() == pytest.approx(exact.expected_loss, rel=0.01)
    assert losses.std() == pytest.approx(exact.unexpected_loss, rel=0.02)
    simulated_var = float(np.quantile(losses, q, method="inverted_cdf"))
    spread = np.quantile(losses, [q - 0.0005, q + 0.0005], method="inverted_cdf")
    assert spread[0] - 1 <= exact.var <= spread[1] + 1
    assert abs(simulated_var - exact.var) <= max(2.0, 0.05 * exact.var)
    tail = losses[losses > exact.var]
    simulated_es = (tail.sum() + exact.var * ((1 - q) * len(losses) - len(tail))) / ((1 - q) * len(losses))
    assert simulated_es == pytest.approx(exact.es, rel=0.03)
    assert exact.contributions.sum() == pytest.approx(exact.es, rel=1e-9)


def test_the_idiosyncratic_share_lowers_the_tail() -> None:
    exposure, pd, weights, sector = weighted_book()
    full = weights / weights.sum(axis=1, keepdims=True)  # the same split, no idiosyncratic share
    common = dict(volatility=VOLATILITY, correlation=np.eye(3), confidence=0.999, loss_unit=1.0)
    with_idio = creditriskplus_loss(exposure, pd, sector, sector_weights=weights, **common)
    without = creditriskplus_loss(exposure, pd, sector, sector_weights=full, **common)
    assert with_idio.expected_loss == pytest.approx(without.expected_loss)
    assert with_idio.var < without.var and with_idio.unexpected_loss < without.unexpected_loss


def test_one_hot_weights_are_the_one_sector_model() -> None:
    exposure, pd, _, sector = weighted_book()
    one_hot = np.eye(3)[sector]
    for correlation in (np.eye(3), np.full((3, 3), 0.5) + 0.5 * np.eye(3)):
        plain = creditriskplus_loss(exposure, pd, sector, VOLATILITY, correlation, 0.999, 1.0)
        weighted = creditriskplus_loss(exposure, pd, sector, VOLATILITY, correlation, 0.999, 1.0, one_hot)
        assert (weighted.var, weighted.es) == pytest.approx((plain.var, plain.es), rel=1e-12)
        assert weighted.contributions == pytest.approx(plain.contributions, rel=1e-9, abs=1e-12)


def test_book_weight_columns_reach_the_engine_and_bad_weights_name_the_row() -> None:
    exposure, pd, weights, sector = weighted_book(30)
    names = ("servers", "chips", "idc")
    rows = [
        {
            "obligor_id": f"O{i}",
            "group_id": "G",
            "sector": names[sector[i]],
            "region": "宁夏",
            "ead": exposure[i],
            "pd": pd[i],
            "lgd": 1.0,
            "maturity": 1.0,
            **{f"weight_{n}": weights[i, k] for k, n in enumerate(names)},
        }
        for i in range(30)
    ]
    model = FactorModel(names, np.full(3, 0.2), VOLATILITY, np.eye(3))
    risk = portfolio_risk(
        Portfolio.from_records(rows), "creditriskplus", factors=model, confidence=0.99, loss_unit=1.0
    )
    direct = creditriskplus_loss(exposure, pd, sector, VOLATILITY, np.eye(3), 0.99, 1.0, weights)
    assert risk.result.var == direct.var and risk.result.es == pytest.approx(direct.es, rel=1e-12)
    rows[3]["weight_idc"] = 0.9
    rows[3]["weight_chips"] = 0.9
    with pytest.raises(InputError, match=r"row 4: field 'weight_\*'"):
        portfolio_risk(Portfolio.from_records(rows, source="book.csv"), "creditriskplus", factors=model)
