"""Server-side cost of one rating, stage by stage, in-process (no HTTP): where the time of POST .../ratings goes.

Loads the demo bank into a fresh SQLite file, then times each stage of the rating use case over the borrowers
that have statements: checking a bearer token, reading the borrower and its statements, computing the expert
rating (pure), and the whole use case (read, compute, store the record and its audit entry, commit).

    .venv/bin/python benchmarks/rating_cost.py
    .venv/bin/python benchmarks/rating_cost.py --runs 100     # a smoke run
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from computecredit.services import audit, demo
from computecredit.services import rating as rating_service
from computecredit.store import borrowers as borrower_store
from computecredit.store.database import Database
from computecredit.web import deps, security


def _per_call_ms(stage: Callable[[int], object], runs: int, batches: int = 5) -> tuple[float, float]:
    """Best and median, over ``batches`` batches of ``runs`` calls, of the mean ms per call."""
    for i in range(min(runs, 30)):
        stage(i)
    means = []
    for _ in range(batches):
        start = time.perf_counter()
        for i in range(runs):
            stage(i)
        means.append((time.perf_counter() - start) / runs * 1000)
    return min(means), statistics.median(means)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400, help="calls per batch (5 batches per stage)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'cost.db'}")
        loaded = demo.load_demo_bank(db, password="bench-password-1")
        analyst = next(u["username"] for u in loaded["users"] if u["role"] == "analyst")
        with db.transaction() as session:
            rated = [
                b.uscc
                for b in borrower_store.list_borrowers(session)
                if borrower_store.list_statements(session, b.uscc)
            ]
            token, _ = security.issue(session, analyst, "api")
            stored = [
                (borrower_store.get_borrower(session, uscc), borrower_store.list_statements(session, uscc))
                for uscc in rated
            ]

        def authenticate(i: int) -> object:
            return deps._authenticate(db, token, None)

        def read(i: int) -> object:
            with db.transaction() as session:
                uscc = rated[i % len(rated)]
                return borrower_store.get_borrower(session, uscc), borrower_store.list_statements(session, uscc)

        def compute(i: int) -> object:
            borrower, statements = stored[i % len(stored)]
            return rating_service.rate_borrower_data(borrower, statements)

        def rate(i: int) -> object:
            with audit.write_transaction(db) as session:
                return rating_service.rate_stored_borrower(session, rated[i % len(rated)], analyst)

        stages = {
            "check the bearer token": authenticate,
            "read borrower and statements": read,
            "compute the rating (pure)": compute,
            "whole use case (read, compute, store, audit, commit)": rate,
        }
        print(f"one rating, in-process on SQLite, {len(rated)} demo borrowers, {args.runs} calls x 5 batches")
        print(f"{'stage':<54} {'best ms':>8} {'median ms':>10}")
        for name, stage in stages.items():
            best, median = _per_call_ms(stage, args.runs)
            print(f"{name:<54} {best:>8.3f} {median:>10.3f}")
        db.dispose()


if __name__ == "__main__":
    main()
