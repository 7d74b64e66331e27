"""``computecredit project evaluate``: JSON contract, reports, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.projects import example_path

runner = CliRunner()


def test_evaluate_json_and_files(tmp_path: Path) -> None:
    report, excel = tmp_path / "r.html", tmp_path / "r.xlsx"
    args = ["project", "evaluate", str(example_path("ningxia_phase1")), "--simulations", "200", "--seed", "4"]
    first = runner.invoke(app, [*args, "--json", "--report", str(report), "--excel", str(excel)])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data["simulation"]["paths"] == 200 and data["min_dscr"] > 1
    assert report.read_text(encoding="utf-8").count("<svg") >= 4
    assert excel.read_bytes()[:2] == b"PK"
    second = runner.invoke(app, [*args, "--json"])
    assert json.loads(second.stdout) == data


def test_human_output() -> None:
    result = runner.invoke(
        app, ["project", "evaluate", str(example_path("inner_mongolia_merchant")), "--simulations", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "min DSCR" in result.stdout


def test_bad_input_exits_2_naming_the_field(tmp_path: Path) -> None:
    data = yaml.safe_load(example_path("ningxia_phase1").read_text(encoding="utf-8"))
    data["financing"]["tranches"][0]["tenor_months"] = 6
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["project", "evaluate", str(bad), "--json"])
    assert result.exit_code == 2
    assert "financing.tranches[0].tenor_months" in result.stderr
    assert "must exceed grace_months" in result.stderr
    assert result.stdout == ""


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["project", "evaluate", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2


def test_examples_listed() -> None:
    result = runner.invoke(app, ["project", "examples", "--json"])
    assert set(json.loads(result.stdout)["examples"]) >= {"ningxia_phase1", "yangtze_h20_offtake"}
