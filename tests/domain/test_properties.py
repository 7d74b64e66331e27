"""Properties (hypothesis): generated USCCs always check; any balanced statement survives CSV and Excel exactly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from computecredit.domain import FinancialStatement, uscc
from computecredit.services import statements as statement_service

symbols = st.sampled_from(uscc.ALPHABET)
bodies = st.tuples(
    st.text(uscc.ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(uscc.ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(bodies)
def test_completed_codes_are_valid_and_only_their_check_character_is(body: str) -> None:
    code = uscc.complete(body)
    assert uscc.is_valid(code)
    assert sum(uscc.is_valid(body + char) for char in uscc.ALPHABET) == 1


@given(bodies, st.integers(0, 16), symbols)
def test_any_single_substitution_is_detected(body: str, position: int, char: str) -> None:
    code = uscc.complete(body)
    changed = code[:position] + char + code[position + 1 :]
    assert uscc.is_valid(changed) == (changed == code)


amounts = st.decimals(min_value=0, max_value=Decimal("1e9"), places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=20, deadline=None)
@given(amounts, amounts, amounts, amounts, amounts, st.sampled_from(["元", "万元", "亿元"]))
def test_balanced_statements_round_trip_exactly(cash, receivables, fixed, loans, revenue, unit) -> None:  # type: ignore[no-untyped-def]
    assets = cash + receivables + fixed + Decimal("0.01")
    statement = FinancialStatement(
        borrower_uscc="91640100MA7X00001X",
        fiscal_year=2024,
        unit=unit,
        values={
            "cash": cash + Decimal("0.01"),
            "accounts_receivable": receivables,
            "fixed_assets": fixed,
            "short_term_borrowings": min(loans, assets),
            "paid_in_capital": assets - min(loans, assets),
            "operating_revenue": revenue,
            "operating_costs": revenue,
        },
    )
    with TemporaryDirectory() as folder:
        for suffix in (".csv", ".xlsx"):
            path = Path(folder) / f"fs{suffix}"
            statement_service.write_statements(path, [statement])
            assert statement_service.read_statements(path) == [statement]
