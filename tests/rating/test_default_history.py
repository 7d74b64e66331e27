"""The demo bank's fictional default history (``scripts/make_default_history.py``): the committed file has the
documented columns and default rate, and the seeded script writes exactly its rows."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "examples" / "demo_bank" / "default_history.csv"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    sys.path.insert(0, str(ROOT / "scripts"))  # the scripts are not a package; they import each other by name
    try:
        import make_default_history
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return make_default_history


def test_the_committed_history_has_the_documented_shape(script: ModuleType) -> None:
    frame = pd.read_csv(HISTORY)
    assert tuple(frame.columns) == script.COLUMNS
    assert 4000 <= len(frame) <= 6000
    assert (frame["fiscal_year"].min(), frame["fiscal_year"].max()) == (2016, 2024)
    assert not frame.duplicated(["borrower_id", "fiscal_year"]).any()
    assert 0.03 <= frame["defaulted"].mean() <= 0.05
    assert set(frame["segment"]) == {s.value for s in script.SEGMENT_SHARES}
    # a defaulter leaves the book: its default is its last row
    last_year = frame.groupby("borrower_id")["fiscal_year"].transform("max")
    assert (frame.loc[frame["defaulted"] == 1, "fiscal_year"] == last_year[frame["defaulted"] == 1]).all()
    # blanks where a bank's files have them: growth without a prior year, cash flow from unaudited firms
    assert frame["revenue_growth"].isna().any() and frame["debt_to_assets"].notna().all()
    assert frame.loc[~frame["audited"], "cfo_to_debt"].isna().any()
    assert frame.loc[frame["audited"], "cfo_to_current_liabilities"].notna().all()


def test_the_seeded_script_writes_the_committed_rows(script: ModuleType) -> None:
    first = script.make_history(12)
    assert first.equals(script.make_history(12))
    written = first.to_csv(index=False, lineterminator="\n").splitlines()
    committed = HISTORY.read_text(encoding="utf-8").splitlines()[: len(written)]
    assert written == committed
    assert not first.equals(script.make_history(12, seed=1))
