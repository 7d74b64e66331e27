"""Financial statements: line items defined once, subtotals, signs and the balance check with its gap."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from computecredit.domain import FinancialStatement, parse
from computecredit.domain.statements import ITEMS, LINE_ITEMS, STATEMENT_LABELS, StatementKind, items_of
from computecredit.errors import InputError

USCC = "91640100MA7X00001X"
VALUES: dict[str, Any] = {
    "cash": "500",
    "accounts_receivable": "300",
    "fixed_assets": "1200",
    "short_term_borrowings": "600",
    "accounts_payable": "200",
    "paid_in_capital": "1000",
    "retained_earnings": "200",
    "operating_revenue": "3000",
    "operating_costs": "2400",
    "income_tax_expense": "150",
}


def statement(**changes: Any) -> FinancialStatement:
    values = {**VALUES, **changes.pop("values", {})}
    data = {"borrower_uscc": USCC, "fiscal_year": 2024, "unit": "万元", "values": values, **changes}
    return parse(FinancialStatement, data, source="fs.csv", row=2)


def problem(**changes: Any):  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        statement(**changes)
    return caught.value.problems[0]


def test_subtotals_are_computed_and_balance() -> None:
    s = statement()
    assert s.values["total_current_assets"] == Decimal(800)
    assert s.values["total_assets"] == Decimal(2000) == s.values["total_liabilities_and_equity"]
    assert s.values["operating_profit"] == Decimal(600)
    assert s.values["net_profit"] == Decimal(450)
    assert s.yuan("net_profit") == Decimal(4_500_000)
    assert s.yuan("goodwill") == Decimal(0) and s.get("goodwill") is None
    assert s.period_end is not None and s.period_end.isoformat() == "2024-12-31"


def test_unit_conversion_is_exact() -> None:
    s = statement(values={"cash": "500.1234"})
    in_yuan = s.in_unit("元")
    assert in_yuan.values["cash"] == Decimal("5001234")
    assert in_yuan.in_unit("万元").values == s.values


def test_an_unbalanced_balance_sheet_is_refused_with_its_gap() -> None:
    p = problem(values={"total_assets": "2010", "cash": None, "fixed_assets": None, "accounts_receivable": None})
    assert p.field == "values.total_assets" and p.value == "2010"
    assert "does not balance" in p.rule and "gap 10 万元" in p.rule
    assert "tolerance of 0.201 万元" in p.rule
    assert (p.source, p.row) == ("fs.csv", 2)


def test_the_tolerance_is_a_hundredth_of_a_percent_of_assets() -> None:
    # total assets 2000 万元 → tolerance 0.2 万元: a gap of 0.2 passes, 0.21 does not.
    statement(values={"total_liabilities_and_equity": "2000.2"})
    statement(values={"total_assets": "2000.2", "cash": None, "accounts_receivable": None, "fixed_assets": None})
    p = problem(
        values={"total_assets": "2000.21", "cash": None, "accounts_receivable": None, "fixed_assets": None}
    )
    assert "gap 0.21 万元" in p.rule


def test_a_subtotal_that_does_not_add_up_is_refused() -> None:
    p = problem(values={"total_current_assets": "900"})
    assert p.field == "values.total_current_assets"
    assert "sum of its parts, 800" in p.rule and "gap 100 万元" in p.rule


def test_a_subtotal_alone_is_accepted() -> None:
    s = statement(values={"cash": None, "accounts_receivable": None, "total_current_assets": "800"})
    assert s.values["total_assets"] == Decimal(2000)


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"values": {"goodwil": "1"}}, "values.goodwil", "unknown line item code"),
        ({"values": {"cash": "-1"}}, "values.cash", "cannot be negative"),
        ({"values": {"cash": "abc"}}, "values.cash", "must be a number"),
        (
            {"values": {"operating_revenue": None, "operating_costs": None, "income_tax_expense": None}},
            "values.operating_revenue",
            "is required",
        ),
        ({"fiscal_year": 1989}, "fiscal_year", "greater than or equal to 1990"),
        ({"period_end": "2023-12-31"}, "period_end", "must fall in fiscal year 2024"),
        ({"period_months": 13}, "period_months", "less than or equal to 12"),
        ({"unit": "万"}, "unit", "Input should be"),
        ({"currency": "RMB"}, "currency", "Input should be"),
        ({"borrower_uscc": "91640100MA7X00001Y"}, "borrower_uscc", "check character"),
        ({"audited": "maybe"}, "audited", "valid boolean"),
        ({"extra": 1}, "extra", "Extra inputs"),
    ],
)
def test_each_rule_refuses_its_bad_value(changes: dict[str, Any], field: str, rule: str) -> None:
    p = problem(**changes)
    assert p.field == field
    assert rule in p.rule


def test_signed_items_may_be_negative() -> None:
    s = statement(
        values={"retained_earnings": "-100", "credit_impairment_losses": "-50", "paid_in_capital": "1300"}
    )
    assert s.values["operating_profit"] == Decimal(550)


def test_line_items_are_defined_once_with_labels_and_earlier_parts() -> None:
    codes = [item.code for item in LINE_ITEMS]
    assert len(codes) == len(set(codes)) == len(ITEMS)
    assert all(code.isidentifier() and code == code.lower() for code in codes)
    for index, item in enumerate(LINE_ITEMS):
        assert item.zh and item.en
        earlier = set(codes[:index])
        assert all(part in earlier for part, _ in item.formula)
    assert {i.statement for i in LINE_ITEMS} == set(StatementKind) == set(STATEMENT_LABELS)
    assert items_of(StatementKind.BALANCE_SHEET)[-1].code == "total_liabilities_and_equity"


def test_cash_flow_must_reconcile() -> None:
    p = problem(values={"cash_at_beginning": "400", "net_operating_cash_flow": "50", "cash_at_end": "500"})
    assert p.field == "values.cash_at_end" and "sum of its parts, 450" in p.rule
