"""Train any PD model kind on a table with a default flag: fit on all rows, measure out of fold.

Model kinds are registered in :data:`TRAINERS` (name → function ``(x, y, options) -> model``); the CLI's
``--model`` choices are its keys, so adding a kind (e.g. ``additive``) is one entry here. Every trained
model has ``score``/``predict``/``to_json`` and a ``calibration`` on the points scale, so the steps after
fitting are shared:

1. the saved model is fitted on **all rows** given — unless a holdout is asked for (``test_size`` > 0,
   stratified, or by group with ``group``), which is then kept out of the fit;
2. calibrate: keep the slope, move the intercept so the mean training PD equals the central tendency
   (the training default rate unless one is given);
3. estimate performance by **k-fold cross-validation** (``folds``, default 5; stratified, or
   ``StratifiedGroupKFold`` when ``group`` names a column such as a firm id, so that every row of one firm
   falls in the same fold): the model kind is refitted and calibrated on k−1 folds and predicts the
   k-th; the out-of-fold PDs of all rows give ``metrics["out_of_fold"]`` (AUC, Gini, KS, Brier, plus the
   AUC of each fold), shown on the model card;
4. record discrimination on the fitted rows (and the holdout), and training metadata (rows, default rate,
   data fingerprint, library versions).

>>> rng = np.random.default_rng(0)
>>> frame = pd.DataFrame({"leverage": rng.uniform(0, 1, 2000)})
>>> frame["bad"] = (rng.random(2000) < 0.02 + 0.2 * frame["leverage"] ** 2).astype(int)
>>> model = train(frame, TrainOptions(target="bad", folds=3))
>>> sorted(model.metrics), model.training["train_rows"], model.metrics["out_of_fold"]["auc"] > 0.6
(['out_of_fold', 'train'], 2000, True)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any, Protocol

import numpy as np
import pandas as pd

from computecredit.errors import InputError
from computecredit.rating import validation
from computecredit.rating.master_scale import MasterScale
from computecredit.rating.points import Calibration, Frame, Scaling, ScoreResult


class ScoringModel(Protocol):
    """What every trained model offers (``PointsModel``, ``BoostedModel`` and later kinds)."""

    @property
    def calibration(self) -> Calibration: ...

    @property
    def master_scale(self) -> MasterScale: ...

    @property
    def model_type(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def target(self) -> str | None: ...

    @property
    def training(self) -> Mapping[str, Any]: ...

    @property
    def metrics(self) -> Mapping[str, Any]: ...

    @property
    def variables(self) -> list[str]: ...

    def score(self, frame: Frame, source: str | None = None) -> np.ndarray: ...

    def predict(self, frame: Frame, reasons: int = 0, source: str | None = None) -> ScoreResult: ...

    def to_dict(self) -> dict[str, Any]: ...

    def to_json(self) -> str: ...


@dataclass(frozen=True)
class TrainOptions:
    """What every model kind shares: target column, excluded columns, split, calibration, scaling."""

    target: str
    exclude: tuple[str, ...] = ()
    test_size: float = 0.0
    folds: int = 5
    group: str | None = None
    seed: int = 42
    central_tendency: float | None = None
    scaling: Scaling = field(default_factory=Scaling)
    special_codes: tuple[float, ...] = ()
    name: str | None = None
    source: str | None = None


def _train_scorecard(x: pd.DataFrame, y: np.ndarray, options: TrainOptions) -> ScoringModel:
    from computecredit.rating.scorecard import ScorecardConfig, train_scorecard

    config = ScorecardConfig(scaling=options.scaling, special_codes=options.special_codes)
    return train_scorecard(x, y, config, name=options.name or "scorecard")


def _train_gbm(x: pd.DataFrame, y: np.ndarray, options: TrainOptions) -> ScoringModel:
    from computecredit.rating.gbm import GbmConfig, train_gbm

    return train_gbm(x, y, GbmConfig(scaling=options.scaling, seed=options.seed), name=options.name or "gbm")


def _train_additive(x: pd.DataFrame, y: np.ndarray, options: TrainOptions) -> ScoringModel:
    from computecredit.rating.additive import AdditiveConfig, fit_additive

    numeric = [
        c for c in x.columns if pd.api.types.is_numeric_dtype(x[c]) and not pd.api.types.is_bool_dtype(x[c])
    ]
    special = {c: options.special_codes for c in numeric} if options.special_codes else {}
    config = AdditiveConfig(scaling=options.scaling, special_values=special, random_state=options.seed)
    return fit_additive(x, y, config, name=options.name or "additive", source=options.source)


TRAINERS: dict[str, Callable[[pd.DataFrame, np.ndarray, TrainOptions], ScoringModel]] = {
    "additive": _train_additive,
    "scorecard": _train_scorecard,
    "gbm": _train_gbm,
}


def target_flags(frame: pd.DataFrame, target: str, source: str | None = None) -> np.ndarray:
    """The 0/1 default flags of column ``target`` (bad input if missing or not 0/1)."""
    if target not in frame.columns:
        raise InputError(
            "target", target, f"no such column; columns: {', '.join(map(str, frame.columns))}", source=source
        )
    column = frame[target]
    flags = pd.to_numeric(column, errors="coerce")
    bad = ~flags.isin([0, 1])
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(target, column.iloc[row], "default flag must be 0 or 1", source=source, row=row + 1)
    return flags.to_numpy(dtype=float)


def split(
    y: np.ndarray, test_size: float, seed: int, groups: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Train/test row indices: stratified, or whole groups when ``groups`` is given (``test_size`` 0: all
    rows train, none test)."""
    rows = np.arange(y.size)
    if test_size == 0:
        return rows, rows[:0]
    if not 0 < test_size < 1:
        raise InputError("test_size", test_size, "must lie in [0, 1)")
    if groups is not None:
        from sklearn.model_selection import GroupShuffleSplit

        train_rows, test_rows = next(
            GroupShuffleSplit(1, test_size=test_size, random_state=seed).split(rows, y, groups)
        )
        return np.sort(train_rows), np.sort(test_rows)
    from sklearn.model_selection import train_test_split

    train_rows, test_rows = train_test_split(rows, test_size=test_size, random_state=seed, stratify=y)
    return np.sort(train_rows), np.sort(test_rows)


