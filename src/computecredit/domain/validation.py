"""Turning domain-rule failures into :class:`~computecredit.errors.InputError` s that name the exact field.

A rule that spans several fields (the balance sheet balances, a subtotal equals its parts) is checked in a
model validator, where pydantic knows no field path. Such validators raise :func:`rule_error`, which carries
the field, value and rule in the error's context; :func:`input_error` restores them.

>>> from pydantic import BaseModel, model_validator
>>> class Pair(BaseModel):
...     low: int
...     high: int
...     @model_validator(mode="after")
...     def _ordered(self):
...         if self.low > self.high:
...             raise rule_error([("low", self.low, f"must not exceed high ({self.high})")])
...         return self
>>> try:
...     Pair(low=3, high=2)
... except ValueError as exc:
...     print(input_error(exc, source="pairs.csv", row=4))
pairs.csv, row 4: field 'low' = 3: must not exceed high (2)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from computecredit.errors import InputError, Problem

M = TypeVar("M", bound=BaseModel)


def rule_error(problems: Iterable[tuple[str, Any, str]]) -> PydanticCustomError:
    """An error for a model validator that names each (field path, value, rule) it found."""
    found = [(field, value, rule) for field, value, rule in problems]
    message = "; ".join(f"{field} = {value!r}: {rule}" for field, value, rule in found)
    return PydanticCustomError("domain_rule", message, {"problems": found})


def input_error(
    exc: ValidationError | InputError, *, source: str | None = None, row: int | None = None, prefix: str = ""
) -> InputError:
    """An :class:`InputError` from a pydantic error, with the fields of :func:`rule_error` restored."""
    if isinstance(exc, InputError):
        return exc.with_source(source, row)
    problems: list[Problem] = []
    for err in exc.errors():
        context = err.get("ctx") or {}
        if err.get("type") == "domain_rule" and "problems" in context:
            base = ".".join(str(part) for part in err.get("loc", ()))
            for field, value, rule in context["problems"]:
                path = ".".join(p for p in (prefix, base, field) if p)
                problems.append(Problem(field=path, value=value, rule=rule, source=source, row=row))
        else:
            path = ".".join(p for p in (prefix, *(str(part) for part in err.get("loc", ()))) if p)
            rule = err.get("msg", "invalid").removeprefix("Value error, ")
            problems.append(
                Problem(field=path or "(root)", value=err.get("input"), rule=rule, source=source, row=row)
            )
    return InputError(problems=problems)


def parse(model: type[M], data: Mapping[str, Any], *, source: str | None = None, row: int | None = None) -> M:
    """Validate ``data`` as ``model`` or raise :class:`InputError` naming source, row, field, value and rule.

    >>> from computecredit.domain.users import User
    >>> parse(User, {"username": "Bad Name", "display_name": "x", "role": "analyst"}, source="users.csv", row=2)
    Traceback (most recent call last):
    ...
    computecredit.errors.InputError: users.csv, row 2: field 'username' = 'Bad Name': String should match pattern '^[a-z][a-z0-9_.-]{1,31}$'
    """
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise input_error(exc, source=source, row=row) from None


__all__ = ["input_error", "parse", "rule_error"]
