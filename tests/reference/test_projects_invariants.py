"""Invariants on every example project (issue 3): sources = uses; debt repaid by maturity; DSCR = CFADS /
debt service; a higher tariff never raises the min DSCR; a higher utilisation never lowers it.

Source of the definitions: DSCR = CFADS of the period / senior debt service (Yescombe, *Principles of
Project Finance*, 2nd ed., §12.3).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from computecredit.projects import example_names
from computecredit.projects.debt import period_sums
from computecredit.projects.engine import make_plan, solve
from computecredit.projects.examples import example_inputs

EXAMPLES = example_names()
CASES = {name: solve(make_plan(example_inputs(name))) for name in EXAMPLES}


@pytest.mark.parametrize("name", EXAMPLES)
def test_sources_equal_uses(name: str) -> None:
    su = CASES[name].sources_uses
    assert su["sources"]["total"] == pytest.approx(su["uses"]["total"], abs=1.0)
    debt = CASES[name].debt
    assert np.allclose(debt.draws + debt.equity, debt.uses)


@pytest.mark.parametrize("name", EXAMPLES)
def test_debt_repaid_by_maturity(name: str) -> None:
    case = CASES[name]
    for tranche, terms in zip(case.debt.tranches, case.plan.inputs.financing.tranches, strict=True):
        assert tranche.balance[terms.tenor_months - 1] == pytest.approx(0.0, abs=1e-6)
        assert tranche.principal.sum() == pytest.approx(tranche.draws.sum())


@pytest.mark.parametrize("name", EXAMPLES)
def test_dscr_is_cfads_over_debt_service(name: str) -> None:
    case = CASES[name]
    debt = case.debt
    cfads = period_sums(case.ops.cfads[0], debt.payment_months, debt.period_start)
    service = case.flows.debt_service[0][debt.payment_months]
    tested = ~np.isnan(case.dscr)
    assert tested.any()
    assert np.allclose(case.dscr[tested], cfads[tested] / service[tested])


def _min_dscr(name: str, **changes: float) -> float:
    inputs = example_inputs(name)
    site = inputs.site.model_copy(update={k: v for k, v in changes.items() if k == "tariff_cny_per_kwh"})
    revenue = inputs.revenue
    if "utilization_shift" in changes and revenue.merchant is not None:
        shift = changes["utilization_shift"]
        ramp = [min(max(u + shift, 0.0), 1.0) for u in revenue.merchant.utilization_ramp]
        revenue = revenue.model_copy(
            update={"merchant": revenue.merchant.model_copy(update={"utilization_ramp": ramp})}
        )
    if "contract_utilization" in changes:
        offtake = [o.model_copy(update={"utilization": changes["contract_utilization"]}) for o in revenue.offtake]
        revenue = revenue.model_copy(update={"offtake": offtake})
    changed = inputs.model_copy(update={"site": site, "revenue": revenue})
    value = solve(make_plan(changed)).min_dscr
    assert value is not None
    return value


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(EXAMPLES),
    low=st.floats(min_value=0.15, max_value=0.9),
    step=st.floats(min_value=0.01, max_value=0.5),
)
def test_higher_tariff_never_raises_min_dscr(name: str, low: float, step: float) -> None:
    assert _min_dscr(name, tariff_cny_per_kwh=low + step) <= _min_dscr(name, tariff_cny_per_kwh=low) + 1e-9


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(EXAMPLES),
    low=st.floats(min_value=-0.3, max_value=0.2),
    step=st.floats(min_value=0.01, max_value=0.2),
)
def test_higher_merchant_utilization_never_lowers_min_dscr(name: str, low: float, step: float) -> None:
    assert _min_dscr(name, utilization_shift=low + step) >= _min_dscr(name, utilization_shift=low) - 1e-9


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(low=st.floats(min_value=0.8, max_value=0.95), step=st.floats(min_value=0.01, max_value=0.1))
def test_higher_contract_utilization_never_lowers_min_dscr(low: float, step: float) -> None:
    # above the take-or-pay share (0.8 in this example) more use is more revenue; below it, the customer
    # pays the take-or-pay minimum whatever it uses, so more use only adds power cost
    high = min(low + step, 1.0)
    name = "ningxia_phase1"
    assert _min_dscr(name, contract_utilization=high) >= _min_dscr(name, contract_utilization=low) - 1e-9