def folds_of(y: np.ndarray, folds: int, seed: int, groups: np.ndarray | None = None) -> list[np.ndarray]:
    """The held-out rows of each of ``folds`` folds: stratified, and by whole groups when ``groups`` is given.

    >>> y, firms = np.array([0, 1] * 6), np.repeat(np.arange(6), 2)
    >>> held = folds_of(y, 3, 0, groups=firms)
    >>> sorted(np.concatenate(held).tolist()) == list(range(12))
    True
    >>> all(set(firms[a]).isdisjoint(firms[b]) for a in held for b in held if a is not b)
    True
    """
    if folds < 2:
        raise InputError("folds", folds, "cross-validation needs at least 2 folds")
    rows = np.arange(y.size)
    if groups is not None:
        from sklearn.model_selection import StratifiedGroupKFold

        distinct = np.unique(groups).size
        if distinct < folds:
            raise InputError("group", distinct, f"needs at least {folds} groups for {folds} folds")
        splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
        return [np.sort(held) for _, held in splitter.split(rows, y, groups)]
    from sklearn.model_selection import StratifiedKFold

    if y.sum() < folds:
        raise InputError("folds", folds, f"more folds than defaults ({int(y.sum())}); use fewer folds")
    splitter_rows = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return [np.sort(held) for _, held in splitter_rows.split(rows, y)]


def _fit_calibrated(x: pd.DataFrame, y: np.ndarray, options: TrainOptions, model: str) -> ScoringModel:
    fitted = TRAINERS[model](x, y, options)
    central = options.central_tendency if options.central_tendency is not None else float(y.mean())
    return replace(fitted, calibration=fitted.calibration.shifted_to(central, fitted.score(x)))  # type: ignore[type-var]


