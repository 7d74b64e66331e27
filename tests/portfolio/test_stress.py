from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.errors import InputError
from computecredit.portfolio.inputs import load_factor_model, load_portfolio_csv
from computecredit.portfolio.stress import (
    load_scenarios,
    run_stress,
    scenario_library_from_mapping,
    stressed_parameters,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "portfolio"


@pytest.fixture(scope="module")
def book():
    return load_portfolio_csv(EXAMPLES / "book.csv")


@pytest.fixture(scope="module")
def factors():
    return load_factor_model(EXAMPLES / "factors.yaml")


def test_library_has_the_compute_scenarios() -> None:
    keys = set(load_scenarios().scenarios)
    assert {
        "gpu_rental_halved",
        "merchant_utilisation_down_30pt",
        "export_controls_tighter",
        "electricity_up_30pct",
        "ai_demand_slowdown",
        "offtaker_default",
    } <= keys


def test_every_scenario_raises_expected_loss_and_lowers_the_capital_ratio(book, factors) -> None:
    base, outcomes = run_stress(book, factors, bank_capital=8e9, bank_rwa=9e10)
    for outcome in outcomes:
        assert outcome.delta_expected_loss > 0, outcome.key
        assert outcome.delta_var > 0, outcome.key
        assert outcome.capital_ratio_impact < 0, outcome.key
        expected_ratio = (8e9 - outcome.delta_expected_loss) / (9e10 + outcome.rwa - base["rwa"])
        assert outcome.capital_ratio == pytest.approx(expected_ratio)
        assert outcome.worst_names[0]["delta_expected_loss"] >= outcome.worst_names[-1]["delta_expected_loss"]


def test_no_driver_move_leaves_pds_unchanged(book, factors) -> None:
    library = scenario_library_from_mapping(
        {
            # every sector of the book must be listed (an unlisted one is refused); an empty row is no exposure
            "sensitivities": {
                "idc": {"electricity_price": 3.0},
                "servers": {},
                "chips": {},
                "compute_leasing": {},
                "cloud": {},
            },
            "scenarios": {"calm": {"drivers": {}}},
        }
    )
    pd, lgd = stressed_parameters(book, factors, library, library.scenarios["calm"])
    assert np.allclose(pd, book.pd) and np.allclose(lgd, book.lgd)


def test_offtaker_default_defaults_the_largest_cloud_name(book, factors) -> None:
    library = load_scenarios()
    pd, _ = stressed_parameters(book, factors, library, library.scenarios["offtaker_default"])
    cloud = book.sector == "cloud"
    largest = book.obligor_id[cloud][np.argmax(book.ead[cloud])]
    assert pd[book.obligor_id == largest].tolist() == [1.0]
    assert np.all(pd[book.obligor_id != largest] < 1.0)


def test_project_pd_hook_overrides_sector_transmission(book, factors) -> None:
    library = load_scenarios()
    seen = []

    def project_rerun(scenario, portfolio):
        seen.append(scenario.key)
        return {"IDC-01": 0.3}

    pd, _ = stressed_parameters(book, factors, library, library.scenarios["electricity_up_30pct"], project_rerun)
    assert seen == ["electricity_up_30pct"]
    assert pd[book.obligor_id == "IDC-01"].tolist() == [0.3]
    with pytest.raises(InputError, match="project re-run PD"):
        stressed_parameters(
            book, factors, library, library.scenarios["gpu_rental_halved"], lambda s, p: {"IDC-01": 2}
        )


def test_bad_scenario_inputs() -> None:
    with pytest.raises(InputError, match="unknown driver"):
        scenario_library_from_mapping({"scenarios": {"x": {"drivers": {"moon_phase": 1}}}})
    with pytest.raises(InputError, match="not in the library"):
        run_stress(
            load_portfolio_csv(EXAMPLES / "book.csv"),
            load_factor_model(EXAMPLES / "factors.yaml"),
            scenarios=["nope"],
        )


def test_stress_cli_json() -> None:
    result = CliRunner().invoke(
        app,
        [
            "portfolio",
            "stress",
            str(EXAMPLES / "book.csv"),
            "--factors",
            str(EXAMPLES / "factors.yaml"),
            "--scenario",
            "gpu_rental_halved",
            "--bank-capital",
            "8e9",
            "--bank-rwa",
            "9e10",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [s["key"] for s in out["scenarios"]] == ["gpu_rental_halved"]
    assert out["scenarios"][0]["capital_ratio_impact"] < 0
    assert out["baseline"]["capital_ratio"] == pytest.approx(8e9 / 9e10)


def test_project_engine_rerun_feeds_the_stress(book, factors) -> None:
    from computecredit import projects
    from computecredit.portfolio.stress import project_pd_hook, stressed_project_inputs

    inputs = projects.load_project(projects.example_path("ningxia_phase1"))
    library = load_scenarios()
    halved = stressed_project_inputs(inputs, library.scenarios["gpu_rental_halved"], set())
    assert halved.revenue.merchant.price == pytest.approx(inputs.revenue.merchant.price / 2)
    assert stressed_project_inputs(inputs, library.scenarios["export_controls_tighter"], set()) is None
    customer = inputs.revenue.offtake[0].customer
    dropped = stressed_project_inputs(inputs, library.scenarios["export_controls_tighter"], {customer})
    assert dropped is not None and len(dropped.revenue.offtake) == len(inputs.revenue.offtake) - 1

    hook = project_pd_hook({"IDC-05": inputs}, simulations=300, seed=1)
    base_pd = projects.evaluate(inputs, simulations=300, seed=1, sensitivities=False).simulation.pd_annual
    stressed = hook(library.scenarios["merchant_utilisation_down_30pt"], book)
    assert stressed["IDC-05"] > base_pd
    assert hook(library.scenarios["export_controls_tighter"], book) == {}
    pd, _ = stressed_parameters(book, factors, library, library.scenarios["merchant_utilisation_down_30pt"], hook)
    assert pd[book.obligor_id == "IDC-05"].tolist() == [stressed["IDC-05"]]


def test_stress_cli_with_a_project(tmp_path: Path) -> None:
    from computecredit import projects

    result = CliRunner().invoke(
        app,
        [
            "portfolio",
            "stress",
            str(EXAMPLES / "book.csv"),
            "--factors",
            str(EXAMPLES / "factors.yaml"),
            "--scenario",
            "electricity_up_30pct",
            "--project",
            f"IDC-05={projects.example_path('ningxia_phase1')}",
            "--project-simulations",
            "200",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    bad = CliRunner().invoke(
        app, ["portfolio", "stress", str(EXAMPLES / "book.csv"), "--rho", "0.2", "--project", "NOBODY=x.yaml"]
    )
    assert bad.exit_code == 2 and "OBLIGOR_ID=PROJECT.yaml" in bad.stderr


def test_the_platforms_chain_segments_are_stressed_through_their_aliases():
    """A book exported from the database names its sectors by chain segment (domain.ChainSegment)."""
    from computecredit.domain.borrowers import ChainSegment
    from computecredit.portfolio import FactorModel, Portfolio
    from computecredit.portfolio.stress import load_scenarios, stressed_parameters

    segments = [segment.value for segment in ChainSegment]
    book = Portfolio.from_records(
        [
            {
                "obligor_id": f"O{i}",
                "group_id": f"G{i}",
                "sector": s,
                "region": "宁夏",
                "ead": 1e8,
                "pd": 0.02,
                "lgd": 0.45,
                "maturity": 3,
            }
            for i, s in enumerate(segments)
        ]
    )
    library = load_scenarios()
    pd, _lgd = stressed_parameters(
        book, FactorModel.one_factor(0.2, segments), library, library.scenarios["ai_demand_slowdown"]
    )
    assert (pd > 0.02).all(), dict(zip(segments, pd, strict=True))


def test_a_sector_the_library_cannot_stress_is_refused():
    from computecredit.errors import InputError
    from computecredit.portfolio import FactorModel, Portfolio
    from computecredit.portfolio.stress import load_scenarios, stressed_parameters

    book = Portfolio.from_records(
        [
            {
                "obligor_id": "O1",
                "group_id": "G1",
                "sector": "shipping",
                "region": "上海",
                "ead": 1e8,
                "pd": 0.02,
                "lgd": 0.45,
                "maturity": 3,
            }
        ]
    )
    library = load_scenarios()
    with pytest.raises(InputError, match="no stress sensitivities"):
        stressed_parameters(
            book, FactorModel.one_factor(0.2, ["shipping"]), library, library.scenarios["gpu_rental_halved"]
        )
