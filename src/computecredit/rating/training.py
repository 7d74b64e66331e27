"""Train any PD model kind on a table with a default flag: split, fit, calibrate, measure.

Model kinds are registered in :data:`TRAINERS` (name → function ``(x, y, options) -> model``); the CLI's
``--model`` choices are its keys, so adding a kind (e.g. ``additive``) is one entry here. Every trained
model has ``score``/``predict``/``to_json`` and a ``calibration`` on the points scale, so the steps after
fitting are shared:

1. stratified split (``test_size``; 0 fits on all rows) with a fixed seed;
2. fit on the training part;
3. calibrate: keep the slope, move the intercept so the mean training PD equals the central tendency
   (the training default rate unless one is given);
4. record discrimination metrics on both parts, the PSI of the score between them, and training
   metadata (rows, default rate, data fingerprint, library versions).

>>> rng = np.random.default_rng(0)
>>> frame = pd.DataFrame({"leverage": rng.uniform(0, 1, 2000)})
>>> frame["bad"] = (rng.random(2000) < 0.02 + 0.2 * frame["leverage"] ** 2).astype(int)
>>> model = train(frame, TrainOptions(target="bad"))
>>> sorted(model.metrics), model.metrics["test"]["auc"] > 0.6
(['psi_score_train_test', 'test', 'train'], True)
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
    test_size: float = 0.3
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


def split(y: np.ndarray, test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified train/test row indices (``test_size`` 0: all rows train, none test)."""
    rows = np.arange(y.size)
    if test_size == 0:
        return rows, rows[:0]
    if not 0 < test_size < 1:
        raise InputError("test_size", test_size, "must lie in [0, 1)")
    from sklearn.model_selection import train_test_split

    train_rows, test_rows = train_test_split(rows, test_size=test_size, random_state=seed, stratify=y)
    return np.sort(train_rows), np.sort(test_rows)


def train(frame: pd.DataFrame, options: TrainOptions, model: str = "scorecard") -> ScoringModel:
    """Split, fit the ``model`` kind, calibrate and measure (see the module docstring)."""
    if model not in TRAINERS:
        raise InputError("model", model, f"must be one of {', '.join(TRAINERS)}")
    y = target_flags(frame, options.target, options.source)
    unknown = [c for c in options.exclude if c not in frame.columns]
    if unknown:
        raise InputError("exclude", unknown[0], "no such column", source=options.source)
    x = frame.drop(columns=[options.target, *options.exclude])
    x.columns = [str(c) for c in x.columns]
    train_rows, test_rows = split(y, options.test_size, options.seed)
    if y[train_rows].sum() < 2:
        raise InputError(
            "target", int(y.sum()), "needs at least two defaults in the training rows", source=options.source
        )
    started = datetime.now(UTC)
    fitted = TRAINERS[model](x.iloc[train_rows], y[train_rows], options)
    fit_seconds = (datetime.now(UTC) - started).total_seconds()

    train_scores = fitted.score(x.iloc[train_rows])
    central = options.central_tendency if options.central_tendency is not None else float(y[train_rows].mean())
    fitted = replace(fitted, calibration=fitted.calibration.shifted_to(central, train_scores))  # type: ignore[type-var]

    metrics: dict[str, Any] = {
        "train": validation.discrimination(y[train_rows], fitted.calibration.pd(train_scores))
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
        "seed": options.seed,
        "default_rate": float(y.mean()),
        "train_default_rate": float(y[train_rows].mean()),
        "central_tendency": central,
        "features_offered": list(map(str, x.columns)),
        "excluded": list(options.exclude),
        "libraries": _library_versions(),
    }
    return replace(fitted, target=options.target, training=training, metrics=metrics)  # type: ignore[type-var]


def train_compared(frame: pd.DataFrame, options: TrainOptions, model: str = "additive") -> ScoringModel:
    """:func:`train` the ``model`` kind and every other kind on the same split; measure all of them on the
    same held-out rows (:func:`~computecredit.rating.additive_compare.compare_fitted`) and record the
    table in the chosen model's ``training["comparison"]``.

    >>> rng = np.random.default_rng(1)
    >>> frame = pd.DataFrame({"leverage": rng.uniform(0, 1, 600)})
    >>> frame["bad"] = (rng.random(600) < 0.05 + 0.3 * frame["leverage"]).astype(int)
    >>> model = train_compared(frame, TrainOptions(target="bad"), "scorecard")
    >>> [r["model"] for r in model.training["comparison"]["models"]]
    ['scorecard', 'additive', 'gbm']
    """
    from computecredit.rating.additive_compare import best_explainable, compare_fitted

    if model not in TRAINERS:
        raise InputError("model", model, f"must be one of {', '.join(TRAINERS)}")
    if options.test_size == 0:
        raise InputError("test_size", 0, "comparing models needs held-out rows (a test size above 0)")
    kinds = [model, *(k for k in TRAINERS if k != model)]
    fitted = {kind: train(frame, options, kind) for kind in kinds}
    y = target_flags(frame, options.target, options.source)
    _, test_rows = split(y, options.test_size, options.seed)  # the same seed gives the split train() used
    rows = compare_fitted(fitted, frame.iloc[test_rows], y[test_rows])
    comparison = {
        "sample": "test",
        "rows": int(test_rows.size),
        "models": rows,
        "best_explainable": best_explainable(rows),
    }
    chosen = fitted[model]
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
    "load_model",
    "split",
    "target_flags",
    "train",
    "train_compared",
]
