"""WoE-logistic scorecard: optimal binning, variable selection, logistic regression, points scaling.

Steps (Siddiqi, *Credit Risk Scorecards*, 2006; Navas-Palencia, *Optimal binning*, 2020):

1. Bin each variable with optbinning's ``OptimalBinning`` (numeric: CART pre-binning then an exact
   solver with a monotonic trend, ``auto_asc_desc`` by default, so the event rate rises or falls
   steadily; categorical — detected by dtype — grouped by event rate). Missing values and the configured
   special codes get bins of their own whose WoE is their **observed** WoE (optbinning's own transform
   would give them 0); a bin empty in training gets WoE 0, i.e. average risk.
2. Select: information value ≥ ``min_iv``; then, by decreasing IV, drop a variable whose WoE correlates
   with an already kept one beyond ``max_correlation``; then drop the highest variance-inflation factor
   while any exceeds ``max_vif``.
3. Fit a logistic regression of the default flag on the WoE columns (L2, ``C``); drop variables whose
   coefficient has the wrong sign (a higher WoE must lower the PD) one by one and refit.
4. Scale: ``points(bin) = −factor·β·WoE(bin)``, ``base_points = offset − factor·β₀`` with
   ``factor = PDO/ln 2``, so ``log-odds(default) = (offset − score)/factor`` reproduces the regression.

The result is a :class:`~computecredit.rating.points.PointsModel` (``model_type="scorecard"``) whose
``training`` metadata holds every variable's IV, coefficient, selection outcome and bin table.

>>> rng = np.random.default_rng(0)
>>> x = pd.DataFrame({"leverage": rng.uniform(0, 1, 3000), "noise": rng.normal(size=3000)})
>>> y = (rng.random(3000) < 0.02 + 0.2 * x["leverage"] ** 2).astype(int)
>>> model = train_scorecard(x, y.to_numpy())
>>> model.variables[0], round(model.training["iv"]["leverage"], 2)
('leverage', 0.8)
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from computecredit.errors import InputError
from computecredit.rating.points import (
    CategoricalBinning,
    NumericBinning,
    PointsModel,
    PointsTerm,
    Scaling,
    category_key,
)


@dataclass(frozen=True)
class ScorecardConfig:
    """Settings of :func:`train_scorecard` (defaults follow common scorecard practice)."""

    min_iv: float = 0.02
    max_correlation: float = 0.8
    max_vif: float = 10.0
    max_variables: int | None = None
    monotonic_trend: str = "auto_asc_desc"
    monotonic_trends: Mapping[str, str] = field(default_factory=dict)
    max_n_prebins: int = 20
    min_prebin_size: float = 0.05
    special_codes: tuple[float, ...] = ()
    regularisation_c: float = 1.0
    unseen_rule: str = "worst"
    scaling: Scaling = field(default_factory=Scaling)


@dataclass
class BinnedVariable:
    """One variable's binning with the WoE, counts and IV of each bin (in points-model bin order)."""

    binning: NumericBinning | CategoricalBinning
    woe: np.ndarray
    counts: np.ndarray
    events: np.ndarray
    iv: float

    def table(self) -> list[dict[str, Any]]:
        rows = []
        total_events, total_non = self.events.sum(), (self.counts - self.events).sum()
        for label, n, e, w in zip(self.binning.labels(), self.counts, self.events, self.woe, strict=False):
            share_e = e / total_events if total_events else 0.0
            share_n = (n - e) / total_non if total_non else 0.0
            rows.append(
                {
                    "bin": label,
                    "count": int(n),
                    "events": int(e),
                    "event_rate": float(e / n) if n else None,
                    "woe": float(w),
                    "iv": float((share_n - share_e) * w),
                }
            )
        return rows


def is_categorical(column: pd.Series) -> bool:
    """Categorical by dtype: text, pandas ``category`` and booleans; numbers are numeric.

    >>> is_categorical(pd.Series(["a", "b"])), is_categorical(pd.Series([1.0, 2.0]))
    (True, False)
    """
    return not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)


