"""Bundled reference data: tables shipped in ``reference/data/`` with each row's source beside it.

Tables are CSV (one row per fact, with a ``source`` column) or YAML (with a top-level ``source``/``sources``
key). Every table carries a version: the SHA-256 of its bytes, stored with each result that used it so a
number can be traced to the exact data behind it.

>>> sorted(p.suffix for p in DATA_DIR.iterdir())[:1] != []
True
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

DATA_DIR = Path(__file__).parent / "data"


def table_path(name: str) -> Path:
    """Path of the bundled table ``name`` (file name with its extension)."""
    path = DATA_DIR / name
    if not path.exists():
        known = ", ".join(sorted(p.name for p in DATA_DIR.iterdir()))
        raise FileNotFoundError(f"no reference table {name!r}; known tables: {known}")
    return path


@cache
def load_csv(name: str) -> pd.DataFrame:
    """A bundled CSV table as a DataFrame (cached; do not mutate, copy first)."""
    return pd.read_csv(table_path(name), comment=None)


@cache
def load_yaml(name: str) -> Any:
    """A bundled YAML document (cached; do not mutate)."""
    with table_path(name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def version(name: str) -> str:
    """Version of a bundled table: the first 12 hex digits of the SHA-256 of its bytes.

    Cached like the tables themselves, so the version stored with a result is that of the data it used.
    """
    return hashlib.sha256(table_path(name).read_bytes()).hexdigest()[:12]


def versions() -> dict[str, str]:
    """Versions of every bundled table, for storing alongside a result (a new dict each time)."""
    return dict(_bundled_versions())


@cache  # the bundled tables are package data: which there are does not change while the process runs
def _bundled_versions() -> tuple[tuple[str, str], ...]:
    return tuple(
        (p.name, version(p.name)) for p in sorted(DATA_DIR.iterdir()) if p.is_file() and p.name != "README.md"
    )


__all__ = ["DATA_DIR", "load_csv", "load_yaml", "table_path", "version", "versions"]