def out_of_fold_pds(
    x: pd.DataFrame, y: np.ndarray, options: TrainOptions, model: str, groups: np.ndarray | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each row's PD from the ``model`` kind fitted (and calibrated) without that row's fold; the folds."""
    held_out = folds_of(y, options.folds, options.seed, groups)
    pds = np.full(y.size, np.nan)
    for held in held_out:
        fit_rows = np.setdiff1d(np.arange(y.size), held)
        if y[fit_rows].sum() < 2:
            raise InputError("folds", options.folds, "a fold leaves fewer than two defaults to fit on")
        fitted = _fit_calibrated(x.iloc[fit_rows], y[fit_rows], options, model)
        pds[held] = fitted.predict(x.iloc[held]).pd
    return pds, held_out


def _features(frame: pd.DataFrame, options: TrainOptions) -> tuple[pd.DataFrame, np.ndarray | None]:
    unknown = [
        c for c in (*options.exclude, *([options.group] if options.group else [])) if c not in frame.columns
    ]
    if unknown:
        field = "group" if unknown[0] == options.group else "exclude"
        raise InputError(field, unknown[0], "no such column", source=options.source)
    drop = [
        options.target,
        *options.exclude,
        *([options.group] if options.group and options.group not in options.exclude else []),
    ]
    x = frame.drop(columns=drop)
    x.columns = [str(c) for c in x.columns]
    groups = frame[options.group].astype(str).to_numpy() if options.group else None
    return x, groups


def train(frame: pd.DataFrame, options: TrainOptions, model: str = "scorecard") -> ScoringModel:
    """Fit the ``model`` kind on all rows (or all but an opt-in holdout), calibrate, and measure out of
    fold (see the module docstring)."""
    if model not in TRAINERS:
        raise InputError("model", model, f"must be one of {', '.join(TRAINERS)}")
    y = target_flags(frame, options.target, options.source)
    x, groups = _features(frame, options)
    train_rows, test_rows = split(y, options.test_size, options.seed, groups)
    if y[train_rows].sum() < 2:
        raise InputError(
            "target", int(y.sum()), "needs at least two defaults in the training rows", source=options.source
        )
    started = datetime.now(UTC)
    fitted = _fit_calibrated(x.iloc[train_rows], y[train_rows], options, model)
    fit_seconds = (datetime.now(UTC) - started).total_seconds()

    train_scores = fitted.score(x.iloc[train_rows])
    metrics: dict[str, Any] = {
        "train": validation.discrimination(y[train_rows], fitted.calibration.pd(train_scores))
    }
    if options.folds:
        fit_groups = groups[train_rows] if groups is not None else None
        oof, held_out = out_of_fold_pds(x.iloc[train_rows], y[train_rows], options, model, fit_groups)
        metrics["out_of_fold"] = {
            **validation.discrimination(y[train_rows], oof),
            "folds": options.folds,
            "group": options.group,
            "fold_auc": [_fold_auc(y[train_rows][held], oof[held]) for held in held_out],
        }
    if test_rows.size:
        test_scores = fitted.score(x.iloc[test_rows])
        metrics["test"] = validation.discrimination(y[test_rows], fitted.calibration.pd(test_scores))
        metrics["psi_score_train_test"] = validation.psi(train_scores, test_scores)
    training = {
        **dict(fitted.training),
        "trained_at": started.isoformat(timespec="seconds"),
        "fit_seconds": round(fit_seconds, 3),
        "source": options.source,
        "data_sha256": _fingerprint(frame),
        "rows": int(y.size),
        "train_rows": int(train_rows.size),
        "test_rows": int(test_rows.size),
        "test_size": options.test_size,
        "folds": options.folds,
        "group": options.group,
        "seed": options.seed,
        "default_rate": float(y.mean()),
        "train_default_rate": float(y[train_rows].mean()),
        "central_tendency": options.central_tendency
        if options.central_tendency is not None
        else float(y[train_rows].mean()),
        "features_offered": list(map(str, x.columns)),
        "excluded": list(options.exclude),
        "libraries": _library_versions(),
    }
    return replace(fitted, target=options.target, training=training, metrics=metrics)  # type: ignore[type-var]


def _fold_auc(y: np.ndarray, pds: np.ndarray) -> float | None:
    return (
        None if y.min(initial=1) == y.max(initial=0) else round(float(validation.discrimination(y, pds)["auc"]), 6)
    )


def train_compared(frame: pd.DataFrame, options: TrainOptions, model: str = "additive") -> ScoringModel:
    """:func:`train` the ``model`` kind, and measure every kind on the same rows: the holdout when there is
    one, else the out-of-fold PDs of the same folds; record the table in ``training["comparison"]``.

    >>> rng = np.random.default_rng(1)
    >>> frame = pd.DataFrame({"leverage": rng.uniform(0, 1, 600)})
    >>> frame["bad"] = (rng.random(600) < 0.05 + 0.3 * frame["leverage"]).astype(int)
    >>> model = train_compared(frame, TrainOptions(target="bad", folds=3), "scorecard")
    >>> [r["model"] for r in model.training["comparison"]["models"]], model.training["comparison"]["sample"]
    (['scorecard', 'additive', 'gbm'], 'out-of-fold')
    """
    from computecredit.rating.additive_compare import best_explainable, compare_fitted, compare_models

    if model not in TRAINERS:
        raise InputError("model", model, f"must be one of {', '.join(TRAINERS)}")
    kinds = [model, *(k for k in TRAINERS if k != model)]
    chosen = train(frame, options, model)
    y = target_flags(frame, options.target, options.source)
    x, groups = _features(frame, options)
    if options.test_size > 0:
        fitted = {
            kind: chosen if kind == model else train(frame, replace(options, folds=0), kind) for kind in kinds
        }
        _, test_rows = split(y, options.test_size, options.seed, groups)  # the same seed: train()'s split
        rows = compare_fitted(fitted, frame.iloc[test_rows], y[test_rows])
        sample, n = "test", int(test_rows.size)
    else:
        if not options.folds:
            raise InputError("folds", 0, "comparing models needs cross-validation folds or a holdout")
        pds = {kind: out_of_fold_pds(x, y, options, kind, groups)[0] for kind in kinds}
        rows = compare_models(y, pds)
        sample, n = "out-of-fold", int(y.size)
    comparison = {"sample": sample, "rows": n, "models": rows, "best_explainable": best_explainable(rows)}
    return replace(chosen, training={**chosen.training, "comparison": comparison})  # type: ignore[type-var]


def _fingerprint(frame: pd.DataFrame) -> str:
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes() + ",".join(map(str, frame.columns)).encode()).hexdigest()


def _library_versions() -> dict[str, str]:
    out = {}
    for name in ("computecredit", "numpy", "pandas", "scikit-learn", "optbinning", "lightgbm"):
        try:
            out[name] = package_version(name)
        except PackageNotFoundError:  # a library that is not installed is simply not listed
            continue
    return out


def load_model(path_or_data: Any, source: str | None = None) -> ScoringModel:
    """Load any model file (or parsed JSON dict) by its ``format`` key.

    >>> from computecredit.rating.points import PointsModel, PointsTerm, NumericBinning
    >>> m = PointsModel(1.0, (PointsTerm(NumericBinning("x", ()), (0.0, 0.0)),), Calibration(0.0, -0.1))
    >>> load_model(m.to_dict()) == m
    True
    """
    import json
    from pathlib import Path

    from computecredit.rating.gbm import FORMAT as GBM_FORMAT
    from computecredit.rating.gbm import BoostedModel
    from computecredit.rating.points import FORMAT as POINTS_FORMAT
    from computecredit.rating.points import PointsModel

    if isinstance(path_or_data, Mapping):
        data = path_or_data
    else:
        source = source or str(path_or_data)
        try:
            data = json.loads(Path(path_or_data).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(
                "model", str(path_or_data), f"not valid JSON ({exc.msg} at line {exc.lineno})", source=source
            ) from None
    readers: dict[str, Callable[..., ScoringModel]] = {
        POINTS_FORMAT: PointsModel.from_dict,
        GBM_FORMAT: BoostedModel.from_dict,
    }
    fmt = data.get("format") if isinstance(data, Mapping) else None
    if fmt not in readers:
        raise InputError("format", fmt, f"must be one of {', '.join(readers)}", source=source)
    return readers[fmt](data, source=source)


__all__ = [
    "TRAINERS",
    "ScoringModel",
    "TrainOptions",
    "folds_of",
    "load_model",
    "out_of_fold_pds",
    "split",
    "target_flags",
    "train",
    "train_compared",
]
