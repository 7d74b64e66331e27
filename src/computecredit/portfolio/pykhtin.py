"""Analytic loss quantiles of the multi-factor Gaussian model: Pykhtin's multi-factor adjustment.

Model (the ``mc`` engine's): obligor i in sector s has X_i = r_i·(α_s·Z) + √(1 − r_i²)·ε_i with r_i = √ρ_s,
α_s the sector's row of factor loadings (α_s·α_s = 1, α_s·α_t the sector correlation) and Z ~ N(0, I). The
ASRF formula cannot see the correlation between sectors; Pykhtin ("Multi-factor adjustment", *Risk*,
March 2004, 85–90) replaces Z by one factor Ȳ = b·Z, b ∝ Σ_i c_i·α_i with c_i = EAD_i·LGD_i·
Φ((Φ⁻¹(PD_i) + r_i·Φ⁻¹(q))/√(1 − r_i²)) (each obligor's one-factor stressed loss), so that
X_i = ρ_i·Ȳ + √(1 − ρ_i²)·η_i, ρ_i = r_i·α_i·b, and corrects the quantile of l(Ȳ) = E[L | Ȳ] by the
second-order term (Gouriéroux, Laurent & Scaillet 2000; Martin & Wilde 2002):

    VaR_q ≈ l(y) − [v'(y) − v(y)·(l''(y)/l'(y) + y)] / (2·l'(y)),   y = Φ⁻¹(1 − q),

v(y) = Var[L | Ȳ = y] = Σ_ij e_i e_j [Φ₂(h_i, h_j; ρ̃_ij) − p_i p_j] + Σ_i e_i² [p_i − Φ₂(h_i, h_i; ρ̃_ii)], the
systematic variance left by the other factor directions plus the granularity (finite-book) part, with
e_i = EAD_i·LGD_i, p_i(y) = Φ(h_i), h_i = (Φ⁻¹(PD_i) − ρ_i y)/√(1 − ρ_i²) and
ρ̃_ij = (r_i r_j α_i·α_j − ρ_i ρ_j)/√((1 − ρ_i²)(1 − ρ_j²)). Obligors with the same sector and PD share
every term, so the double sums run over (sector, PD) groups; a book with more than 240 such groups has its
PDs bucketed on a log grid for the variance terms (and UL) only, l(y) staying exact. Φ₂ is evaluated by
Owen's T function.

>>> one = multi_factor_loss(np.full(400, 1.0), np.full(400, 0.01), np.zeros(400, int), np.array([0.2]),
...                         np.ones((1, 1)), 0.999)
>>> from computecredit.portfolio.vasicek import vasicek_loss
>>> asrf = vasicek_loss(np.full(400, 1.0), np.full(400, 0.01), np.full(400, 0.2), 0.999)
>>> round(one.details["one_factor_var"], 6) == round(asrf.var, 6), one.var > asrf.var  # + granularity
(True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri, owens_t

from computecredit.portfolio.inputs import check_confidence
from computecredit.portfolio.results import LossResult

_LEGENDRE_NODES = 32
# The variance terms are double sums over groups: above this many (sector, PD) groups the PDs are bucketed.
MAX_VARIANCE_GROUPS = 240
_NORMAL_DENSITY = 1.0 / math.sqrt(2.0 * math.pi)


def bivariate_normal_cdf(h: np.ndarray, k: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Φ₂(h, k; ρ) = P(X ≤ h, Y ≤ k) for standard normals with correlation ρ, by Owen's T (broadcasting).

    >>> round(float(bivariate_normal_cdf(np.array(0.0), np.array(0.0), np.array(0.5))), 6)  # 1/4 + asin(ρ)/2π
    0.333333
    """
    h, k, rho = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (h, k, rho)))
    h = np.where(h == 0.0, 1e-12, h)  # the formula needs h, k ≠ 0; Φ₂ is continuous there
    k = np.where(k == 0.0, 1e-12, k)
    root = np.sqrt(np.maximum(1.0 - rho**2, 1e-300))
    result = (
        0.5 * (ndtr(h) + ndtr(k)) - owens_t(h, (k - rho * h) / (h * root)) - owens_t(k, (h - rho * k) / (k * root))
    )
    result = result - np.where(h * k < 0, 0.5, 0.0)
    # ρ = ±1: the limits Φ(min(h, k)) and max(Φ(h) + Φ(k) − 1, 0).
    result = np.where(rho >= 1.0, ndtr(np.minimum(h, k)), result)
    result = np.where(rho <= -1.0, np.maximum(ndtr(h) + ndtr(k) - 1.0, 0.0), result)
    return np.clip(result, 0.0, 1.0)


