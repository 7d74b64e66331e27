"""Statement metrics: one definition of EBITDA, debt and the covenant ratios, read alike by every engine.

The demo bank's statements (examples/demo_bank/statements.csv) are the inputs; each consumer (the rating's
ratio library, the facilities proposal built from records, the monitoring book) must report the figure
:mod:`computecredit.domain.metrics` defines, and a statement without D&A has no EBITDA anywhere.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from computecredit.domain import FinancialStatement
from computecredit.domain.metrics import (
    ebit,
    ebitda,
    interest_bearing_debt,
    net_debt,
    statement_figures,
    yuan_lines,
)
from computecredit.facilities.from_records import headline_financials, proposal_from_records
from computecredit.monitoring.book import BorrowerBook
from computecredit.rating.ratios import compute_ratios
from computecredit.services.demo import read_demo_bank
from computecredit.services.facilities import analyst_rating

XINGLAN = "91420100MAX6LY0C6L"  # 湖北星澜计算技术, the ratio library's hand-computed borrower


@pytest.fixture(scope="module")
def demo() -> dict:
    return read_demo_bank()


@pytest.fixture(scope="module")
def statements(demo: dict) -> dict[str, list[FinancialStatement]]:
    by_borrower: dict[str, list[FinancialStatement]] = {}
    for located in demo["statements"]:
        by_borrower.setdefault(located.statement.borrower_uscc, []).append(located.statement)
    return {uscc: sorted(found, key=lambda s: s.fiscal_year) for uscc, found in by_borrower.items()}


def test_ebitda_is_total_profit_plus_expensed_interest_plus_d_and_a(statements: dict) -> None:
    fy2024 = next(s for s in statements[XINGLAN] if s.fiscal_year == 2024)
    lines = yuan_lines(fy2024)
    # 利润总额 27,885.71万 + 费用化利息支出 7,963.93万 + 折旧摊销 11,487.99万 (万元 → 元)
    assert ebit(lines) == Decimal("358496400")
    assert ebitda(lines) == Decimal("473376300")
    # operating profit (27,511.38万) would leave out the net non-operating income of 374.33万
    assert ebitda(lines) - (
        lines["operating_profit"] + lines["interest_expense"] + lines["depreciation_and_amortisation"]
    ) == Decimal("3743300")
    # 短期借款 + 一年内到期的非流动负债 + 长期借款 + 租赁负债 (no bonds); net of 货币资金 48,430.22万
    assert interest_bearing_debt(lines) == Decimal("2118116700")
    assert net_debt(lines) == Decimal("1633814500")
    figures = statement_figures(fy2024)
    assert figures["leverage"] == pytest.approx(2118116700 / 473376300, abs=1e-6)
    assert figures["interest_cover"] == pytest.approx(473376300 / 79639300, abs=1e-6)


def test_rating_facilities_and_monitoring_read_the_same_figures(demo: dict, statements: dict) -> None:
    borrowers = {b.uscc: b for b in demo["borrowers"]}
    checked = 0
    for uscc, found in statements.items():
        for previous, current in zip([None, *found[:-1]], found, strict=True):
            figures = statement_figures(current, previous)
            ratios = compute_ratios(yuan_lines(current), yuan_lines(previous) if previous else None)
            for figure, ratio in (
                ("leverage", "debt_to_ebitda"),
                ("interest_cover", "ebitda_interest_coverage"),
                ("debt_to_assets", "debt_to_assets"),
                ("current_ratio", "current_ratio"),
                ("net_margin", "net_margin"),
            ):
                assert figures.get(figure) == pytest.approx(ratios[ratio].value, abs=1e-6), (uscc, figure)
            book = BorrowerBook(
                borrower=borrowers[uscc],
                statements=tuple(s for s in found if s.fiscal_year <= current.fiscal_year),
            )
            assert book.metrics() == figures
            checked += 1
        trend = headline_financials(found)
        assert [Decimal(y["ebitda"]) for y in trend] == [ebitda(yuan_lines(s)) for s in found]
    assert checked == len(demo["statements"])


def test_the_proposal_from_records_tests_covenants_on_the_shared_figures(demo: dict, statements: dict) -> None:
    borrowers = {b.uscc: b for b in demo["borrowers"]}
    facility = next(f for f in demo["facilities"] if f.borrower_uscc in statements and f.parent_reference is None)
    found = statements[facility.borrower_uscc]
    proposal = proposal_from_records(
        bank=demo["bank"],
        borrower=borrowers[facility.borrower_uscc],
        statements=found,
        rating=analyst_rating(facility.borrower_uscc, 0.02, "analyst"),
        facility=facility,
        book=[],
        as_of=date(2025, 6, 30),
        analyst="analyst",
    )
    assert proposal.structuring.covenant_test_values == statement_figures(found[-1], found[-2])
    latest = max(proposal.profile.financials, key=lambda y: y.year)
    assert latest.ebitda == ebitda(yuan_lines(found[-1]))
    assert latest.total_debt == interest_bearing_debt(yuan_lines(found[-1]))


def test_without_d_and_a_there_is_no_ebitda_anywhere(statements: dict) -> None:
    reported = next(s for s in statements[XINGLAN] if s.fiscal_year == 2024)
    values = {k: v for k, v in reported.values.items() if k != "depreciation_and_amortisation"}
    bare = FinancialStatement.model_validate({**reported.model_dump(), "values": values})
    figures = statement_figures(bare)
    assert "leverage" not in figures and "interest_cover" not in figures
    assert figures["debt_to_assets"] == statement_figures(reported)["debt_to_assets"]
    assert (
        compute_ratios(yuan_lines(bare))["debt_to_ebitda"].reason == "missing line depreciation_and_amortisation"
    )
    assert [y["year"] for y in headline_financials([bare, reported.model_copy(update={"fiscal_year": 2025})])] == [
        2025
    ]
