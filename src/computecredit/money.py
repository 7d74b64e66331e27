"""Money as ``Decimal``, parsed and printed the way Chinese bankers read amounts (元 / 万元 / 亿元).

>>> parse_amount("2.8亿")
Decimal('280000000')
>>> parse_amount("5000万")
Decimal('50000000')
>>> parse_amount("1,234.50 元")
Decimal('1234.50')
>>> format_amount(Decimal("280000000"))
'2.80亿元'
>>> format_amount(Decimal("50000000"), lang="en")
'50.00 million CNY'
>>> format_amount(Decimal("50000000"), unit="万元")
'5,000.00万元'
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from computecredit.errors import InputError

# Multipliers for the units found in Chinese credit documents.
UNITS: dict[str, Decimal] = {
    "元": Decimal(1),
    "万": Decimal(10_000),
    "万元": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "亿元": Decimal(100_000_000),
    "千": Decimal(1_000),
    "百万": Decimal(1_000_000),
    "k": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
    "cny": Decimal(1),
    "rmb": Decimal(1),
    "yuan": Decimal(1),
}

_AMOUNT = re.compile(
    r"^\s*(?P<sign>[-+])?\s*(?:cny|rmb|¥|￥)?\s*(?P<num>(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?)\s*(?P<unit>[^\d\s].*?)?\s*$",
    re.IGNORECASE,
)

Unit = Literal["元", "万元", "亿元"]
CENT = Decimal("0.01")


def parse_amount(text: str | int | float | Decimal, *, field: str = "amount") -> Decimal:
    """Parse an amount with an optional unit into ``Decimal`` yuan; raise :class:`InputError` if unreadable.

    >>> parse_amount("10亿")
    Decimal('1000000000')
    >>> parse_amount(" -3.5万元 ")
    Decimal('-35000')
    >>> parse_amount("5.0E+7") == 50_000_000  # how a Decimal amount is written in stored JSON
    True
    >>> parse_amount("lots")
    Traceback (most recent call last):
    ...
    computecredit.errors.InputError: field 'amount' = 'lots': must be a number with an optional unit (元, 万, 亿)
    """
    if isinstance(text, Decimal):
        return text
    if isinstance(text, bool):
        raise InputError(field, text, "must be a number with an optional unit (元, 万, 亿)")
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(repr(text))
    match = _AMOUNT.match(str(text))
    if not match:
        raise InputError(field, text, "must be a number with an optional unit (元, 万, 亿)")
    unit = (match.group("unit") or "元").strip().lower()
    if unit not in UNITS:
        raise InputError(field, text, f"unknown unit {unit!r}; use one of 元, 万元, 亿元")
    try:
        number = Decimal(match.group("num").replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise InputError(field, text, "must be a number") from exc
    value = number * UNITS[unit]
    if UNITS[unit] != 1 and value == value.to_integral_value():
        value = value.quantize(Decimal(1))  # "2.8亿" reads as a whole number of yuan
    return -value if match.group("sign") == "-" else value


def best_unit(amount: Decimal) -> Unit:
    """The unit a banker would print ``amount`` in: 亿元 from 1亿, 万元 from 1万, else 元."""
    size = abs(amount)
    if size >= UNITS["亿"]:
        return "亿元"
    if size >= UNITS["万"]:
        return "万元"
    return "元"


def format_amount(
    amount: Decimal | int | float,
    *,
    unit: Unit | None = None,
    lang: str = "zh",
    places: int = 2,
) -> str:
    """Format an amount with its unit always visible; ``unit=None`` picks the natural one.

    >>> format_amount(Decimal("123456789.5"), lang="en", unit="亿元")
    '1.23 hundred million CNY'
    >>> format_amount(1500, lang="zh")
    '1,500.00元'
    """
    value = (
        amount if isinstance(amount, Decimal) else Decimal(repr(amount) if isinstance(amount, float) else amount)
    )
    chosen = unit or best_unit(value)
    scaled = (value / UNITS[chosen]).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{scaled:,.{places}f}"
    if lang.startswith("zh"):
        return f"{text}{chosen}"
    if unit is None:
        # English readers think in millions and billions, not 万 and 亿.
        millions = value / Decimal(1_000_000)
        if abs(value) >= Decimal(1_000_000_000):
            return f"{value / Decimal(1_000_000_000):,.{places}f} billion CNY"
        if abs(value) >= Decimal(1_000_000):
            return f"{millions:,.{places}f} million CNY"
        return f"{value:,.{places}f} CNY"
    english = {"元": "CNY", "万元": "ten-thousand CNY", "亿元": "hundred million CNY"}[chosen]
    return f"{text} {english}"


def to_cents(amount: Decimal) -> Decimal:
    """Round to the fen (0.01 元), half up, as a bank's ledger does.

    >>> to_cents(Decimal("1.005"))
    Decimal('1.01')
    """
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


__all__ = ["UNITS", "best_unit", "format_amount", "parse_amount", "to_cents"]
