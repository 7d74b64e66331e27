"""The engine on the examples: consistency of the period table, reproducibility, sizing, sensitivities."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from computecredit import projects
from computecredit.jsonable import to_jsonable
from computecredit.projects.engine import make_plan, max_debt, run_case, solve
from computecredit.projects.examples import example_inputs
from computecredit.projects.simulation import simulate


@pytest.fixture(scope="module")
def ningxia() -> projects.ProjectResult:
    return projects.evaluate(projects.example_path("ningxia_phase1"), simulations=300, seed=11)


def test_contract_keys(ningxia: projects.ProjectResult) -> None:
    data = ningxia.to_dict()
    for key in ("min_dscr", "avg_dscr", "llcr", "project_irr", "equity_irr", "npv", "breakeven_utilization"):
        assert key in data
    assert data["max_debt"] > 0
    for key in ("p_default", "expected_loss", "min_dscr_p05", "paths"):
        assert key in data["simulation"]
    assert data["simulation"]["paths"] == 300


def test_same_seed_same_json() -> None:
    path = projects.example_path("inner_mongolia_merchant")
    first = json.dumps(to_jsonable(projects.evaluate(path, simulations=150, seed=5).to_dict()))
    second = json.dumps(to_jsonable(projects.evaluate(path, simulations=150, seed=5).to_dict()))
    other = json.dumps(to_jsonable(projects.evaluate(path, simulations=150, seed=6).to_dict()))
    assert first == second
    assert first != other


def test_simulation_is_independent_of_threads() -> None:
    plan = make_plan(example_inputs("ningxia_phase1"))
    debt = solve(plan).debt
    one = simulate(plan, debt, paths=700, seed=3, chunk=250, workers=1).as_dict()
    two = simulate(plan, debt, paths=700, seed=3, chunk=250, workers=2).as_dict()
    assert one == two


def test_period_views_add_up(ningxia: projects.ProjectResult) -> None:
    monthly, annual = ningxia.monthly(), ningxia.annual()
    for column in ("revenue", "cfads", "debt_service", "principal"):
        assert annual[column].sum() == pytest.approx(monthly[column].sum())
    assert annual["debt_balance"].iloc[-1] == pytest.approx(0.0, abs=1.0)
    assert ningxia.quarterly()["cfads"].sum() == pytest.approx(monthly["cfads"].sum())


def test_max_debt_meets_its_target() -> None:
    plan = make_plan(example_inputs("ningxia_phase1"))
    capacity = max_debt(plan)
    at_capacity = run_case(plan, [capacity])
    assert at_capacity.min_dscr >= plan.inputs.financing.target_min_dscr - 1e-6
    above = run_case(plan, [capacity * 1.02])
    assert above.min_dscr < plan.inputs.financing.target_min_dscr or above.sources_uses["gearing"] > 0.7


def test_unsized_tranche_takes_max_debt(constant: dict[str, Any]) -> None:
    constant["financing"]["tranches"][0]["amount"] = None
    constant["financing"]["target_min_dscr"] = 1.5
    result = projects.evaluate(constant, simulations=0)
    assert result.metrics["senior_debt"] == pytest.approx(result.max_debt)
    assert result.metrics["min_dscr"] == pytest.approx(1.5, abs=1e-4)


def test_tornado_and_breakevens(ningxia: projects.ProjectResult) -> None:
    bars = {b["driver"]: b for b in ningxia.tornado}
    assert bars["tariff"]["min_dscr_low"] <= bars["tariff"]["min_dscr_high"]
    assert bars["merchant_price"]["min_dscr_low"] <= bars["merchant_price"]["min_dscr_high"]
    assert bars["delay"]["equity_irr_low"] <= bars["delay"]["equity_irr_base"] + 1e-9
    table = np.array(ningxia.two_way["min_dscr"], dtype=float)
    assert np.all(np.diff(table, axis=0) >= -1e-9) and np.all(np.diff(table, axis=1) >= -1e-9)
    assert 0.0 <= ningxia.breakeven_utilization <= 1.0


def test_breakeven_utilization_gives_dscr_one() -> None:
    plan = make_plan(example_inputs("inner_mongolia_merchant"))
    case = solve(plan)
    level = projects.sensitivity.breakeven_utilization(case)
    dscr, _ = projects.sensitivity.run_scenarios(
        case, projects.model.Drivers.base(plan, 1, utilization_level=np.array([level]))
    )
    assert dscr[0] == pytest.approx(1.0, abs=0.02)


def test_offtaker_default_moves_cards_to_merchant() -> None:
    plan = make_plan(example_inputs("ningxia_phase1"))
    case = solve(plan)
    never = projects.model.Drivers.base(plan, 1)
    early = projects.model.Drivers.base(plan, 1, contract_default_month=np.array([[plan.first_cod + 12.0]]))
    base_ops = projects.model.operations(plan, never, case.debt.interest_expense)
    hit_ops = projects.model.operations(plan, early, case.debt.interest_expense)
    year2 = slice(plan.first_cod + 12, plan.first_cod + 24)
    assert hit_ops.contracted_revenue[0, year2].sum() == 0
    assert hit_ops.merchant_revenue[0, year2].sum() > base_ops.merchant_revenue[0, year2].sum()


def test_simulation_outputs_are_probabilities(ningxia: projects.ProjectResult) -> None:
    sim = ningxia.simulation
    assert sim is not None
    assert 0.0 <= sim.p_default <= 1.0 and 0.0 <= sim.pd_annual <= sim.p_default
    assert sim.lgd is None or 0.0 <= sim.lgd <= 1.0
    assert sum(sim.histogram["counts"]) <= sim.paths
    assert sim.expected_loss >= 0


def test_collateral_and_green_in_result(ningxia: projects.ProjectResult) -> None:
    collateral = ningxia.collateral
    assert 0 < collateral["recommended_haircut"] < 1
    values = collateral["value_by_operating_year"]
    assert values[0] == pytest.approx(collateral["collateral_cost"]) and values == sorted(values, reverse=True)
    assert ningxia.green.pue_meets_hub_rule
    assert not ningxia.green.eligible  # 40% green power is below the 80% rule for new hub centres
