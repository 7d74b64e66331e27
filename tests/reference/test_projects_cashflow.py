"""Hand-checkable project-finance cases.

Sources: the annuity formula A = B·i / (1 − (1+i)^−n) and the definition DSCR = CFADS / debt service
(e.g. Gatti, *Project Finance in Theory and Practice*, ch. 5; Yescombe, *Principles of Project Finance*,
ch. 12-13). Sculpting sets debt service = CFADS / target DSCR, so DSCR equals the target in every period.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from tests.projects.conftest import CONSTANT, MONTHLY_CFADS  # the hand-checkable case, defined once

from computecredit import projects
from computecredit.projects.engine import make_plan, solve


@pytest.fixture
def constant() -> dict[str, Any]:
    """A project whose CFADS is the same every month (no taxes, failures, ramp or escalation)."""
    return copy.deepcopy(CONSTANT)


def _case(data: dict[str, Any]) -> projects.Case:
    return solve(make_plan(projects.parse_inputs(data)))


def test_constant_cfads(constant: dict[str, Any]) -> None:
    case = _case(constant)
    operating = case.ops.cfads[0, 3:]
    assert np.allclose(operating, MONTHLY_CFADS)


def test_annuity_dscr_on_paper(constant: dict[str, Any]) -> None:
    case = _case(constant)
    debt = 30_000_000.0
    i = 0.048 / 12 * 3  # quarterly: interest accrues monthly on a balance that changes only on payment dates
    n = 20  # payments in months 5, 8, ..., 62
    annuity = debt * i / (1 - (1 + i) ** -n)
    expected = 3 * MONTHLY_CFADS / annuity
    tested = case.dscr[~np.isnan(case.dscr)]
    assert tested.size == n
    assert np.allclose(tested, expected, rtol=1e-9)
    assert case.debt.balance[62] == pytest.approx(0.0, abs=1e-6)
    assert np.allclose(case.debt.debt_service[case.debt.payment_months[:n]], annuity, rtol=1e-9)


def test_equal_principal_dscr_on_paper(constant: dict[str, Any]) -> None:
    constant["financing"]["tranches"][0]["repayment"] = "equal_principal"
    case = _case(constant)
    debt, i, n = 30_000_000.0, 0.048 / 4, 20
    outstanding = debt - debt / n * np.arange(n)
    service = debt / n + outstanding * i
    tested = case.dscr[~np.isnan(case.dscr)]
    assert np.allclose(tested, 3 * MONTHLY_CFADS / service, rtol=1e-9)


def test_sculpted_dscr_equals_target_each_period(constant: dict[str, Any]) -> None:
    tranche = constant["financing"]["tranches"][0]
    tranche.update(repayment="sculpted", target_dscr=1.35, amount=None)
    constant["financing"]["target_min_dscr"] = 1.35
    case = _case(constant)
    tested = case.dscr[~np.isnan(case.dscr)]
    assert tested.size == 20
    assert np.allclose(tested, 1.35, rtol=1e-6)
    # the debt is the present value of CFADS / 1.35 at the quarterly rate
    i = 0.048 / 4
    capacity = sum(3 * MONTHLY_CFADS / 1.35 / (1 + i) ** k for k in range(1, 21))
    assert case.debt.amount == pytest.approx(capacity, rel=1e-6)


def test_sculpted_with_given_amount_keeps_dscr_flat(constant: dict[str, Any]) -> None:
    constant["financing"]["tranches"][0].update(repayment="sculpted", target_dscr=1.3)
    case = _case(constant)
    tested = case.dscr[~np.isnan(case.dscr)]
    assert np.ptp(tested) < 1e-9


def test_interest_during_construction_and_sources_equal_uses(constant: dict[str, Any]) -> None:
    case = _case(constant)
    su = case.sources_uses
    # capex of 1亿 spread over months 0-2; debt drawn pro rata (half of each month's uses), interest on the
    # opening balance: month 1 on 1/2 × 1/3 of the month-0 uses, month 2 on two months' draws
    assert su["uses"]["capex"] == pytest.approx(100_000_000)
    draws = case.debt.draws
    idc = case.debt.interest_during_construction
    assert idc[1] == pytest.approx(draws[0] * 0.048 / 12)
    assert idc[2] == pytest.approx((draws[0] + draws[1]) * 0.048 / 12)
    assert su["sources"]["total"] == pytest.approx(su["uses"]["total"])
