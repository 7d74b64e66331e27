"""``computecredit rating`` and ``computecredit borrower rate``: files in, files out, one JSON object."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.store import ratings as rating_store

runner = CliRunner()
SERVER_MAKER = "91420100MAX6LY0C6L"  # 湖北星澜计算技术, demo bank


@pytest.fixture(scope="module")
def data_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(0)
    n = 1500
    frame = pd.DataFrame(
        {"id": np.arange(n), "leverage": rng.uniform(0, 1, n), "segment": rng.choice(["a", "b"], n)}
    )
    frame["bad"] = (rng.random(n) < 0.02 + 0.25 * frame["leverage"] ** 2).astype(int)
    path = tmp_path_factory.mktemp("cli") / "data.csv"
    frame.to_csv(path, index=False)
    return path


def test_train_score_validate(data_csv: Path, tmp_path: Path) -> None:
    model = tmp_path / "model.json"
    result = runner.invoke(
        app,
        ["rating", "train", str(data_csv), "--target", "bad", "--exclude", "id", "--out", str(model), "--json"],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["model_type"] == "additive" and "leverage" in summary["variables"]  # the default model
    # fitted on every row; performance measured out of fold; no holdout unless asked for
    assert "test" not in summary["metrics"] and summary["metrics"]["train"]["n"] == 1500
    oof = summary["metrics"]["out_of_fold"]
    assert oof["n"] == 1500 and oof["folds"] == 5 and len(oof["fold_auc"]) == 5 and oof["auc"] > 0.6

    scored = tmp_path / "scored.csv"
    result = runner.invoke(app, ["rating", "score", str(model), str(data_csv), "--out", str(scored), "--json"])
    assert result.exit_code == 0, result.output
    out = pd.read_csv(scored, keep_default_na=False)
    assert {"score", "pd", "grade", "reason_1", "reason_3"} <= set(out.columns)
    assert len(out) == 1500 and json.loads(result.stdout)["rows"] == 1500

    card = tmp_path / "card.html"
    card_json = tmp_path / "card.json"
    result = runner.invoke(
        app,
        [
            "rating",
            "validate",
            str(model),
            str(data_csv),
            "--baseline",
            str(data_csv),
            "--html",
            str(card),
            "--card-json",
            str(card_json),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["stability"]["psi_score"] == pytest.approx(0.0, abs=1e-12)
    assert "<svg" in card.read_text() and "calibration_by_grade" in json.loads(card_json.read_text())
    assert "out_of_fold" in card.read_text()  # the cross-validated estimate is on the model card


def test_group_folds_and_opt_in_holdout(tmp_path: Path) -> None:
    """Rows of one firm never sit on both sides of a split; the group column is not a feature."""
    rng = np.random.default_rng(3)
    firms, years = 150, 6
    firm = np.repeat(np.arange(firms), years)
    effect = rng.normal(0, 1, firms)[firm]  # what a firm-level feature captures only within the firm
    frame = pd.DataFrame({"firm": firm, "firm_code": effect + rng.normal(0, 0.05, firm.size)})
    frame["noise"] = rng.normal(0, 1, firm.size)
    frame["bad"] = (rng.random(firm.size) < 1 / (1 + np.exp(-(-3 + 1.5 * (effect > 1))))).astype(int)
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "m.json"
    grouped = runner.invoke(
        app,
        [
            "rating",
            "train",
            str(path),
            "--target",
            "bad",
            "--group",
            "firm",
            "--model",
            "scorecard",
            "--test-size",
            "0.2",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert grouped.exit_code == 0, grouped.output
    summary = json.loads(grouped.stdout)
    assert "firm" not in summary["variables"] and summary["metrics"]["out_of_fold"]["group"] == "firm"
    assert summary["metrics"]["test"]["n"] == pytest.approx(0.2 * firm.size, abs=years)
    assert summary["metrics"]["test"]["n"] % years == 0  # whole firms held out
    bad_group = runner.invoke(app, ["rating", "train", str(path), "--target", "bad", "--group", "nope"])
    assert bad_group.exit_code == 2 and "group" in bad_group.output


def test_gbm_kind(data_csv: Path, tmp_path: Path) -> None:
    model = tmp_path / "gbm.json"
    result = runner.invoke(
        app,
        [
            "rating",
            "train",
            str(data_csv),
            "--target",
            "bad",
            "--exclude",
            "id",
            "--model",
            "gbm",
            "--out",
            str(model),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(model.read_text())["format"] == "computecredit.gbm/1"


def test_bad_input_exits_2_and_writes_nothing(data_csv: Path, tmp_path: Path) -> None:
    model = tmp_path / "model.json"
    result = runner.invoke(app, ["rating", "train", str(data_csv), "--target", "nope", "--out", str(model)])
    assert result.exit_code == 2 and not model.exists()
    result = runner.invoke(app, ["rating", "train", str(data_csv), "--target", "bad", "--model", "magic"])
    assert result.exit_code == 2


def test_borrower_rate_stores_a_record(demo_db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", demo_db.url)
    result = runner.invoke(
        app,
        [
            "borrower",
            "rate",
            SERVER_MAKER,
            "--factor",
            "technology_position=advanced",
            "--factor",
            "customer_concentration=0.35",
            "--user",
            "analyst1",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["stored"] and payload["fiscal_year"] == 2024 and payload["card"] == "servers"
    assert payload["moved_up"] and payload["moved_down"]
    with demo_db.transaction() as session:
        records = rating_store.list_ratings(session, SERVER_MAKER)
    assert records[-1].model_id == "expert_compute" and records[-1].rated_by == "analyst1"
    assert records[-1].grade == payload["grade"]
    # weight 0.10 of a card whose weights sum to 1, renormalised over the share present
    present = payload["completeness"]
    assert 0 < present < 1 and payload["information"]["missing_factors"]
    assert records[-1].factor_contributions["technology_position"] == pytest.approx(
        0.1 / present * (80 - 50), rel=1e-3
    )
    # a factor the servers card does not use is refused naming the card
    refused = runner.invoke(app, ["borrower", "rate", SERVER_MAKER, "--factor", "utilisation=0.9"])
    assert refused.exit_code == 2 and "servers card" in refused.output
    # a ratio factor given by hand replaces the statements' value and moves the score
    weak = runner.invoke(app, ["borrower", "rate", SERVER_MAKER, "--factor", "interest_coverage=0.5", "--json"])
    strong = runner.invoke(app, ["borrower", "rate", SERVER_MAKER, "--factor", "interest_coverage=10", "--json"])
    assert json.loads(strong.stdout)["score"] > json.loads(weak.stdout)["score"]


def test_borrower_rate_override_needs_a_reason(demo_db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", demo_db.url)
    result = runner.invoke(app, ["borrower", "rate", SERVER_MAKER, "--override-grade", "A"])
    assert result.exit_code == 2
    result = runner.invoke(
        app,
        [
            "borrower",
            "rate",
            SERVER_MAKER,
            "--override-grade",
            "A",
            "--override-reason",
            "parent guarantee from a state group",
            "--user",
            "approver",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["final_grade"] == "A"
    with demo_db.transaction() as session:
        assert rating_store.list_ratings(session, SERVER_MAKER)[-1].override.user == "approver"


def test_borrower_rate_from_a_request_file(demo_db, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", demo_db.url)
    request = {
        "borrower": {
            "uscc": "91640100MA7X00001X",
            "name_zh": "宁夏示例算力有限公司",
            "name_en": "Ningxia Example Compute Co.",
            "segment": "datacenter_operator",
            "province": "ningxia",
            "hub": "宁夏",
            "ownership": "private",
            "employees": 80,
            "revenue": 60000000,
            "total_assets": 900000000,
            "credentials": {
                "high_tech_enterprise": True,
                "specialised_level": "provincial",
                "invention_patents": 12,
                "patents": 30,
                "rd_staff": 30,
            },
        },
        "statements": [
            {
                "fiscal_year": 2024,
                "unit": "万元",
                "values": {
                    "cash": 5000,
                    "fixed_assets": 85000,
                    "short_term_borrowings": 10000,
                    "long_term_borrowings": 50000,
                    "paid_in_capital": 30000,
                    "operating_revenue": 6000,
                    "operating_costs": 4000,
                    "rd_expenses": 600,
                },
            },
        ],
        "factors": {"utilisation": 0.75, "energy_efficiency": 1.22, "key_customer_credit": "investment_grade"},
        "innovation": {"patent_citations": 20, "awards": 1, "venture_funding_rounds": 2},
    }
    path = tmp_path / "request.json"
    path.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["borrower", "rate", str(path), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["card"] == "datacentres" and not payload["stored"]
    assert payload["borrower"]["size_class"] != "large" and payload["innovation"]["notches"] >= 1
    assert payload["moved_up"][0]["factor"] == "utilisation"  # 0.75 scores 90, weight 0.18: +7.2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**request, "factors": {"utilisation": "high"}}), encoding="utf-8")
    assert runner.invoke(app, ["borrower", "rate", str(bad)]).exit_code == 2
