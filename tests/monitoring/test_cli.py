"""``computecredit monitor``: run (JSON, idempotent), ingest (refusal exits 2 naming row and field), alerts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computecredit.cli.main import app

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    loaded = runner.invoke(app, ["monitor", "load-demo", "--json"])
    assert loaded.exit_code == 0, loaded.output
    return tmp_path


def test_run_json_is_one_object_and_idempotent(cli_db: Path) -> None:
    first = runner.invoke(app, ["monitor", "run", "--as-of", "2026-04-30", "--json"])
    assert first.exit_code == 0, first.output
    payload = json.loads(first.stdout)
    assert {"signals", "breaches", "classification_changes", "watch_list", "alerts", "digest"} <= set(payload)
    assert any(s["rule_id"] == "FIN-COVENANT-BREACH" for s in payload["breaches"])
    again = json.loads(runner.invoke(app, ["monitor", "run", "--as-of", "2026-04-30", "--json"]).stdout)
    assert again["digest"] == payload["digest"] and again["new_alerts"] == []
    assert {k: v for k, v in again.items() if k != "new_alerts"} == {
        k: v for k, v in payload.items() if k != "new_alerts"
    }


def test_human_output_and_alerts(cli_db: Path) -> None:
    shown = runner.invoke(app, ["monitor", "run", "--as-of", "2025-09-30"])
    assert shown.exit_code == 0 and "rating reviews" in shown.stdout and "Watch list" in shown.stdout
    alerts = json.loads(runner.invoke(app, ["monitor", "alerts", "--owner", "risk", "--json"]).stdout)["alerts"]
    assert alerts and all(a["owner"] == "risk" for a in alerts)


def test_malformed_file_exits_2_naming_row_and_field(cli_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "operating_reports_2026-07.csv"
    bad.write_text("project_code,period_end,utilisation\nningxia_phase1,2026-07-31,1.4\n", encoding="utf-8")
    result = runner.invoke(app, ["monitor", "ingest", str(bad)])
    assert result.exit_code == 2
    assert "row 2" in result.stderr and "utilisation" in result.stderr
    good = tmp_path / "operating_reports_2026-07b.csv"
    good.write_text("project_code,period_end,utilisation\nningxia_phase1,2026-07-31,0.38\n", encoding="utf-8")
    stored = runner.invoke(app, ["monitor", "ingest", str(good), "--json"])
    assert stored.exit_code == 0 and json.loads(stored.stdout)["inserted"] == 1


def test_bad_date_exits_2(cli_db: Path) -> None:
    assert runner.invoke(app, ["monitor", "run", "--as-of", "31/12/2025"]).exit_code == 2