@dataclass(frozen=True)
class _Groups:
    """Obligors aggregated by (sector, PD): exposure sums e, squared sums e², r, loadings, PD."""

    exposure: np.ndarray
    exposure_sq: np.ndarray
    pd: np.ndarray
    r: np.ndarray
    alpha: np.ndarray
    members: np.ndarray  # obligor → group


def _groups(
    exposure: np.ndarray,
    pd: np.ndarray,
    sector: np.ndarray,
    rho: np.ndarray,
    loadings: np.ndarray,
    buckets: int = 0,
) -> _Groups:
    """Aggregate by (sector, PD); with ``buckets`` > 0 by (sector, PD bucket on a log grid), the bucket's PD
    the exposure-weighted mean of its obligors' (so the bucket keeps their expected loss)."""
    if buckets > 0:
        edges = np.linspace(np.log(pd.min()), np.log(pd.max()) + 1e-12, buckets + 1)
        bucket = np.clip(np.searchsorted(edges, np.log(pd), side="right") - 1, 0, buckets - 1)
        keys = np.stack([sector.astype(float), bucket.astype(float)], axis=1)
    else:
        keys = np.stack([sector.astype(float), pd], axis=1)
    unique, members = np.unique(keys, axis=0, return_inverse=True)
    members = members.ravel()
    group_sector = unique[:, 0].astype(np.int64)
    total = np.bincount(members, weights=exposure, minlength=len(unique))
    mean_pd = np.bincount(members, weights=exposure * pd, minlength=len(unique)) / np.maximum(total, 1e-300)
    plain_pd = np.bincount(members, weights=pd, minlength=len(unique)) / np.bincount(
        members, minlength=len(unique)
    )
    return _Groups(
        exposure=total,
        exposure_sq=np.bincount(members, weights=exposure**2, minlength=len(unique)),
        pd=np.where(total > 0, mean_pd, plain_pd),
        r=np.sqrt(rho[group_sector]),
        alpha=loadings[group_sector],
        members=members,
    )


