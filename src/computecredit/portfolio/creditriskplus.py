"""CreditRisk+ (Credit Suisse First Boston, *CreditRisk+: A Credit Risk Management Framework*, 1997).

Exposures are rounded to a loss unit (ν_i units; the default rate is adjusted so expected loss is kept,
CSFB §A4.1). Given the sector factors S_k ~ Gamma(mean 1, variance σ_k²), obligor i defaults as a Poisson
event with intensity PD_i·S_k, so the probability-generating function of the loss (in units) is
G(z) = Π_k (1 − σ_k²·Q_k(z))^(−1/σ_k²), Q_k(z) = Σ_{i∈k} PD_i (z^ν_i − 1). The distribution is obtained
exactly (up to floating point) by evaluating G at the roots of unity and one inverse FFT, on a grid long
enough that the mass beyond it is negligible.

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


def creditriskplus_loss(
    exposure: np.ndarray,
    pd: np.ndarray,
    sector_index: np.ndarray,
    volatility: np.ndarray,
    correlation: np.ndarray,
    confidence: float = 0.999,
    loss_unit: float | None = None,
) -> LossResult:
    """Loss distribution, VaR, ES and exact Euler ES contributions under CreditRisk+.

    ``exposure`` is EAD·LGD (元), ``volatility`` the relative default-rate standard deviation σ_k of each
    sector, ``correlation`` the sector-factor correlation matrix. ``details['distribution']`` holds the
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
    el_sector = np.bincount(sector_index, weights=rate * units, minlength=sectors)
    independent = np.allclose(correlation, np.eye(sectors))
    if independent:
        group = sector_index
        variances = volatility**2
    else:
        total_el = el_sector.sum()
        weighted = volatility * el_sector
        merged = float(weighted @ correlation @ weighted) / total_el**2 if total_el > 0 else 0.0
        group = np.zeros_like(sector_index)
        variances = np.array([max(merged, 0.0)])
    groups = variances.size
    el_group = np.bincount(group, weights=rate * units, minlength=groups)

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

    def sector_q(g: int) -> np.ndarray:
        members = group == g
        band = np.bincount(units[members], weights=rate[members], minlength=size)[:size]
        # Q_g(z) = Σ rate·(z^ν − 1): a forward FFT of the banded rates evaluates Σ rate·z^ν on the grid.
        return np.fft.fft(band) - band.sum()

    q_by_group = [sector_q(g) for g in range(groups)]
    log_pgf = np.sum([_log_sector_pgf(q_by_group[g], variances[g]) for g in range(groups)], axis=0)

    def distribution(log_values: np.ndarray) -> np.ndarray:
        probabilities = np.fft.ifft(np.exp(log_values)).real
        return np.clip(probabilities, 0.0, None)

    probabilities = distribution(log_pgf)
    loss_units = np.arange(size, dtype=float)
    var_units, tail_mass, atom, tail_mean = tail_quantities(loss_units, probabilities, confidence)
    alpha = 1.0 - confidence
    es_units = (tail_mean + var_units * (alpha - tail_mass)) / alpha

    # Exact Euler contributions: for an obligor in group g with ν units, E[N·1{L > V}] = rate·P(L⁽ᵍ⁾ > V − ν)
    # and E[N·1{L = V}] = rate·P(L⁽ᵍ⁾ = V − ν).
    contributions = np.zeros(exposure.size)
    v = round(var_units)
    for g in range(groups):
        members = np.flatnonzero((group == g) & (units > 0))
        if members.size == 0:
            continue
        shifted = distribution(
            log_pgf
            + (_log_sector_pgf(q_by_group[g], variances[g], 1.0) - _log_sector_pgf(q_by_group[g], variances[g]))
        )
        survival = np.concatenate([np.cumsum(shifted[::-1])[::-1], [0.0]])  # survival[m] = P(L⁽ᵍ⁾ ≥ m)
        index = np.clip(v - units[members], 0, size)
        above = np.where(v - units[members] < 0, 1.0, survival[np.clip(index + 1, 0, size)])
        at = np.where(v - units[members] < 0, 0.0, shifted[np.clip(index, 0, size - 1)])
        share_at = (alpha - tail_mass) / atom if atom > 0 else 0.0
        contributions[members] = units[members] * rate[members] * (above + share_at * at) / alpha
    contributions *= unit

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
