"""The cash waterfall: DSRA target, lock-up, cash sweep, defaults and completion support."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from computecredit import projects
from computecredit.projects.debt import waterfall
from computecredit.projects.engine import make_plan, solve
from computecredit.projects.examples import example_inputs
from computecredit.projects.model import Drivers, operations


def test_dsra_holds_the_next_months_of_debt_service() -> None:
    case = solve(make_plan(example_inputs("ningxia_phase1")))
    debt, dsra = case.debt, case.flows.dsra_balance
    assert dsra is not None
    months = case.plan.inputs.financing.dsra_months
    for t in debt.payment_months[:6]:
        assert dsra[0, t] == pytest.approx(debt.debt_service[t + 1 : t + 1 + months].sum())
    assert case.sources_uses["uses"]["initial_dsra"] == pytest.approx(
        debt.debt_service[case.plan.first_cod : case.plan.first_cod + months].sum()
    )


def test_cash_sweep_prepays_the_debt() -> None:
    result = projects.evaluate(
        projects.example_path("inner_mongolia_merchant"), simulations=0, sensitivities=False
    )
    table = result.monthly()
    assert table["cash_sweep"].sum() > 0
    # a 50% sweep splits the cash left evenly with the distribution, until the sweep repays the last of the
    # debt (the sweep is capped at the balance outstanding)
    dates = table[(table["cash_sweep"] > 0) & (table["distributions"] > 0)]
    assert np.allclose(dates["cash_sweep"].iloc[:-1], dates["distributions"].iloc[:-1])
    assert (dates["cash_sweep"] <= dates["distributions"] + 1e-6).all()
    # ... which happens before the scheduled maturity: nothing of the schedule is left
    assert dates.index[-1] < result.case.debt.maturity_month
    assert result.case.flows.debt_scale[0] == pytest.approx(0.0, abs=1e-9)


def test_lock_up_keeps_cash_in_the_project(constant: dict[str, Any]) -> None:
    constant["financing"]["lockup_dscr"] = 5.0  # every period with debt service fails the test
    case = solve(make_plan(projects.parse_inputs(constant)))
    distributions = case.flows.distributions
    assert distributions is not None
    maturity = case.debt.maturity_month
    assert distributions[0, : maturity + 1].sum() == 0
    # the cash kept is released once the debt is repaid
    trapped = (
        case.ops.cfads[0, : maturity + 1].sum() - case.debt.debt_service[case.plan.first_cod : maturity + 1].sum()
    )
    assert distributions[0, maturity + 1 : maturity + 4].sum() > 0.99 * trapped


def test_shortfall_after_dsra_is_a_default() -> None:
    plan = make_plan(example_inputs("ningxia_phase1"))
    case = solve(plan)
    crash = Drivers.base(
        plan, 2, price_factor=np.array([1.0, 0.05]), contract_default_month=np.array([[1e9], [0.0]])
    )
    flows = waterfall(plan, case.debt, operations(plan, crash, case.debt.interest_expense))
    assert not np.isfinite(flows.default_month[0])
    assert np.isfinite(flows.default_month[1])
    assert 0 < flows.exposure_at_default[1] <= case.debt.amount


def test_completion_support_pays_debt_service_during_a_delay() -> None:
    plan = make_plan(example_inputs("ningxia_phase1"))
    case = solve(plan)
    late = Drivers.base(plan, 1, delay_months=np.array([6.0]))
    flows = waterfall(plan, case.debt, operations(plan, late, case.debt.interest_expense), detail=True)
    assert flows.sponsor_support is not None and flows.sponsor_support.sum() > 0
    assert not np.isfinite(flows.default_month[0])