def bin_variable(column: pd.Series, y: np.ndarray, config: ScorecardConfig = ScorecardConfig()) -> BinnedVariable:
    """Optimal binning of one column (numeric or categorical by dtype) against the 0/1 flag ``y``.

    >>> rng = np.random.default_rng(0)
    >>> col = pd.Series(np.tile([1.0, 2.0, 3.0, 4.0, np.nan], 400))
    >>> y = (rng.random(2000) < np.tile([0.05, 0.1, 0.4, 0.5, 0.8], 400)).astype(int)
    >>> b = bin_variable(col, y)
    >>> b.binning.edges, [round(row["event_rate"], 2) for row in b.table()]
    ((1.5, 2.5, 3.5), [0.07, 0.11, 0.42, 0.53, 0.78])
    """
    from optbinning import OptimalBinning

    name = str(column.name)
    if is_categorical(column):
        keys = column.map(category_key, na_action="ignore").astype(object)
        values = keys.to_numpy(dtype=object)
        optb = OptimalBinning(
            name=name,
            dtype="categorical",
            max_n_prebins=config.max_n_prebins,
            min_prebin_size=config.min_prebin_size,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            optb.fit(values, y)
        groups = tuple(tuple(category_key(c) for c in group) for group in optb.splits)
        seen = {c for g in groups for c in g}
        leftover = tuple(sorted(set(keys.dropna()) - seen))  # categories optbinning left out: own group
        binning: NumericBinning | CategoricalBinning = CategoricalBinning(
            name, groups + ((leftover,) if leftover else ()), unseen_rule=config.unseen_rule
        )
        idx = binning.index(values)
    else:
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        trend = config.monotonic_trends.get(name, config.monotonic_trend)
        specials = list(config.special_codes) or None
        optb = OptimalBinning(
            name=name,
            dtype="numerical",
            monotonic_trend=trend,
            special_codes=specials,
            max_n_prebins=config.max_n_prebins,
            min_prebin_size=config.min_prebin_size,
        )
        finite = values[~np.isnan(values)]
        if np.unique(finite).size < 2:
            edges: tuple[float, ...] = ()
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                optb.fit(values, y)
            edges = tuple(float(s) for s in optb.splits)
        binning = NumericBinning(name, edges, special_values=(tuple(config.special_codes),) if specials else ())
        idx = binning.index(values)
    counts = np.bincount(idx, minlength=binning.n_bins).astype(float)
    events = np.bincount(idx, weights=y, minlength=binning.n_bins)
    woe = weight_of_evidence(counts, events)
    non = counts - events
    share_e = events / events.sum() if events.sum() else np.zeros_like(events)
    share_n = non / non.sum() if non.sum() else np.zeros_like(non)
    iv = float(np.sum((share_n - share_e) * woe))
    return BinnedVariable(binning, woe, counts, events, iv)


def weight_of_evidence(counts: np.ndarray, events: np.ndarray) -> np.ndarray:
    """WoE = ln(share of non-defaults / share of defaults) per bin; 0 for an empty bin. A bin with no
    defaults or no non-defaults gets half an observation (the usual continuity correction) so WoE is
    finite.

    >>> weight_of_evidence(np.array([50.0, 50.0, 0.0]), np.array([10.0, 40.0, 0.0])).round(3).tolist()
    [1.386, -1.386, 0.0]
    """
    non = counts - events
    total_e, total_n = max(events.sum(), 1.0), max(non.sum(), 1.0)
    woe = np.zeros_like(counts)
    filled = counts > 0
    e = np.where(events[filled] > 0, events[filled], 0.5)
    n = np.where(non[filled] > 0, non[filled], 0.5)
    woe[filled] = np.log((n / total_n) / (e / total_e))
    return woe


def train_scorecard(
    x: pd.DataFrame, y: np.ndarray, config: ScorecardConfig = ScorecardConfig(), name: str = "scorecard"
) -> PointsModel:
    """Fit a WoE-logistic scorecard on features ``x`` and 0/1 flags ``y`` (see the module docstring)."""
    from threadpoolctl import threadpool_limits

    # Matrices here are small (rows × a few dozen WoE columns): multi-threaded BLAS only adds contention,
    # which on a busy 2-core machine made each Newton step a hundred times slower.
    with threadpool_limits(limits=1):
        return _train_scorecard(x, y, config, name)


def _train_scorecard(x: pd.DataFrame, y: np.ndarray, config: ScorecardConfig, name: str) -> PointsModel:
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(y, dtype=float)
    if y.sum() == 0 or y.sum() == y.size:
        raise InputError("target", int(y.sum()), "training needs both defaults and non-defaults")
    binned: dict[str, BinnedVariable] = {}
    dropped: dict[str, str] = {}
    for var in x.columns:
        column = x[var]
        if column.isna().all():
            dropped[str(var)] = "all values missing"
            continue
        binned[str(var)] = bin_variable(column.rename(str(var)), y, config)

    ivs = {v: b.iv for v, b in binned.items()}
    candidates = []
    for var in sorted(binned, key=lambda v: -ivs[v]):
        if not ivs[var] >= config.min_iv:
            dropped[var] = f"IV {ivs[var]:.4f} < {config.min_iv}"
        else:
            candidates.append(var)
    woe = pd.DataFrame({v: binned[v].woe[binned[v].binning.index(_values(x[v], binned[v]))] for v in candidates})

    kept: list[str] = []
    corr = woe.corr().abs() if candidates else pd.DataFrame()
    for var in candidates:
        clash = next((k for k in kept if corr.loc[var, k] > config.max_correlation), None)
        if clash is not None:
            dropped[var] = f"|corr| {corr.loc[var, clash]:.2f} with {clash} > {config.max_correlation}"
        else:
            kept.append(var)
    if config.max_variables is not None:
        for var in kept[config.max_variables :]:
            dropped[var] = f"beyond the {config.max_variables} variables with the highest IV"
        kept = kept[: config.max_variables]
    while len(kept) > 2:
        vifs = _vif(woe[kept].to_numpy())
        worst = int(np.argmax(vifs))
        if vifs[worst] <= config.max_vif:
            break
        dropped[kept[worst]] = f"VIF {vifs[worst]:.1f} > {config.max_vif}"
        kept.pop(worst)

    while True:
        if not kept:
            raise InputError("features", list(x.columns), f"no variable reaches IV {config.min_iv}")
        lr = LogisticRegression(C=config.regularisation_c, solver="newton-cholesky", max_iter=200, tol=1e-10)
        lr.fit(woe[kept].to_numpy(), y)
        coefs = lr.coef_[0]
        wrong = int(np.argmax(coefs))
        if coefs[wrong] < 0.0:
            break
        dropped[kept[wrong]] = f"coefficient {coefs[wrong]:.4f} has the wrong sign"
        kept.pop(wrong)

    scaling = config.scaling
    terms = []
    for var, beta in zip(kept, coefs, strict=True):
        b = binned[var]
        points = -scaling.factor * beta * b.woe
        if isinstance(b.binning, CategoricalBinning):
            points[b.binning.unseen_index] = _unseen_points(points, b.binning)
        terms.append(PointsTerm(b.binning, tuple(points.tolist()), label=var))
    model = PointsModel(
        base_points=scaling.offset - scaling.factor * float(lr.intercept_[0]),
        terms=tuple(terms),
        calibration=scaling.calibration(),
        scaling=scaling,
        model_type="scorecard",
        name=name,
        training={
            "algorithm": "optbinning WoE + logistic regression",
            "config": _config_dict(config),
            "intercept": float(lr.intercept_[0]),
            "coefficients": dict(zip(kept, coefs.tolist(), strict=True)),
            "iv": {v: ivs[v] for v in sorted(ivs, key=lambda v: -ivs[v])},
            "dropped": dropped,
            "bins": {v: binned[v].table() for v in kept},
        },
    )
    return model


def _values(column: pd.Series, binned: BinnedVariable) -> Any:
    if isinstance(binned.binning, CategoricalBinning):
        return column.to_numpy(dtype=object)
    return column.to_numpy(dtype=np.float64, na_value=np.nan)


def _unseen_points(points: np.ndarray, binning: CategoricalBinning) -> float:
    if binning.unseen_rule == "worst":
        return float(points[: binning.missing_index + 1].min())
    if binning.unseen_rule == "missing":
        return float(points[binning.missing_index])
    return 0.0


def _vif(matrix: np.ndarray) -> np.ndarray:
    """Variance-inflation factors: the diagonal of the inverse correlation matrix."""
    corr = np.corrcoef(matrix, rowvar=False)
    return np.diag(np.linalg.pinv(corr))


def _config_dict(config: ScorecardConfig) -> dict[str, Any]:
    return {
        "min_iv": config.min_iv,
        "max_correlation": config.max_correlation,
        "max_vif": config.max_vif,
        "max_variables": config.max_variables,
        "monotonic_trend": config.monotonic_trend,
        "monotonic_trends": dict(config.monotonic_trends),
        "max_n_prebins": config.max_n_prebins,
        "min_prebin_size": config.min_prebin_size,
        "special_codes": list(config.special_codes),
        "regularisation_c": config.regularisation_c,
        "unseen_rule": config.unseen_rule,
    }


__all__ = [
    "BinnedVariable",
    "ScorecardConfig",
    "bin_variable",
    "is_categorical",
    "train_scorecard",
    "weight_of_evidence",
]
