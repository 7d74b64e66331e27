"""Scoring speed of the portable points model: 1,000,000 rows, and one row (the API case).

Trains the scorecard once on the Polish bankruptcy data (``benchmarks/data``), saves and reloads it (the
timings use the reloaded model, and the script checks its scores are bit-identical to the original's),
then times on rows resampled from the data:

- batch: ``predict`` (score, PD, grade) on ``--rows`` rows, and the same with 3 reason codes;
- single: ``predict`` with 3 reason codes on one row given as a dict, median and p95 over ``--repeat``.

Goals (issue 4): 1,000,000 rows under 2 s on 2 cores; one row under 5 ms.
Run: ``.venv/bin/python benchmarks/scoring.py`` (``--rows 10000 --repeat 20`` for a quick check).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from computecredit.rating.points import PointsModel
from computecredit.rating.training import TrainOptions, train

DATA = Path(__file__).parent / "data" / "polish_bankruptcy_1year.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    data = pd.read_csv(DATA)
    trained = train(data, TrainOptions(target="class", folds=0))
    assert isinstance(trained, PointsModel)
    with tempfile.TemporaryDirectory() as folder:
        model = PointsModel.load(trained.save(Path(folder) / "model.json"))
    features = data.drop(columns=["class"])
    big = features.sample(n=args.rows, replace=True, random_state=0).reset_index(drop=True)
    exact = np.array_equal(model.score(features), trained.score(features))

    started = time.perf_counter()
    model.predict(big)
    batch_s = time.perf_counter() - started
    started = time.perf_counter()
    model.predict(big, reasons=3)
    batch_reasons_s = time.perf_counter() - started

    rows = features.sample(n=args.repeat, random_state=1).to_dict("records")
    timings = []
    for row in rows:
        started = time.perf_counter()
        model.predict(row, reasons=3)
        timings.append(time.perf_counter() - started)
    single = np.array(timings) * 1000

    print(f"model: scorecard, {len(model.terms)} terms; reloaded scores bit-identical: {exact}")
    print(f"{'case':<38} {'time':>10} {'rows/s':>12}")
    print(f"{f'batch {args.rows:,} rows (score, pd, grade)':<38} {batch_s:9.3f}s {args.rows / batch_s:12,.0f}")
    print(
        f"{f'batch {args.rows:,} rows + 3 reason codes':<38} {batch_reasons_s:9.3f}s {args.rows / batch_reasons_s:12,.0f}"
    )
    print(f"{'one row (dict) + 3 reasons, median':<38} {np.median(single):8.3f}ms")
    print(f"{'one row (dict) + 3 reasons, p95':<38} {np.percentile(single, 95):8.3f}ms")


if __name__ == "__main__":
    main()
