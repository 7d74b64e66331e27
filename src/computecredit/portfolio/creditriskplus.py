"""CreditRisk+ (Credit Suisse First Boston, *CreditRisk+: A Credit Risk Management Framework*, 1997).

Exposures are rounded to a loss unit (ν_i units; the default rate is adjusted so expected loss is kept,
CSFB §A4.1). Given the sector factors S_k ~ Gamma(mean 1, variance σ_k²), obligor i defaults as a Poisson
event with intensity PD_i·S_k, so the probability-generating function of the loss (in units) is
G(z) = Π_k (1 − σ_k²·Q_k(z))^(−1/σ_k²), Q_k(z) = Σ_{i∈k} PD_i (z^ν_i − 1). The distribution is obtained
exactly (up to floating point) by evaluating G at the roots of unity and one inverse FFT, on a grid long
enough that the mass beyond it is negligible.

Obligors may spread their default rate over several sectors with weights w_ik and keep an idiosyncratic
share w_i0 = 1 − Σ_k w_ik (CSFB §A12.3): intensity PD_i·(w_i0 + Σ_k w_ik·S_k), so
G(z) = exp(Q_0(z))·Π_k (1 − σ_k²·Q_k(z))^(−1/σ_k²) with Q_k(z) = Σ_i w_ik·PD_i·(z^ν_i − 1).

Correlated sectors follow Bürgisser, Kurth, Wagner & Wolf, "Integrating correlations", Risk 12(7), 1999:
the sectors are merged into one whose relative default variance
σ̂² = Σ_kl corr_kl σ_k σ_l EL_k EL_l / EL² reproduces the correlated model's loss variance. With an identity
correlation matrix the sectors are independent and the multi-sector PGF is used as it stands.

Euler contributions to expected shortfall are exact (Tasche 2004, "Capital allocation with CreditRisk+"):
E[N_i·1{L ∈ A}] = PD_i·P(L⁽ᵏ⁾ + ν_i ∈ A), where L⁽ᵏ⁾ is the loss with sector k's gamma shape raised by one.

>>> r = creditriskplus_loss(np.array([1.0, 2.0]), np.array([0.1, 0.05]), np.array([0, 0]),
...                         np.array([0.5]), np.eye(1), confidence=0.99, loss_unit=1.0)
>>> round(r.expected_loss, 6), r.var
(0.2, 2.0)
"""

from __future__ import annotations

import math

import numpy as np

from computecredit.errors import InputError
from computecredit.portfolio.inputs import check_confidence
from computecredit.portfolio.results import LossResult, tail_quantities

MAX_GRID = 1 << 23
UNITS_PER_LARGEST_EXPOSURE = 1000


def _complex_log1p(z: np.ndarray) -> np.ndarray:
    """log(1 + z) accurate for small complex z (NumPy's complex log1p loses digits there, which the
    1/σ² factor of a low-volatility sector would magnify)."""
    x, y = z.real, z.imag
    return 0.5 * np.log1p(2.0 * x + x * x + y * y) + 1j * np.arctan2(y, 1.0 + x)


def _log_sector_pgf(q: np.ndarray, variance: float, extra_shape: float = 0.0) -> np.ndarray:
    """log of (1 − σ²q)^(−1/σ² − extra_shape); the Poisson limit q when σ² = 0.

    Below σ² = 1e-10 the series q + σ²q²/2 + σ⁴q³/3 (and extra_shape·(σ²q + σ⁴q²/2)) is used: 1/σ² would
    overflow or lose every digit to cancellation there.
    """
    if variance < 1e-10:
        return (
            q
            + variance * q**2 / 2
            + variance**2 * q**3 / 3
            + extra_shape * (variance * q + variance**2 * q**2 / 2)
        )
    return -(1.0 / variance + extra_shape) * _complex_log1p(-variance * q)