def _level_terms(
    g: _Groups, rho_of: np.ndarray, y: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """h, p, p' and p'' of each group at the factor value y (ρ_i = ``rho_of``)."""
    scale = np.sqrt(1.0 - rho_of**2)
    h = (ndtri(g.pd) - rho_of * y) / scale
    slope = rho_of / scale  # −dh/dy
    density = _NORMAL_DENSITY * np.exp(-0.5 * h**2)
    return h, ndtr(h), -slope * density, -(slope**2) * h * density


def _adjusted_quantile(fine: _Groups, coarse: _Groups, b: np.ndarray, y: float) -> tuple[float, float, np.ndarray]:
    """Pykhtin's VaR at the level 1 − Φ(y) (y the adverse factor value), the one-factor term l(y), and each
    fine group's conditional default probability at y. l, l' and l'' use the ``fine`` groups (exact);
    the conditional variance v and v' the ``coarse`` ones."""
    _, p_fine, dp_fine, d2p_fine = _level_terms(fine, fine.r * (fine.alpha @ b), y)
    level = float(fine.exposure @ p_fine)
    d_level = float(fine.exposure @ dp_fine)
    d2_level = float(fine.exposure @ d2p_fine)
    g = coarse
    rho = g.r * (g.alpha @ b)
    scale = np.sqrt(1.0 - rho**2)
    h, p, dp, _ = _level_terms(g, rho, y)
    # ρ̃_ij: correlation of the residuals X − ρ·Ȳ.
    full = np.outer(g.r, g.r) * (g.alpha @ g.alpha.T)
    residual = np.clip((full - np.outer(rho, rho)) / np.outer(scale, scale), -1.0, 1.0)
    joint = bivariate_normal_cdf(h[:, None], h[None, :], residual)
    variance = float(g.exposure @ (joint - np.outer(p, p)) @ g.exposure) + float(
        g.exposure_sq @ (p - np.diag(joint))
    )
    # dΦ₂(h_i, h_j; ρ̃)/dy = p'_i·Φ((h_j − ρ̃ h_i)/√(1 − ρ̃²)) + (the same with i, j swapped).
    root = np.sqrt(np.maximum(1.0 - residual**2, 1e-300))
    conditional = ndtr((h[None, :] - residual * h[:, None]) / root)  # [i, j]
    d_variance = 2.0 * float((g.exposure * dp) @ (conditional - p[None, :]) @ g.exposure) + float(
        g.exposure_sq @ (dp * (1.0 - 2.0 * np.diag(conditional)))
    )
    adjustment = -(d_variance - variance * (d2_level / d_level + y)) / (2.0 * d_level) if d_level != 0 else 0.0
    return level + adjustment, level, p_fine


def multi_factor_loss(
    exposure: np.ndarray,
    pd: np.ndarray,
    sector_index: np.ndarray,
    rho_by_sector: np.ndarray,
    loadings: np.ndarray,
    confidence: float = 0.999,
) -> LossResult:
    """VaR and ES of the multi-factor Gaussian book by Pykhtin's adjustment; UL is the exact standard deviation.

    ``exposure`` is EAD·LGD, ``loadings`` the sectors' factor loadings (:meth:`FactorModel.loadings`).
    ES integrates the adjusted quantile over the tail (Gauss–Legendre in the factor value); contributions
    split each level's quantile by the obligors' conditional losses at that level (the adjustment pro rata),
    an allocation that sums to ES, not an Euler derivative.
    """
    confidence = check_confidence(confidence)
    exposure = np.asarray(exposure, dtype=float)
    pd = np.clip(np.asarray(pd, dtype=float), 1e-12, 1.0 - 1e-12)
    sector_index = np.asarray(sector_index, dtype=np.int64)
    rho_by_sector = np.asarray(rho_by_sector, dtype=float)
    loadings = np.atleast_2d(np.asarray(loadings, dtype=float))
    g = _groups(exposure, pd, sector_index, rho_by_sector, loadings)
    coarse = g
    if len(g.pd) > MAX_VARIANCE_GROUPS:
        sectors = len(np.unique(sector_index))
        coarse = _groups(exposure, pd, sector_index, rho_by_sector, loadings, MAX_VARIANCE_GROUPS // sectors)
    # b ∝ Σ_i c_i α_i, c_i the one-factor stressed loss (Pykhtin 2004).
    stressed = g.exposure * ndtr((ndtri(g.pd) + g.r * ndtri(confidence)) / np.sqrt(1.0 - g.r**2))
    direction = stressed @ g.alpha
    norm = float(np.linalg.norm(direction))
    b = direction / norm if norm > 0 else np.eye(loadings.shape[1])[0]
    var, one_factor, _ = _adjusted_quantile(g, coarse, b, float(ndtri(1.0 - confidence)))
    # ES = (1/α)∫_q^1 VaR_u du over u = Φ(t), t from Φ⁻¹(q) to Φ⁻¹(q) + 8.
    alpha = 1.0 - confidence
    nodes, weights = np.polynomial.legendre.leggauss(_LEGENDRE_NODES)
    t_low = float(ndtri(confidence))
    t = t_low + 4.0 * (nodes + 1.0)
    w = 4.0 * weights * _NORMAL_DENSITY * np.exp(-0.5 * t**2)
    per_obligor = np.zeros(len(exposure))
    es = 0.0
    unit_loss = exposure / np.maximum(g.exposure[g.members], 1e-300)
    for tk, wk in zip(t, w, strict=True):
        level_var, level, p = _adjusted_quantile(g, coarse, b, -float(tk))
        es += wk * level_var
        share = level_var / level if level > 0 else 0.0
        per_obligor += wk * share * unit_loss * g.exposure[g.members] * p[g.members]
    es /= alpha
    per_obligor /= alpha
    return LossResult(
        method="pykhtin",
        confidence=confidence,
        expected_loss=float(exposure @ pd),
        unexpected_loss=math.sqrt(max(_loss_variance(coarse), 0.0)),
        var=var,
        es=es,
        contributions=per_obligor * (es / per_obligor.sum() if per_obligor.sum() > 0 else 0.0),
        details={
            "one_factor_var": one_factor,
            "factor_direction": b.tolist(),
            "groups": len(g.pd),
            "variance_groups": len(coarse.pd),
        },
    )


def _loss_variance(g: _Groups) -> float:
    """Var(L) of the multi-factor Gaussian book, exactly: Σ_ij e_i e_j [Φ₂(G_i, G_j; r_i r_j α_i·α_j) − PD_i PD_j]
    plus the own terms Σ e_i²·(PD_i − Φ₂(G_i, G_i; r_i²))."""
    threshold = ndtri(g.pd)
    correlation = np.clip(np.outer(g.r, g.r) * (g.alpha @ g.alpha.T), -1.0, 1.0)
    joint = bivariate_normal_cdf(threshold[:, None], threshold[None, :], correlation)
    return float(
        g.exposure @ (joint - np.outer(g.pd, g.pd)) @ g.exposure + g.exposure_sq @ (g.pd - np.diag(joint))
    )
