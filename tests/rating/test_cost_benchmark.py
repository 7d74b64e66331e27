"""The rating-cost benchmark runs end to end (its figures are not asserted: timing is noisy)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "rating_cost.py"


def test_rating_cost_prints_every_stage(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", [str(SCRIPT), "--runs", "2"])
    runpy.run_path(str(SCRIPT), run_name="__main__")
    out = capsys.readouterr().out
    for stage in ("bearer token", "read borrower", "compute the rating", "whole use case"):
        assert stage in out
