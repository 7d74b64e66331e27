"""统一社会信用代码 (unified social credit code): format and check character per GB 32100-2015.

An 18-character code: registration authority (1), organisation type (1), administrative division (6,
GB/T 2260 digits), organisation identifier (9) and a check character. Characters come from the 31-symbol
set ``0-9 A-H J-N P-R T U W-Y`` (no I, O, S, V, Z). The check character is
``C18 = 31 − (Σ Ci·Wi mod 31)`` (31 → 0), with weights ``Wi = 3^(i−1) mod 31`` for positions 1–17
(GB 32100-2015 §4 and Appendix B).

>>> is_valid("91350100M000100Y43")
True
>>> check_character("91350100M000100Y4")
'3'
>>> validate("91350100M000100Y44")
Traceback (most recent call last):
...
computecredit.errors.InputError: field 'uscc' = '91350100M000100Y44': check character must be '3' (GB 32100-2015), not '4'
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

from computecredit.errors import InputError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18
_VALUE = {char: index for index, char in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a code.

    >>> check_character("9144030071526726X")
    'G'
    """
    body = first17.strip().upper()
    if len(body) != LENGTH - 1 or any(char not in _VALUE for char in body):
        raise InputError("uscc", first17, f"needs 17 characters from {ALPHABET}")
    total = sum(_VALUE[char] * weight for char, weight in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate(code: str, *, field: str = "uscc") -> str:
    """Return ``code`` normalised (upper case, trimmed) or raise :class:`InputError` naming the broken rule.

    >>> validate(" 914403001922038216 ")
    '914403001922038216'
    >>> validate("91440300192203821")
    Traceback (most recent call last):
    ...
    computecredit.errors.InputError: field 'uscc' = '91440300192203821': must have 18 characters (GB 32100-2015), has 17
    """
    if not isinstance(code, str):
        raise InputError(field, code, "must be an 18-character text code (GB 32100-2015)")
    normal = code.strip().upper()
    if len(normal) != LENGTH:
        raise InputError(field, code, f"must have 18 characters (GB 32100-2015), has {len(normal)}")
    bad = sorted({char for char in normal if char not in _VALUE})
    if bad:
        raise InputError(field, code, f"characters {''.join(bad)!r} are not allowed (I, O, S, V, Z never occur)")
    if not normal[2:8].isdigit():
        raise InputError(
            field, code, "characters 3–8 must be the 6-digit administrative division code (GB/T 2260)"
        )
    expected = check_character(normal[:17])
    if normal[17] != expected:
        raise InputError(field, code, f"check character must be {expected!r} (GB 32100-2015), not {normal[17]!r}")
    return normal


def is_valid(code: str) -> bool:
    """Whether ``code`` is a well-formed code with the right check character.

    >>> is_valid("9144030071526726XG"), is_valid("9144030071526726XH")
    (True, False)
    """
    try:
        validate(code)
    except InputError:
        return False
    return True


def complete(first17: str) -> str:
    """``first17`` followed by its check character: how the demo bank makes its fictional codes.

    >>> complete("91640100MA7X00001")
    '91640100MA7X00001X'
    """
    return first17.strip().upper() + check_character(first17)


def _field(value: object) -> str:
    try:
        return validate(value)  # type: ignore[arg-type]
    except InputError as exc:
        raise ValueError(exc.problems[0].rule) from None


Uscc = Annotated[str, BeforeValidator(_field)]
"""A pydantic field type: a validated, normalised 统一社会信用代码."""

__all__ = ["ALPHABET", "WEIGHTS", "Uscc", "check_character", "complete", "is_valid", "validate"]
