"""Side-by-side figures of several PD models on the same hold-out sample, for the model card and the
benchmark (issue 9: additive vs scorecard vs gradient boosting).

The model card passes the hold-out default flags and each model's PDs; it gets one row per model with
AUC, Gini, KS and Brier score, and which model is the most accurate explainable one.

>>> y = np.array([0, 0, 1, 1, 0, 1])
>>> rows = compare_models(y, {"additive": np.array([.1, .2, .8, .7, .3, .9]),
...                           "gbm": np.array([.1, .75, .8, .7, .3, .9])}, explainable={"additive"})
>>> [(r["model"], r["auc"], r["ks"], r["explainable"]) for r in rows]
[('additive', 1.0, 1.0, True), ('gbm', 0.888889, 0.666667, False)]
>>> best_explainable(rows)
'additive'
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score, roc_curve

from computecredit.errors import InputError
from computecredit.rating.points import PointsModel

EXPLAINABLE = frozenset({"additive", "scorecard", "expert"})


def discrimination(defaults: np.ndarray, pds: np.ndarray, digits: int = 6) -> dict[str, float]:
    """AUC, Gini (= 2·AUC − 1), KS (largest gap between the cumulative score distributions of defaults
    and non-defaults) and Brier score of PDs against 0/1 default flags.

    >>> discrimination(np.array([0, 1, 0, 1]), np.array([0.1, 0.9, 0.4, 0.3]))
    {'auc': 0.75, 'gini': 0.5, 'ks': 0.5, 'brier': 0.1675}
    """
    y = np.asarray(defaults).astype(int)
    p = np.asarray(pds, dtype=np.float64)
    if y.shape != p.shape:
        raise InputError("pds", p.shape, f"must match the defaults' shape {y.shape}")
    if y.min(initial=1) == y.max(initial=0):
        raise InputError("defaults", int(y.sum()), "need both defaults and non-defaults to measure")
    auc = float(roc_auc_score(y, p))
    fpr, tpr, _ = roc_curve(y, p)
    return {
        "auc": round(auc, digits),
        "gini": round(2.0 * auc - 1.0, digits),
        "ks": round(float(np.max(tpr - fpr)), digits),
        "brier": round(float(brier_score_loss(y, p)), digits),
    }


def compare_models(
    defaults: np.ndarray,
    predictions: Mapping[str, np.ndarray],
    explainable: Collection[str] = EXPLAINABLE,
) -> list[dict[str, Any]]:
    """One row per model (in the given order): ``model``, ``explainable`` and :func:`discrimination`."""
    return [
        {"model": name, "explainable": name in explainable, **discrimination(defaults, pds)}
        for name, pds in predictions.items()
    ]


def compare_fitted(
    models: Mapping[str, Any], sample: Any, defaults: np.ndarray, explainable: Collection[str] = EXPLAINABLE
) -> list[dict[str, Any]]:
    """:func:`compare_models` for fitted models (anything with ``predict(sample).pd``, e.g. a
    ``PointsModel``); a model whose ``model_type`` is explainable counts as explainable.

    >>> from computecredit.rating.points import Calibration, NumericBinning, PointsModel, PointsTerm
    >>> card = PointsModel(0.0, (PointsTerm(NumericBinning("x", (0.5,)), (10.0, 0.0, 0.0)),),
    ...                    Calibration(0.0, -0.1), model_type="scorecard")
    >>> rows = compare_fitted({"card": card}, {"x": [0.1, 0.9, 0.2, 0.8]}, np.array([0, 1, 0, 1]))
    >>> rows[0]["model"], rows[0]["auc"], rows[0]["explainable"]
    ('card', 1.0, True)
    """
    kinds = {name: getattr(model, "model_type", name) for name, model in models.items()}
    return [
        {**row, "explainable": row["explainable"] or kinds[row["model"]] in explainable}
        for row in compare_models(
            defaults, {name: model.predict(sample).pd for name, model in models.items()}, explainable
        )
    ]


def interaction_tables(model: PointsModel) -> list[dict[str, Any]]:
    """The 2-D tables of a points model as heat-map data: row and column labels and the points grid.

    >>> from computecredit.rating.points import Calibration, InteractionTerm, NumericBinning, PointsModel
    >>> t = InteractionTerm(NumericBinning("a", (0.0,)), NumericBinning("b", ()), ((1.0, 0.0), (2.0, 0.0), (0.0, 0.0)))
    >>> table = interaction_tables(PointsModel(0.0, (), Calibration(0.0, -0.1), interactions=(t,)))[0]
    >>> table["term"], table["rows"], table["columns"], table["points"][1]
    ('a × b', ['(-inf, 0.0)', '[0.0, inf)', 'missing'], ['(-inf, inf)', 'missing'], [2.0, 0.0])
    """
    return [
        {
            "term": term.name,
            "first": term.first.variable,
            "second": term.second.variable,
            "rows": term.first.labels(),
            "columns": term.second.labels(),
            "points": [list(row) for row in term.points],
        }
        for term in model.interactions
    ]


def best_explainable(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """The explainable model with the highest AUC (the platform's default choice), or None."""
    candidates = [r for r in rows if r["explainable"]]
    return max(candidates, key=lambda r: r["auc"])["model"] if candidates else None


__all__ = [
    "EXPLAINABLE",
    "best_explainable",
    "compare_fitted",
    "compare_models",
    "discrimination",
    "interaction_tables",
]
