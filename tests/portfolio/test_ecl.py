from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.errors import InputError
from computecredit.portfolio.ecl import (
    MacroScenario,
    cumulative_default_curve,
    default_transitions,
    expected_credit_loss,
    scenarios_from_mapping,
    term_structure,
)
from computecredit.portfolio.inputs import Portfolio
from computecredit.rating.master_scale import load_master_scale

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "portfolio"


def row(**overrides):
    base = {
        "obligor_id": "A",
        "group_id": "G",
        "sector": "idc",
        "region": "宁夏",
        "ead": 1e8,
        "pd": 0.02,
        "lgd": 0.5,
        "maturity": 3.0,
    }
    return {**base, **overrides}


def stages(*rows) -> list[int]:
    records = [row(obligor_id=f"O{i}", **r) for i, r in enumerate(rows)]
    return [r["stage"] for r in expected_credit_loss(Portfolio.from_records(records)).rows]


def test_staging_rules() -> None:
    assert stages(
        {"days_past_due": 0, "origination_pd": 0.02},
        {"days_past_due": 31, "origination_pd": 0.02},
        {"days_past_due": 91, "origination_pd": 0.02},
        {"days_past_due": 0, "origination_pd": 0.009},  # ×2.2 and +1.1 points: SICR
        {"days_past_due": 0, "origination_pd": 0.0125},  # ×1.6: not SICR
        {"days_past_due": 0, "origination_pd": 0.02, "five_category": "关注"},
        {"days_past_due": 0, "origination_pd": 0.02, "five_category": "可疑"},
    ) == [1, 2, 3, 2, 1, 2, 3]


def test_small_pd_increase_is_not_sicr_even_if_doubled() -> None:
    assert stages({"pd": 0.004, "origination_pd": 0.0015}) == [1]  # ×2.7 but only +0.25 points


def test_twelve_month_and_lifetime_ecl() -> None:
    result = expected_credit_loss(
        Portfolio.from_records([row(days_past_due=0), row(obligor_id="B", maturity=0.5)])
    )
    first, short = result.rows
    assert first["ecl"] == pytest.approx(0.02 * 0.5 * 1e8)
    assert first["ecl_lifetime"] > first["ecl_12m"]
    assert short["ecl"] == pytest.approx(0.5 * 0.02 * 0.5 * 1e8)


def test_stage3_books_lgd_times_ead() -> None:
    result = expected_credit_loss(Portfolio.from_records([row(days_past_due=120)]))
    assert result.rows[0]["ecl"] == pytest.approx(0.5 * 1e8)


def test_term_structure_from_transition_matrix() -> None:
    matrix = default_transitions()
    square = np.vstack([matrix.matrix, np.eye(8)[-1]])
    two_year = np.linalg.matrix_power(square, 2)[matrix.ratings.index("BB"), -1]
    assert cumulative_default_curve(matrix, "BB", 2)[2] == pytest.approx(two_year)
    curve = term_structure(0.02, 5, None, matrix, load_master_scale())
    assert curve[1] == pytest.approx(0.02)
    assert np.all(np.diff(curve) > 0)


def test_weighted_scenarios() -> None:
    scenarios = (MacroScenario("base", 0.7), MacroScenario("down", 0.3, pd_multiplier=2.0, lgd_multiplier=1.2))
    book = Portfolio.from_records([row()])
    weighted = expected_credit_loss(book, scenarios)
    base = expected_credit_loss(book, (MacroScenario("base", 1.0),)).total
    down = expected_credit_loss(book, (MacroScenario("down", 1.0, 2.0, 1.2),)).total
    assert weighted.total == pytest.approx(0.7 * base + 0.3 * down)
    assert weighted.by_scenario == pytest.approx({"base": base, "down": down})
    with pytest.raises(InputError, match="weights must sum to 1"):
        scenarios_from_mapping({"scenarios": {"a": {"weight": 0.5}}})


def test_bad_grade_names_the_row() -> None:
    with pytest.raises(InputError, match="row 1: field 'grade' = 'ZZ'"):
        expected_credit_loss(Portfolio.from_records([row(rating="ZZ")]))


def test_ecl_cli() -> None:
    result = CliRunner().invoke(
        app,
        [
            "portfolio",
            "ecl",
            str(EXAMPLES / "book_ecl.csv"),
            "--scenarios",
            str(EXAMPLES / "ecl_scenarios.yaml"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["ecl"] == pytest.approx(sum(r["ecl"] for r in out["rows"]))
    assert set(out["by_stage"]) <= {"1", "2", "3"}
