"""``rating train --compare`` and the model card's comparison, shape plots and interaction heat maps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.rating.points import PointsModel
from computecredit.rating.training import load_model
from computecredit.reports.model_card import build_model_card, render_html

runner = CliRunner()


@pytest.fixture(scope="module")
def data_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(3)
    n = 600
    frame = pd.DataFrame(
        {
            "id": np.arange(n),
            "leverage": rng.uniform(0, 1, n),
            "coverage": rng.uniform(0, 5, n),
            "segment": rng.choice(["a", "b", "c"], n),
        }
    )
    risk = 0.03 + 0.3 * frame["leverage"] * (frame["coverage"] < 2) + 0.05 * (frame["segment"] == "c")
    frame["bad"] = (rng.random(n) < risk).astype(int)
    path = tmp_path_factory.mktemp("compare") / "data.csv"
    frame.to_csv(path, index=False)
    return path


def train_args(data: Path, out: Path, *extra: str) -> list[str]:
    return ["rating", "train", str(data), "--target", "bad", "--exclude", "id", "--out", str(out), *extra]


@pytest.fixture(scope="module")
def trained(data_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    model = tmp_path_factory.mktemp("model") / "model.json"
    result = runner.invoke(app, train_args(data_csv, model, "--compare", "--json"))
    assert result.exit_code == 0, result.output
    return model, json.loads(result.stdout)


def test_compare_gives_all_three_models(trained: tuple[Path, dict]) -> None:
    model, summary = trained
    rows = summary["comparison"]["models"]
    assert [r["model"] for r in rows] == ["additive", "scorecard", "gbm"]
    assert all(0.0 <= r["auc"] <= 1.0 and r["gini"] == pytest.approx(2 * r["auc"] - 1, abs=1e-5) for r in rows)
    assert [r["explainable"] for r in rows] == [True, True, False]
    explainable = [r for r in rows if r["explainable"]]
    assert summary["comparison"]["best_explainable"] == max(explainable, key=lambda r: r["auc"])["model"]
    # without a holdout every kind is measured on the same folds' out-of-fold PDs, all 600 rows
    assert (summary["comparison"]["sample"], summary["comparison"]["rows"]) == ("out-of-fold", 600)
    # the comparison travels with the model file and the additive row is the model's own out-of-fold AUC
    stored = load_model(model)
    assert stored.training["comparison"] == summary["comparison"]
    assert rows[0]["auc"] == pytest.approx(summary["metrics"]["out_of_fold"]["auc"], abs=1e-4)


def test_compare_on_an_opt_in_holdout(data_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    result = runner.invoke(app, train_args(data_csv, out, "--compare", "--test-size", "0.3", "--json"))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["comparison"]["sample"], summary["comparison"]["rows"]) == ("test", 180)
    assert summary["comparison"]["models"][0]["auc"] == pytest.approx(summary["metrics"]["test"]["auc"], abs=1e-4)


def test_compare_needs_folds_or_a_holdout(data_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    result = runner.invoke(app, train_args(data_csv, out, "--compare", "--folds", "0"))
    assert result.exit_code == 2 and not out.exists()


def test_card_has_shapes_heatmaps_and_comparison(
    trained: tuple[Path, dict], data_csv: Path, tmp_path: Path
) -> None:
    model, summary = trained
    card_html, card_json = tmp_path / "card.html", tmp_path / "card.json"
    result = runner.invoke(
        app,
        ["rating", "validate", str(model), str(data_csv), "--html", str(card_html), "--card-json", str(card_json)],
    )
    assert result.exit_code == 0, result.output
    fitted = load_model(model)
    assert isinstance(fitted, PointsModel)
    page = card_html.read_text(encoding="utf-8")
    assert page.count('class="shape"') == len(fitted.terms)
    for term in fitted.terms:
        assert f'aria-label="shape plot {term.name}"' in page
    assert page.count('class="heatmap"') == len(fitted.interactions)
    for term in fitted.interactions:
        assert f"<h3>{term.name}</h3>" in page
        # every cell shows its number, so the table reads without colour
        for row in term.points:
            for value in row:
                assert f">{value:.2f}</td>" in page
    assert page.count('class="comparison"') == 1 and "Best explainable model" in page
    assert f"<strong>{summary['comparison']['best_explainable']}</strong>" in page

    card = json.loads(card_json.read_text(encoding="utf-8"))
    assert card["training"]["comparison"] == summary["comparison"]
    assert len(card["interactions"]) == len(fitted.interactions)
    assert [t["term"] for t in card["interactions"]] == [t.name for t in fitted.interactions]
    # the JSON card round-trips: rendering it again gives the same page
    assert render_html(card) == page


def test_heatmap_for_a_model_with_an_interaction() -> None:
    from computecredit.rating.points import Calibration, InteractionTerm, NumericBinning, PointsTerm

    t = InteractionTerm(NumericBinning("a", (0.5,)), NumericBinning("b", (0.5,)), ((4.0, 0.0, 0.0),) * 3)
    model = PointsModel(
        600.0,
        (PointsTerm(NumericBinning("a", (0.5,)), (10.0, 0.0, 0.0)),),
        Calibration(12.0, -0.05),
        interactions=(t,),
        target="bad",
    )
    rng = np.random.default_rng(0)
    sample = pd.DataFrame({"a": rng.uniform(size=300), "b": rng.uniform(size=300)})
    sample["bad"] = (rng.random(300) < 0.05 + 0.2 * sample["a"]).astype(int)
    page = render_html(build_model_card(model, sample))
    assert page.count('class="heatmap"') == 1 and page.count('class="shape"') == 1
    assert ">4.00</td>" in page and "rgb(31,119,180)" in page and "rgb(255,255,255)" in page


def test_card_of_an_additive_model_shows_its_start_and_the_terms_it_left_out() -> None:
    from computecredit.rating.additive import AdditiveConfig, train_additive

    rng = np.random.default_rng(8)
    sample = pd.DataFrame({name: rng.normal(size=800) for name in ("a", "b", "c")})
    sample["bad"] = (rng.random(800) < 1 / (1 + np.exp(2.0 - 1.5 * sample["a"] + 0.8 * sample["b"]))).astype(int)
    model = train_additive(sample, "bad", AdditiveConfig(max_terms=2, max_interactions=0, bags=2, max_rounds=80))
    page = render_html(build_model_card(model, sample))
    start = model.training["start"]
    assert "Boosting start" in page and f"from zero {start['out_of_fold_auc']['zero']:.4f}" in page
    assert model.training["dropped"] == ["c"]
    assert "<tr><td>c</td><td>outside the most important max_terms terms" in page
