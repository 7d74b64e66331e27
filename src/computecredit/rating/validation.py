"""Validation metrics for PD models: discrimination, calibration, stability.

- AUC (area under the ROC curve of PD against the default flag), Gini = 2·AUC − 1, KS (largest gap
  between the cumulative PD distributions of defaulters and non-defaulters), Brier score (mean squared
  error of PD).
- Calibration by grade: observed default rate vs mean PD per master-scale grade, with an exact one-sided
  binomial test of "PD too low" (BCBS Working Paper 14, 2005, §4: the binomial test per grade).
- PSI (population stability index) between a baseline and a current sample:
  Σ (a_i − e_i)·ln(a_i / e_i) over bins; < 0.1 stable, 0.1–0.25 watch, > 0.25 shifted (Siddiqi 2006).

>>> y = np.array([0, 0, 1, 1]); pd_ = np.array([0.1, 0.4, 0.35, 0.8])
>>> round(auc(y, pd_), 4), round(gini(y, pd_), 4), round(ks(y, pd_), 4), round(brier(y, pd_), 4)
(0.75, 0.5, 0.5, 0.1581)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest, rankdata
from sklearn.metrics import roc_auc_score, roc_curve

from computecredit.errors import InputError
from computecredit.rating.master_scale import MasterScale, load_master_scale

PSI_BINS = 10
PSI_FLOOR = 1e-4  # share given to an empty bin so ln() stays finite


def _check(defaults: Any, pds: Any) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(defaults).astype(float)
    p = np.asarray(pds, dtype=np.float64)
    if y.shape != p.shape:
        raise InputError("pd", p.shape, f"needs one PD per default flag ({y.shape})")
    if not np.isin(y, (0.0, 1.0)).all():
        raise InputError("target", sorted(set(y.tolist()) - {0.0, 1.0})[:3], "default flags must be 0 or 1")
    return y, p


def auc(defaults: Any, pds: Any) -> float:
    """Area under the ROC curve (NaN when only one class is present)."""
    y, p = _check(defaults, pds)
    if y.min() == y.max():
        return float("nan")
    return float(roc_auc_score(y, p))


def gini(defaults: Any, pds: Any) -> float:
    """Accuracy ratio / Gini coefficient: 2·AUC − 1."""
    return 2.0 * auc(defaults, pds) - 1.0


def ks(defaults: Any, pds: Any) -> float:
    """Kolmogorov–Smirnov statistic: max |TPR − FPR| over thresholds."""
    y, p = _check(defaults, pds)
    if y.min() == y.max():
        return float("nan")
    fpr, tpr, _ = roc_curve(y, p)
    return float(np.max(tpr - fpr))


def brier(defaults: Any, pds: Any) -> float:
    """Brier score: mean of (PD − default flag)²."""
    y, p = _check(defaults, pds)
    return float(np.mean((p - y) ** 2))


def discrimination(defaults: Any, pds: Any) -> dict[str, float]:
    """AUC, Gini, KS, Brier, count and default rate in one dict."""
    y, p = _check(defaults, pds)
    return {
        "auc": auc(y, p),
        "gini": gini(y, p),
        "ks": ks(y, p),
        "brier": brier(y, p),
        "n": int(y.size),
        "defaults": int(y.sum()),
        "default_rate": float(y.mean()) if y.size else float("nan"),
        "mean_pd": float(p.mean()) if p.size else float("nan"),
    }


def calibration_by_grade(
    defaults: Any, pds: Any, scale: MasterScale | None = None, confidence: float = 0.99
) -> list[dict[str, Any]]:
    """Per grade: count, defaults, observed rate, mean PD and the one-sided binomial p-value of observing
    at least that many defaults if the mean PD were right; ``rejected`` when p < 1 − confidence.

    >>> rows = calibration_by_grade([0, 1, 1, 1], [0.01, 0.011, 0.012, 0.013])
    >>> rows[0]["grade"], rows[0]["defaults"], rows[0]["rejected"]
    ('BB+', 3, True)
    """
    y, p = _check(defaults, pds)
    scale = scale or load_master_scale()
    ranks = scale.indices_for_pds(p)
    out = []
    for rank in np.unique(ranks):
        mask = ranks == rank
        n, d, mean_pd = int(mask.sum()), int(y[mask].sum()), float(p[mask].mean())
        p_value = float(binomtest(d, n, min(max(mean_pd, 1e-12), 1.0), alternative="greater").pvalue)
        out.append(
            {
                "grade": scale.grades[int(rank)].code,
                "n": n,
                "defaults": d,
                "observed_rate": d / n,
                "mean_pd": mean_pd,
                "p_value": p_value,
                "rejected": p_value < 1.0 - confidence,
            }
        )
    return out


def reliability(defaults: Any, pds: Any, bins: int = 10) -> list[dict[str, float]]:
    """Reliability curve: mean PD vs observed default rate in equal-count PD bins."""
    y, p = _check(defaults, pds)
    order = np.argsort(p, kind="stable")
    out = []
    for chunk in np.array_split(order, min(bins, max(len(order), 1))):
        if chunk.size:
            out.append(
                {"mean_pd": float(p[chunk].mean()), "observed_rate": float(y[chunk].mean()), "n": int(chunk.size)}
            )
    return out


def psi(baseline: Any, current: Any, bins: int = PSI_BINS) -> float:
    """Population stability index of a numeric variable (score, PD, ratio) between two samples.

    Bins are the baseline's deciles (equal counts); missing values form their own bin.

    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=5000)
    >>> psi(a, rng.normal(size=5000)) < 0.02, psi(a, rng.normal(1.0, 1.0, 5000)) > 0.25
    (True, True)
    """
    base = np.asarray(pd.to_numeric(pd.Series(baseline), errors="coerce"), dtype=np.float64)
    cur = np.asarray(pd.to_numeric(pd.Series(current), errors="coerce"), dtype=np.float64)
    finite = base[~np.isnan(base)]
    edges = np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1)[1:-1])) if finite.size else np.array([])
    return _psi_from_counts(_bin_counts(base, edges), _bin_counts(cur, edges))


def psi_categorical(baseline: Sequence[Any], current: Sequence[Any]) -> float:
    """PSI of a categorical variable: one bin per category seen in either sample (missing included).

    >>> psi_categorical(["a", "b"] * 50, ["a"] * 60 + ["b"] * 40) < 0.1
    True
    """
    base = pd.Series(baseline, dtype=object).fillna("(missing)").astype(str)
    cur = pd.Series(current, dtype=object).fillna("(missing)").astype(str)
    cats = sorted(set(base) | set(cur))
    return _psi_from_counts(
        base.value_counts().reindex(cats, fill_value=0).to_numpy(),
        cur.value_counts().reindex(cats, fill_value=0).to_numpy(),
    )


def _bin_counts(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    missing = np.isnan(values)
    idx = np.searchsorted(edges, values[~missing], side="right")
    return np.append(np.bincount(idx, minlength=edges.size + 1), missing.sum())


def _psi_from_counts(expected: np.ndarray, actual: np.ndarray) -> float:
    if expected.sum() == 0 or actual.sum() == 0:
        return float("nan")
    e = np.maximum(expected / expected.sum(), PSI_FLOOR)
    a = np.maximum(actual / actual.sum(), PSI_FLOOR)
    keep = (expected > 0) | (actual > 0)
    return float(np.sum((a[keep] - e[keep]) * np.log(a[keep] / e[keep])))


def paired_auc_difference(y: np.ndarray, first: np.ndarray, second: np.ndarray) -> tuple[float, float]:
    """AUC of ``first`` minus AUC of ``second`` on the same rows, and its standard error by DeLong's
    method (DeLong, DeLong & Clarke-Pearson, Biometrics 1988), computed from mid-ranks as in Sun & Xu
    (IEEE SPL 2014). Written here because neither scikit-learn nor SciPy offers a paired AUC test.

    >>> y = np.array([0, 0, 0, 1, 1, 1])
    >>> diff, se = paired_auc_difference(y, np.array([.1, .2, .3, .7, .8, .9]), np.array([.1, .5, .3, .4, .8, .2]))
    >>> round(diff, 4), round(se, 4)
    (0.3333, 0.2722)
    """
    positive, negative = y == 1, y == 0
    m, n = int(positive.sum()), int(negative.sum())
    v10, v01 = [], []
    for scores in (first, second):
        ranks = rankdata(scores)
        v10.append((ranks[positive] - rankdata(scores[positive])) / n)  # share of negatives each positive beats
        v01.append(1.0 - (ranks[negative] - rankdata(scores[negative])) / m)
    aucs = [float(v.mean()) for v in v10]
    s10, s01 = np.cov(np.vstack(v10)), np.cov(np.vstack(v01))
    variance = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / m + (s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]) / n
    return aucs[0] - aucs[1], float(np.sqrt(max(variance, 0.0)))


__all__ = [
    "auc",
    "brier",
    "calibration_by_grade",
    "discrimination",
    "gini",
    "ks",
    "paired_auc_difference",
    "psi",
    "psi_categorical",
    "reliability",
]
