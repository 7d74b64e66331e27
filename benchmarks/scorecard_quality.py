"""Scorecard quality on real default data: ours vs optbinning's Scorecard vs toad's ScoreCard.

Data: UCI Polish companies bankruptcy, year 1 (7027 firms, 64 ratios, 271 bankrupt; CC BY 4.0, Tomczak
2016), in ``benchmarks/data/``. For each of ``--splits`` stratified 70/30 splits (seeds 0, 1, ...), every
model is fitted on the 70% and measured on the 30%: AUC, KS, fit time, and scoring throughput (rows per
second scoring the test rows tiled to ``--throughput-rows``). Printed: per-model means (± std of AUC).

- ``ours``: ``computecredit.rating.scorecard`` (optbinning bins with observed WoE for missing values,
  IV/correlation/VIF selection, logistic regression), calibrated like ``rating train``.
- ``ours-gbm``: the LightGBM challenger (monotone constraints) for reference.
- ``optbinning``: ``optbinning.Scorecard`` with a ``BinningProcess`` (IV ≥ 0.02) and scikit-learn's
  ``LogisticRegression`` — the library's documented recipe.
- ``toad``: ``toad`` chi-merge ``Combiner`` + ``WOETransformer`` + ``toad.selection.select`` (IV ≥ 0.02,
  corr ≤ 0.7) + ``ScoreCard``. toad's binning fails on missing values, so they are filled with −999
  first (a separate bin) — noted in the output.

Run: ``.venv/bin/python benchmarks/scorecard_quality.py`` (``--splits 1 --sample 2000 --fast`` for a
quick check).
"""

from __future__ import annotations

import argparse
import importlib
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedShuffleSplit

from computecredit.rating.training import TrainOptions, train
from computecredit.rating.validation import auc, ks

DATA = Path(__file__).parent / "data" / "polish_bankruptcy_1year.csv"
TARGET = "class"
FILL = -999.0


def fit_ours(kind: str) -> Callable[[pd.DataFrame, np.ndarray], Callable[[pd.DataFrame], np.ndarray]]:
    def fit(x: pd.DataFrame, y: np.ndarray) -> Callable[[pd.DataFrame], np.ndarray]:
        frame = x.assign(**{TARGET: y})
        model = train(frame, TrainOptions(target=TARGET, folds=0), model=kind)
        return lambda data: model.predict(data).pd

    return fit


def fit_optbinning(x: pd.DataFrame, y: np.ndarray) -> Callable[[pd.DataFrame], np.ndarray]:
    from optbinning import BinningProcess, Scorecard
    from sklearn.linear_model import LogisticRegression

    process = BinningProcess(list(x.columns), selection_criteria={"iv": {"min": 0.02}})
    card = Scorecard(
        binning_process=process,
        estimator=LogisticRegression(max_iter=1000),
        scaling_method="min_max",
        scaling_method_params={"min": 300, "max": 850},
    )
    card.fit(x, y)
    return lambda data: card.predict_proba(data)[:, 1]


def fit_toad(x: pd.DataFrame, y: np.ndarray) -> Callable[[pd.DataFrame], np.ndarray]:
    import toad

    filled = x.fillna(FILL)
    frame = filled.assign(target=y)
    selected = toad.selection.select(frame, target="target", iv=0.02, corr=0.7)
    combiner = toad.transform.Combiner()
    combiner.fit(selected, y=selected["target"], method="chi", min_samples=0.05, exclude=["target"])
    woe = toad.transform.WOETransformer()
    woe_frame = woe.fit_transform(combiner.transform(selected), selected["target"], exclude=["target"])
    features = [c for c in woe_frame.columns if c != "target"]
    card = toad.ScoreCard(combiner=combiner, transer=woe)
    card.fit(woe_frame[features], selected["target"])
    return lambda data: -np.asarray(card.predict(data.fillna(FILL)[features]))  # higher score = safer


MODELS: dict[str, Callable[[pd.DataFrame, np.ndarray], Callable[[pd.DataFrame], np.ndarray]]] = {
    "ours": fit_ours("scorecard"),
    "ours-gbm": fit_ours("gbm"),
    "optbinning": fit_optbinning,
    "toad": fit_toad,
}


def run(splits: int, sample: int | None, throughput_rows: int, models: list[str]) -> pd.DataFrame:
    data = pd.read_csv(DATA)
    if sample:
        data = data.sample(n=min(sample, len(data)), random_state=0).reset_index(drop=True)
    y = data.pop(TARGET).to_numpy()
    rows: list[dict[str, Any]] = []
    for split, (train_rows, test_rows) in enumerate(
        StratifiedShuffleSplit(n_splits=splits, test_size=0.3, random_state=0).split(data, y)
    ):
        x_train, x_test = data.iloc[train_rows].reset_index(drop=True), data.iloc[test_rows].reset_index(drop=True)
        tiled = pd.concat([x_test] * max(1, throughput_rows // len(x_test)), ignore_index=True)
        for name in models:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                started = time.perf_counter()
                predict = MODELS[name](x_train, y[train_rows])
                fit_s = time.perf_counter() - started
                risk = predict(x_test)
                started = time.perf_counter()
                predict(tiled)
                score_s = time.perf_counter() - started
            rows.append(
                {
                    "model": name,
                    "split": split,
                    "auc": auc(y[test_rows], risk),
                    "ks": ks(y[test_rows], risk),
                    "fit_s": fit_s,
                    "rows_per_s": len(tiled) / score_s,
                }
            )
            print(
                f"split {split} {name:<11} AUC {rows[-1]['auc']:.4f} KS {rows[-1]['ks']:.4f} "
                f"fit {fit_s:6.2f}s  {rows[-1]['rows_per_s']:,.0f} rows/s",
                flush=True,
            )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--sample", type=int, default=None, help="use a random subset of rows (quick runs)")
    parser.add_argument("--throughput-rows", type=int, default=100_000)
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated subset of " + ",".join(MODELS))
    args = parser.parse_args()
    for library in ("lightgbm", "optbinning", "toad"):  # imported before timing: no fit pays for imports
        importlib.import_module(library)

    results = run(args.splits, args.sample, args.throughput_rows, args.models.split(","))
    table = results.groupby("model", sort=False).agg(
        auc=("auc", "mean"),
        auc_std=("auc", "std"),
        ks=("ks", "mean"),
        fit_s=("fit_s", "mean"),
        rows_per_s=("rows_per_s", "mean"),
    )
    print(
        f"\nPolish bankruptcy year 1, {args.splits} stratified 70/30 splits"
        + (f", sample of {args.sample} rows" if args.sample else "")
        + " (toad: missing filled with -999)"
    )
    print(f"{'model':<11} {'AUC':>7} {'± std':>7} {'KS':>7} {'fit s':>7} {'rows/s':>12}")
    for name, row in table.iterrows():
        print(
            f"{name:<11} {row['auc']:7.4f} {row['auc_std']:7.4f} {row['ks']:7.4f} {row['fit_s']:7.2f} "
            f"{row['rows_per_s']:12,.0f}"
        )


if __name__ == "__main__":
    main()
