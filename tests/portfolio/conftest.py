"""Small books for the portfolio tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "portfolio"


def make_book(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sectors = np.array(["servers", "chips", "idc", "compute_leasing", "cloud"])
    return pd.DataFrame(
        {
            "obligor_id": [f"O{i:03d}" for i in range(n)],
            "group_id": [f"G{i // 4:02d}" for i in range(n)],
            "sector": sectors[np.arange(n) % 5],
            "region": np.array(["北京", "宁夏", "贵州", "上海", "广东"])[rng.integers(0, 5, n)],
            "ead": rng.lognormal(np.log(1e8), 0.7, n).round(-3),
            "pd": rng.uniform(0.003, 0.06, n).round(5),
            "lgd": rng.uniform(0.3, 0.6, n).round(3),
            "maturity": rng.integers(1, 6, n),
        }
    )


@pytest.fixture
def book_csv(tmp_path: Path) -> Path:
    path = tmp_path / "book.csv"
    make_book().to_csv(path, index=False)
    return path


@pytest.fixture
def factors_yaml() -> Path:
    return EXAMPLES / "factors.yaml"
