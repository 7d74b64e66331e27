"""The asymptotic single-risk-factor (ASRF) model behind the Basel IRB formula (Vasicek 2002; Gordy 2003).

In an infinitely granular book driven by one factor Y ~ N(0, 1), obligor i defaults with the conditional
probability p_i(y) = Φ((Φ⁻¹(PD_i) + √ρ_i·y) / √(1−ρ_i)), y being the adverse factor value, and the loss
quantile at q is Σ EAD_i·LGD_i·p_i(Φ⁻¹(q)) (BCBS, *An Explanatory Note on the Basel II IRB Risk Weight
Functions*, 2005, §4). Expected shortfall integrates that quantile over the tail; Euler contributions are
additive in this model, each obligor's share being its own conditional loss.

>>> r = vasicek_loss(np.array([100.0]), np.array([0.01]), np.array([0.2]), 0.999)
>>> round(r.var, 4)
14.5525
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from computecredit.portfolio.inputs import check_confidence
from computecredit.portfolio.results import LossResult

_LEGENDRE_NODES = 96
_HERMITE_NODES = 96


def conditional_pd(pd: np.ndarray, rho: np.ndarray, adverse_factor: float | np.ndarray) -> np.ndarray:
    """PD given the adverse systematic factor value (ASRF), broadcasting over factor values.

    >>> round(float(conditional_pd(np.array(0.01), np.array(0.12), 3.090232306167813)), 6)
    0.090326
    """
    pd = np.asarray(pd, dtype=float)
    rho = np.asarray(rho, dtype=float)
    return ndtr((ndtri(pd) + np.sqrt(rho) * np.asarray(adverse_factor)) / np.sqrt(1.0 - rho))


def vasicek_loss(exposure: np.ndarray, pd: np.ndarray, rho: np.ndarray, confidence: float = 0.999) -> LossResult:
    """ASRF loss quantile, expected shortfall and Euler ES contributions for ``exposure = EAD·LGD``.

    ``unexpected_loss`` is the standard deviation of the one-factor loss of this finite book (the factor's
    part and the idiosyncratic part), computed by Gauss–Hermite quadrature over the factor.
    """
    confidence = check_confidence(confidence)
    exposure = np.asarray(exposure, dtype=float)
    pd = np.asarray(pd, dtype=float)
    rho = np.broadcast_to(np.asarray(rho, dtype=float), exposure.shape)
    alpha = 1.0 - confidence
    y_q = ndtri(confidence)
    var_by_obligor = exposure * conditional_pd(pd, rho, y_q)
    # ES = (1/α)∫_q^1 VaR_u du = (1/α)∫_{y_q}^∞ VaR(Φ(y)) φ(y) dy, by Gauss–Legendre on [y_q, y_q + 12].
    nodes, weights = np.polynomial.legendre.leggauss(_LEGENDRE_NODES)
    half = 6.0
    y = y_q + half * (nodes + 1.0)
    w = half * weights * np.exp(-0.5 * y**2) / np.sqrt(2.0 * np.pi)
    cond = conditional_pd(pd[:, None], rho[:, None], y[None, :])
    contributions = exposure * (cond @ w) / alpha
    # Var(L) = Var_Y(E[L|Y]) + E_Y[Var(L|Y)] by Gauss–Hermite (probabilists' weights).
    h_nodes, h_weights = np.polynomial.hermite_e.hermegauss(_HERMITE_NODES)
    h_weights = h_weights / h_weights.sum()
    cond_h = conditional_pd(pd[:, None], rho[:, None], h_nodes[None, :])
    mean_given_y = exposure @ cond_h
    var_given_y = (exposure**2) @ (cond_h * (1.0 - cond_h))
    expected_loss = float(exposure @ pd)
    variance = float(h_weights @ (mean_given_y - expected_loss) ** 2 + h_weights @ var_given_y)
    return LossResult(
        method="vasicek",
        confidence=confidence,
        expected_loss=expected_loss,
        unexpected_loss=float(np.sqrt(max(variance, 0.0))),
        var=float(var_by_obligor.sum()),
        es=float(contributions.sum()),
        contributions=contributions,
        details={"var_contributions": var_by_obligor},
    )