def sector_weight_matrix(
    sector_index: np.ndarray, sectors: int, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Systematic weights (obligors × sectors) and idiosyncratic shares: one-hot on each obligor's sector
    when ``weights`` is None, else the given weights (each row in [0, 1], summing to at most 1; the rest is
    idiosyncratic).

    >>> w, idio = sector_weight_matrix(np.array([0, 1]), 2, np.array([[0.5, 0.2], [0.0, 1.0]]))
    >>> idio.round(6).tolist()
    [0.3, 0.0]
    """
    if weights is None:
        matrix = np.zeros((sector_index.size, sectors))
        matrix[np.arange(sector_index.size), sector_index] = 1.0
        return matrix, np.zeros(sector_index.size)
    matrix = np.asarray(weights, dtype=float)
    if matrix.shape != (sector_index.size, sectors):
        raise InputError(
            "sector_weights", matrix.shape, f"must be obligors × sectors ({sector_index.size}×{sectors})"
        )
    totals = matrix.sum(axis=1)
    bad = np.flatnonzero(~np.isfinite(totals) | np.any(matrix < 0, axis=1) | (totals > 1.0 + 1e-9))
    if bad.size:
        raise InputError(
            "sector_weights",
            matrix[bad[0]].tolist(),
            f"obligor {int(bad[0]) + 1}: weights must be ≥ 0 and sum to ≤ 1",
        )
    return matrix, np.clip(1.0 - totals, 0.0, 1.0)


def creditriskplus_loss(
    exposure: np.ndarray,
    pd: np.ndarray,
    sector_index: np.ndarray,
    volatility: np.ndarray,
    correlation: np.ndarray,
    confidence: float = 0.999,
    loss_unit: float | None = None,
    sector_weights: np.ndarray | None = None,
) -> LossResult:
    """Loss distribution, VaR, ES and exact Euler ES contributions under CreditRisk+.

    ``exposure`` is EAD·LGD (元), ``volatility`` the relative default-rate standard deviation σ_k of each
    sector, ``correlation`` the sector-factor correlation matrix. ``sector_weights`` (obligors × sectors)
    spreads each obligor's default rate over the sectors, PD_i·(w_i0 + Σ_k w_ik·S_k), the idiosyncratic
    share w_i0 = 1 − Σ_k w_ik being a Poisson part with no volatility (CSFB §A12.3); by default each obligor
    belongs wholly to the sector ``sector_index`` names. ``details['distribution']`` holds the
    probabilities of 0, 1, 2, … loss units.
    """
    confidence = check_confidence(confidence)
    exposure = np.asarray(exposure, dtype=float)
    pd = np.asarray(pd, dtype=float)
    sector_index = np.asarray(sector_index, dtype=np.int64)
    volatility = np.asarray(volatility, dtype=float)
    correlation = np.asarray(correlation, dtype=float)
    positive = exposure > 0
    if not np.any(positive):
        raise InputError("ead", 0.0, "the book has no exposure at risk (every ead·lgd is 0)")
    unit = float(loss_unit) if loss_unit else float(exposure.max()) / UNITS_PER_LARGEST_EXPOSURE
    if unit <= 0:
        raise InputError("loss_unit", loss_unit, "must be positive")
    units = np.where(positive, np.maximum(np.rint(exposure / unit), 1.0), 0.0).astype(np.int64)
    # Keep each obligor's expected loss when rounding its exposure to whole units (CSFB §A4.1).
    rate = np.where(units > 0, pd * exposure / np.maximum(units * unit, 1e-300), 0.0)

    sectors = volatility.size
    weights, idiosyncratic = sector_weight_matrix(sector_index, sectors, sector_weights)
    el_sector = (rate * units) @ weights
    independent = np.allclose(correlation, np.eye(sectors))
    if independent:
        group_weights = weights
        variances = volatility**2
    else:
        systematic_el = el_sector.sum()
        weighted = volatility * el_sector
        merged = float(weighted @ correlation @ weighted) / systematic_el**2 if systematic_el > 0 else 0.0
        group_weights = weights.sum(axis=1, keepdims=True)
        variances = np.array([max(merged, 0.0)])
    groups = variances.size
    el_group = (rate * units) @ group_weights

    mean_units = float((rate * units).sum())
    variance_units = float((variances * el_group**2).sum() + (rate * units.astype(float) ** 2).sum())
    largest = int(units.max())
    # The tail of a gamma-Poisson mixture decays exponentially: 40 standard deviations (and the largest
    # exposure twice) leave an aliased mass far below double precision.
    span = mean_units + 40.0 * math.sqrt(variance_units) + 2 * largest + 16
    size = 1 << max(6, math.ceil(math.log2(span)))
    if size > MAX_GRID:
        raise InputError(
            "loss_unit", unit, f"too small: the loss grid would need {size} points; use a larger loss unit"
        )

    def polynomial_q(share: np.ndarray) -> np.ndarray:
        # Q(z) = Σ share·rate·(z^ν − 1): a forward FFT of the banded rates evaluates Σ share·rate·z^ν on the grid.
        band = np.bincount(units, weights=rate * share, minlength=size)[:size]
        return np.fft.fft(band) - band.sum()

    q_by_group = [polynomial_q(group_weights[:, g]) for g in range(groups)]
    log_pgf = np.sum([_log_sector_pgf(q_by_group[g], variances[g]) for g in range(groups)], axis=0)
    if np.any(idiosyncratic > 0):
        log_pgf = log_pgf + polynomial_q(idiosyncratic)  # the Poisson part: log G₀ = Q₀

    def distribution(log_values: np.ndarray) -> np.ndarray:
        probabilities = np.fft.ifft(np.exp(log_values)).real
        return np.clip(probabilities, 0.0, None)

    probabilities = distribution(log_pgf)
    loss_units = np.arange(size, dtype=float)
    var_units, tail_mass, atom, tail_mean = tail_quantities(loss_units, probabilities, confidence)
    alpha = 1.0 - confidence
    es_units = (tail_mean + var_units * (alpha - tail_mass)) / alpha

    # Exact Euler contributions: an obligor's default count N has intensity rate·(w₀ + Σ_g w_g·S_g), and
    # E[N·1{L ∈ A}] = rate·(w₀·P(L + ν ∈ A) + Σ_g w_g·P(L⁽ᵍ⁾ + ν ∈ A)), L⁽ᵍ⁾ the loss with sector g's gamma
    # shape raised by one (Tasche 2004).
    v = round(var_units)
    share_at = (alpha - tail_mass) / atom if atom > 0 else 0.0
    members = np.flatnonzero(units > 0)
    offset = v - units[members]

    def tail_share(law: np.ndarray) -> np.ndarray:
        survival = np.concatenate([np.cumsum(law[::-1])[::-1], [0.0]])  # survival[m] = P(L ≥ m)
        index = np.clip(offset, 0, size)
        above = np.where(offset < 0, 1.0, survival[np.clip(index + 1, 0, size)])
        at = np.where(offset < 0, 0.0, law[np.clip(index, 0, size - 1)])
        return above + share_at * at

    share = idiosyncratic[members] * tail_share(probabilities)
    for g in range(groups):
        if not np.any(group_weights[members, g] > 0):
            continue
        shifted = distribution(
            log_pgf
            + (_log_sector_pgf(q_by_group[g], variances[g], 1.0) - _log_sector_pgf(q_by_group[g], variances[g]))
        )
        share = share + group_weights[members, g] * tail_share(shifted)
    contributions = np.zeros(exposure.size)
    contributions[members] = units[members] * rate[members] * share / alpha * unit

    mean_check = float(probabilities @ loss_units)
    return LossResult(
        method="creditriskplus",
        confidence=confidence,
        expected_loss=float(pd @ exposure),
        unexpected_loss=math.sqrt(variance_units) * unit,
        var=var_units * unit,
        es=es_units * unit,
        contributions=contributions,
        details={
            "loss_unit": unit,
            "grid_points": size,
            "sector_relative_variance": variances.tolist(),
            "merged_sectors": not independent,
            "distribution": probabilities,
            "distribution_mean_error": abs(mean_check - mean_units) / max(mean_units, 1e-300),
        },
    )
