"""CLI contracts of ``capital irb`` and ``facility wc-need``: JSON keys and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from computecredit.cli.main import app

CASE = Path(__file__).parents[1] / "data" / "facilities" / "wc_hand_worked.yaml"
runner = CliRunner()


def test_irb_json_keys() -> None:
    result = runner.invoke(app, ["capital", "irb", "--pd", "0.01", "--lgd", "0.45", "--maturity", "2.5", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["risk_weight"] == pytest.approx(12.5 * payload["k"])
    assert payload["risk_weight"] == pytest.approx(0.9232, abs=1e-4)


def test_irb_sales_with_unit_lowers_the_weight() -> None:
    args = ["capital", "irb", "--pd", "0.01", "--lgd", "0.45", "--maturity", "2.5", "--json"]
    plain = json.loads(runner.invoke(app, args).stdout)
    sme = json.loads(runner.invoke(app, [*args, "--sales", "0.3亿"]).stdout)
    assert sme["k"] < plain["k"]


def test_irb_bad_pd_exits_2() -> None:
    result = runner.invoke(app, ["capital", "irb", "--pd", "1.5", "--lgd", "0.45", "--maturity", "2.5"])
    assert result.exit_code == 2
    assert "pd" in result.stderr


def test_wc_need_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["facility", "wc-need", str(CASE), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["turnover_times"] == pytest.approx(3.3333)
    assert payload["working_capital_need"] == 32_400_000
    assert payload["new_wc_loan_limit"] == 8_000_000
    assert payload["turnover"]["inventory"]["days"] == 90


@pytest.mark.parametrize(
    ("field", "value"),
    [("avg_payables", -5), ("growth", "fast"), ("profit_margin", 1.5), ("revenue", "lots")],
)
def test_wc_need_bad_field_exits_2_naming_it(tmp_path: Path, field: str, value: object) -> None:
    data = yaml.safe_load(CASE.read_text())
    data[field] = value
    path = tmp_path / "wc.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    result = runner.invoke(app, ["facility", "wc-need", str(path)])
    assert result.exit_code == 2
    assert field in result.stderr and "wc.yaml" in result.stderr


def test_wc_need_missing_key_exits_2(tmp_path: Path) -> None:
    data = yaml.safe_load(CASE.read_text())
    del data["own_funds"]
    path = tmp_path / "wc.yaml"
    path.write_text(yaml.safe_dump(data))
    result = runner.invoke(app, ["facility", "wc-need", str(path)])
    assert result.exit_code == 2 and "own_funds" in result.stderr


def test_wc_need_negative_cycle_gives_no_need(tmp_path: Path) -> None:
    data = yaml.safe_load(CASE.read_text())
    data["avg_payables"] = 90_000_000
    path = tmp_path / "wc.yaml"
    path.write_text(yaml.safe_dump(data))
    payload = json.loads(runner.invoke(app, ["facility", "wc-need", str(path), "--json"]).stdout)
    assert payload["turnover_times"] is None
    assert payload["working_capital_need"] == 0 and payload["new_wc_loan_limit"] == 0
