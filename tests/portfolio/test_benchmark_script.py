"""The benchmark script runs end to end on a tiny book (its figures are not asserted: timing is noisy)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "portfolio_risk.py"


def test_benchmark_runs_on_a_tiny_book(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        sys,
        "argv",
        [
            str(SCRIPT),
            "--obligors",
            "200",
            "--plain-simulations",
            "2000",
            "--target-error",
            "0.05",
            "--workers",
            "1",
        ],
    )
    runpy.run_path(str(SCRIPT), run_name="__main__")
    out = capsys.readouterr().out
    assert "importance sampling" in out and "speed-up" in out and "CreditRisk+" in out
