from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.errors import InputError
from computecredit.portfolio.migration import transition_matrix_from_frame

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "portfolio" / "migration"
runner = CliRunner()


def migration_args(*extra: str) -> list[str]:
    return [
        "portfolio",
        "migration",
        str(EXAMPLE / "instruments.csv"),
        "--transitions",
        str(EXAMPLE / "transitions.csv"),
        "--curves",
        str(EXAMPLE / "curves.csv"),
        "--recovery",
        str(EXAMPLE / "recovery.yaml"),
        *extra,
    ]


def test_cli_json_keys() -> None:
    result = runner.invoke(app, migration_args("--asset-correlation", "0.3", "--json"))
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["mean_value"] > out["value_quantile"] > 0
    assert out["std_value"] > 0 and out["method"] == "exact"


def test_rows_must_sum_to_one() -> None:
    frame = pd.DataFrame({"from": ["A", "B"], "A": [0.9, 0.1], "B": [0.05, 0.8], "D": [0.02, 0.1]})
    with pytest.raises(InputError, match=r"row 1: field 'A' = 0.97: row must sum to 1 within 0.001"):
        transition_matrix_from_frame(frame, source="t.csv")


def test_bad_rating_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "instruments.csv"
    bad.write_text(
        "instrument_id,obligor_id,rating,face,coupon,maturity_years,seniority\nX,O,ZZZ,100,0.05,3,senior_unsecured\n",
        encoding="utf-8",
    )
    args = migration_args("--json")
    args[2] = str(bad)
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "ZZZ" in result.stderr


def test_large_books_are_simulated(tmp_path: Path) -> None:
    rows = [
        {
            "instrument_id": f"I{i}",
            "obligor_id": f"O{i}",
            "rating": ["A", "BBB", "BB"][i % 3],
            "face": 100,
            "coupon": 0.05,
            "maturity_years": 3,
            "seniority": "senior_unsecured",
        }
        for i in range(12)
    ]
    path = tmp_path / "big.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    args = migration_args("--simulations", "20000", "--asset-correlation", "0.2", "--json")
    args[2] = str(path)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["method"] == "simulation"
