from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from computecredit.errors import InputError
from computecredit.money import format_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.8亿", Decimal("280000000")),
        ("5000万", Decimal("50000000")),
        ("5000万元", Decimal("50000000")),
        ("10亿元", Decimal("1000000000")),
        ("1,234.56", Decimal("1234.56")),
        ("1.5 million", Decimal("1500000")),
        ("¥300", Decimal("300")),
        ("-2万", Decimal("-20000")),
        (42, Decimal("42")),
    ],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("bad", ["", "亿", "abc", "5 apples", "1.2.3万", True])
def test_parse_amount_refuses_with_field_value_and_rule(bad):
    with pytest.raises(InputError) as info:
        parse_amount(bad, field="facility.amount")
    problem = info.value.problems[0]
    assert problem.field == "facility.amount"
    assert problem.value == bad
    assert "unit" in problem.rule or "number" in problem.rule


def test_format_amount_picks_the_natural_unit():
    assert format_amount(Decimal("280000000")) == "2.80亿元"
    assert format_amount(Decimal("50000000")) == "5,000.00万元"
    assert format_amount(Decimal("999")) == "999.00元"
    assert format_amount(Decimal("1000000000"), lang="en") == "1.00 billion CNY"


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False))
def test_format_then_parse_round_trips_in_yuan(amount):
    text = format_amount(amount, unit="元")
    assert parse_amount(text) == amount
