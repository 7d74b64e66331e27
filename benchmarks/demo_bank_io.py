"""Time the foundation's data paths on the demo bank: load it, and round-trip its statements via Excel and CSV.

Run: ``.venv/bin/python benchmarks/demo_bank_io.py [DATABASE_URL]`` (default: a temporary SQLite file).
Prints one line per job with the wall time in seconds.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from computecredit.services import statements as statement_service
from computecredit.services.demo import load_demo_bank
from computecredit.store.database import Database


def timed(label: str, job: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = job()
    print(f"{label:<52} {time.perf_counter() - start:7.2f} s")
    return result


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{folder / 'bench.db'}"
    db = Database(url)
    result = timed(
        "demo load (migrate, 4 users, 40 borrowers, 120 fs)", lambda: load_demo_bank(db, "bench-password")
    )
    print(f"  statements loaded: {result['statements']}, facilities: {result['facilities']}")
    for suffix in (".xlsx", ".csv"):
        path = folder / f"statements{suffix}"
        timed(f"export 120 statements to {suffix}", lambda p=path: statement_service.export_statements(db, p))
        timed(
            f"import 120 statements from {suffix} (update)",
            lambda p=path: statement_service.import_statements(db, p),
        )
    db.dispose()


if __name__ == "__main__":
    main()
