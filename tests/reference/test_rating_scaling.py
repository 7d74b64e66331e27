"""Published-number checks for the rating engine.

- Points scaling: Siddiqi, *Credit Risk Scorecards* (Wiley, 2006), ch. 6 worked example: 600 points at
  good:bad odds 50:1 with PDO 20 gives Factor = 20/ln 2 = 28.8539 and Offset = 600 − 28.8539·ln 50 = 487.123.
- UCI Polish companies bankruptcy, year 1 (Tomczak 2016): 7027 firms, 271 bankrupt, 64 attributes.
- Binomial calibration test (BCBS Working Paper 14, 2005): P(X ≥ 3 | n = 100, p = 0.01) = 0.0794.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from computecredit.rating.points import Scaling
from computecredit.rating.validation import calibration_by_grade

POLISH = Path(__file__).parents[2] / "benchmarks" / "data" / "polish_bankruptcy_1year.csv"


def test_siddiqi_scaling_example() -> None:
    scaling = Scaling(pdo=20.0, base_score=600.0, base_odds=50.0)
    assert scaling.factor == pytest.approx(28.8539, abs=5e-5)
    assert scaling.offset == pytest.approx(487.123, abs=5e-4)
    # odds double every 20 points: 620 points <-> 100:1
    assert scaling.calibration().pd(np.array([620.0]))[0] == pytest.approx(1 / 101)


def test_polish_data_matches_uci_counts() -> None:
    data = pd.read_csv(POLISH)
    assert data.shape == (7027, 65) and int(data["class"].sum()) == 271


def test_binomial_test_p_value() -> None:
    rows = calibration_by_grade([1, 1, 1] + [0] * 97, [0.01] * 100)
    assert rows[0]["p_value"] == pytest.approx(0.0794, abs=1e-4)
