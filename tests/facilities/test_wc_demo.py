"""The demo bank's news deals (REFERENCE.md §1) pass the working-capital need formula of the 2010 流动资金贷款
管理暂行办法 appendix when their inputs come from the borrowers' stored statements: the server maker's 5000万
first loan under its 5亿 line and the listed compute supplier's 1亿 innovation loan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from computecredit.facilities.working_capital import working_capital_need
from computecredit.services.facilities import assess_deal, wc_inputs_for_borrower


@pytest.mark.parametrize(("reference", "requested"), [("WC-2025-001", "50000000"), ("WC-2025-002", "100000000")])
def test_demo_wc_loans_fit_their_working_capital_need(demo_db, reference: str, requested: str) -> None:  # type: ignore[no-untyped-def]
    assessment = assess_deal(demo_db, reference)
    facility = assessment.proposal.facility
    assert facility.amount == Decimal(requested)

    need = working_capital_need(wc_inputs_for_borrower(demo_db, facility.borrower_uscc))
    assert need.turnover_times is not None and need.turnover_times > 0
    assert need.new_wc_loan_limit >= facility.amount

    wc = assessment.working_capital
    assert wc is not None and wc.new_wc_loan_limit == need.new_wc_loan_limit
    wc_constraint = next(c for c in assessment.limit.constraints if c.key == "wc_need")
    assert wc_constraint.amount >= facility.amount
    assert assessment.limit.limit == facility.amount
    assert assessment.recommendation != "decline"
