"""Small books for the rule tests: one borrower, one project, one loan, built in code."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from computecredit.domain import Borrower, Facility, FinancialStatement, Project
from computecredit.monitoring import BorrowerBook, OperatingReport, PaymentRecord, load_rules

USCC = "91640100MA7X00001X"
MONTHS = [date(2025, m, d) for m, d in ((1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30))]


def borrower() -> Borrower:
    return Borrower(
        uscc=USCC,
        name_zh="宁夏示例算力有限公司",
        name_en="Ningxia Example Compute Co.",
        segment="datacenter_operator",
        province="ningxia",
        hub="ningxia",
        ownership="private",
        employees=180,
        revenue=Decimal("300000000"),
        total_assets=Decimal("2000000000"),
    )


def project(**inputs: object) -> Project:
    return Project(
        code="nx-test",
        name="宁夏测试项目",
        borrower_uscc=USCC,
        hub="ningxia",
        province="ningxia",
        inputs={"gpu_model": "H100", **inputs},
    )


def loan(**overrides: object) -> Facility:
    data: dict[str, object] = {
        "reference": "NX-TEST-01",
        "borrower_uscc": USCC,
        "product": "fixed_asset_project_loan",
        "amount": "2亿",
        "tenor_months": 60,
        "rate": {"base": "lpr_5y", "spread_bp": 50},
        "repayment": "equal_principal",
        "status": "active",
    }
    data.update(overrides)
    return Facility.model_validate(data)


def report(period_end: date, **values: object) -> OperatingReport:
    return OperatingReport(project_code="nx-test", period_end=period_end, **values)


def payment(as_of: date, dpd: int = 0, **values: object) -> PaymentRecord:
    overdue = Decimal(1_000_000) if dpd else Decimal(0)
    return PaymentRecord(
        facility_reference="NX-TEST-01",
        as_of=as_of,
        days_past_due=dpd,
        outstanding=Decimal(200_000_000),
        overdue_amount=overdue,
        **values,
    )


def statement(year: int, revenue: int, costs: int, interest: int, cash: int = 500) -> FinancialStatement:
    profit = revenue - costs - interest
    return FinancialStatement(
        borrower_uscc=USCC,
        fiscal_year=year,
        unit="万元",
        values={
            "cash": cash,
            "fixed_assets": 10000,
            "short_term_borrowings": 1000,
            "long_term_borrowings": 5000,
            "accounts_payable": 500,
            "paid_in_capital": 3500 + cash - profit,
            "retained_earnings": profit,
            "operating_revenue": revenue,
            "operating_costs": costs,
            "financial_expenses": interest,
            "interest_expense": interest,
            "depreciation_and_amortisation": 0,  # reported (EBITDA is missing without it), none for simplicity
        },
    )


def book(**parts: object) -> BorrowerBook:
    base: dict[str, object] = {"borrower": borrower(), "projects": (project(),), "facilities": (loan(),)}
    base.update(parts)
    return BorrowerBook(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def rules():
    return load_rules()
