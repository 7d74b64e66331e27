"""The innovation assessment a product line reads: the steady-cash-flow test on the one operating-cash-flow
definition, and the same innovation score the rating of the same borrower and statements makes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from computecredit.domain.borrowers import Borrower
from computecredit.domain.statements import FinancialStatement
from computecredit.rating.innovation import innovation_assessment, steady_operating_cash_flow
from computecredit.services.rating import rate_borrower_data
from computecredit.store.borrowers import list_borrowers, list_statements
from computecredit.store.database import Database

USCC = "91520100MADMJQ00GN"


def _year(year: int, ocf: int | None) -> FinancialStatement:
    values = {
        "cash": 300,
        "fixed_assets": 1200,
        "short_term_borrowings": 200,
        "paid_in_capital": 1300,
        "operating_revenue": 800,
        "operating_costs": 500,
    }
    if ocf is not None:
        values["net_operating_cash_flow"] = ocf
    return FinancialStatement(borrower_uscc=USCC, fiscal_year=year, unit="万元", values=values)


@pytest.mark.parametrize(
    ("flows", "steady"),
    [
        ({2023: 10, 2024: 20}, True),
        ({2022: -5, 2023: 10, 2024: 20}, True),  # only the last two years count
        ({2023: 0, 2024: 20}, False),  # zero is not positive
        ({2023: 10, 2024: -1}, False),
        ({2024: 20}, False),  # one year is no track record
        ({2022: 10, 2024: 20}, False),  # 2023 missing
        ({2023: None, 2024: 20}, False),  # no cash-flow statement in 2023
    ],
)
def test_steady_operating_cash_flow(flows: dict[int, int | None], steady: bool) -> None:
    test = steady_operating_cash_flow([_year(y, v) for y, v in flows.items()])
    assert test.steady is steady
    assert [y.year for y in test.years] == [2023, 2024]
    assert test.years[-1].operating_cash_flow == Decimal(flows[2024] or 0) * 10_000


def test_a_years_consolidated_statement_is_the_one_judged() -> None:
    parent_only = _year(2024, -50).model_copy(update={"consolidated": False})
    test = steady_operating_cash_flow([_year(2023, 10), parent_only, _year(2024, 20)])
    assert test.steady and test.years[-1].operating_cash_flow == Decimal(200_000)


def test_the_assessment_is_the_ratings_innovation_for_every_demo_borrower(_demo_bank_file: Path) -> None:
    db = Database(f"sqlite:///{_demo_bank_file}")
    try:
        with db.transaction() as session:
            pairs = [(b, list_statements(session, b.uscc)) for b in list_borrowers(session)]
    finally:
        db.dispose()
    steady = set()
    for borrower, statements in pairs:
        assessment = innovation_assessment(borrower, statements)
        rating, used = rate_borrower_data(borrower, statements)
        assert assessment.score == rating.innovation.score, borrower.uscc
        assert assessment.notches == rating.innovation.notches, borrower.uscc
        assert assessment.inputs == {k: used["innovation"].get(k) for k in assessment.inputs}
        if assessment.steady_cash_flow:
            steady.add(borrower.uscc)
    assert USCC not in steady and 0 < len(steady) < len(pairs)  # the thin 科技易贷 borrower has none


def test_missing_inputs_are_named_and_extra_inputs_fill_them(_demo_bank_file: Path) -> None:
    db = Database(f"sqlite:///{_demo_bank_file}")
    try:
        with db.transaction() as session:
            borrower = next(b for b in list_borrowers(session) if b.uscc == USCC)
            statements = list_statements(session, USCC)
    finally:
        db.dispose()
    bare = innovation_assessment(borrower, statements)
    assert "patent_citations" in bare.missing and bare.components["patent_citations"] == 0.0
    fuller = innovation_assessment(borrower, statements, {"patent_citations": 50, "awards": 3})
    assert "patent_citations" not in fuller.missing and fuller.score > bare.score


def test_a_large_enterprise_gets_no_uplift() -> None:
    large = Borrower(
        uscc=USCC,
        name_zh="大型示例科技有限公司",
        name_en="Large Example Tech",
        segment="ai_software_services",
        province="guizhou",
        ownership="private",
        employees=5000,
        revenue=Decimal("5e9"),
        total_assets=Decimal("8e9"),
        credentials={
            "invention_patents": 200,
            "patents": 400,
            "rd_staff": 2000,
            "specialised_level": "national_little_giant",
            "high_tech_enterprise": True,
        },
    )
    assessment = innovation_assessment(
        large, [], {"patent_citations": 80, "awards": 5, "venture_funding_rounds": 3}
    )
    assert assessment.score >= 80 and assessment.notches == 0 and not assessment.is_sme  # an SME would get 2
    assert assessment.steady_cash_flow is False and assessment.cash_flow == ()
