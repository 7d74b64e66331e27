"""The Chinese-firms data set of the rating benchmark (issue 15): the committed file reads as documented in
benchmarks/data/README.md, and the benchmark measures it with folds by firm."""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
BENCH = runpy.run_path(str(ROOT / "benchmarks" / "rating_models.py"))  # not run as __main__: functions only


def test_china_loader_reads_the_committed_sample_with_its_documented_labels() -> None:
    x, y, firms = BENCH["load_china"]()
    raw = pd.read_csv(ROOT / "benchmarks" / "data" / "china_distress_ten_sample.csv")
    assert x.shape == (50, 35) and list(x.columns) == [c for c in raw.columns if c.startswith("F0")]
    assert all(pd.api.types.is_numeric_dtype(x[c]) for c in x.columns)
    assert set(np.unique(y)) == {0, 1} and int(y.sum()) == 25  # balanced by design
    assert len(set(firms)) == 50  # one row per firm, so a firm never sits on both sides of a fold
    per_lead = raw.groupby("time_diff")["label"].agg(["size", "sum"])
    assert per_lead.index.tolist() == [3, 6, 9, 12, 15]
    assert (per_lead["size"] == 10).all() and (per_lead["sum"] == 5).all()
    labels = dict(zip(firms, y, strict=True))
    assert labels["康得新"] == 1 and labels["奕瑞科技"] == 0 and labels["G 北巴"] == 1


def test_benchmark_measures_the_chinese_firms_out_of_fold_by_firm() -> None:
    rows = BENCH["run"]({"china": BENCH["load_china"]()}, ["scorecard"], 5, 100)
    (row,) = rows
    assert (row["split_by"], row["rows"], row["defaults"], row["folds"]) == ("firm", 50, 25, 5)
    assert row["default_rate"] == 0.5 and 0.0 < row["mean_pd"] < 1.0
    assert 0.5 < row["auc"] <= 1.0 and 0.0 < row["auc_ci95"] < 0.5
    assert 0.0 <= row["ece"] <= 1.0 and 0.0 < row["brier"] < 0.5


def test_ece_is_the_row_weighted_gap_between_mean_pd_and_observed_rate() -> None:
    y = np.array([0, 0, 1, 1, 0, 1])
    assert BENCH["ece"](y, np.array([0.0, 0.0, 1.0, 1.0, 0.5, 0.5]), bins=3) == 0.0
    assert BENCH["ece"](y[:4], np.array([0.1, 0.1, 0.9, 0.9]), bins=2) == 0.1
