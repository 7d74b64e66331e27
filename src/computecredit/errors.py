"""Errors that carry enough context to tell a user exactly what is wrong.

Every shell (CLI, web, file import) turns an :class:`InputError` into a message that names the
source (file and row where known), the field, the offending value and the rule it broke. The CLI
exits with status 2 on it; the REST API answers 422 with an RFC 9457 problem document.

>>> err = InputError(field="pd", value=1.2, rule="must lie in [0, 1]", source="book.csv", row=7)
>>> str(err)
"book.csv, row 7: field 'pd' = 1.2: must lie in [0, 1]"
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from computecredit.jsonable import to_jsonable


@dataclass
class Problem:
    """One violated rule: where it happened, which field, what value, which rule."""

    field: str
    value: Any
    rule: str
    source: str | None = None
    row: int | None = None

    def __str__(self) -> str:
        where = ", ".join(p for p in (self.source, f"row {self.row}" if self.row is not None else None) if p)
        prefix = f"{where}: " if where else ""
        return f"{prefix}field '{self.field}' = {self.value!r}: {self.rule}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "value": to_jsonable(self.value, exact=True),
            "rule": self.rule,
            "source": self.source,
            "row": self.row,
        }


class InputError(ValueError):
    """Bad input: one or more :class:`Problem` s. Nothing has been written when this is raised."""

    def __init__(
        self,
        field: str | None = None,
        value: Any = None,
        rule: str | None = None,
        *,
        source: str | None = None,
        row: int | None = None,
        problems: Iterable[Problem] | None = None,
    ) -> None:
        found = list(problems or [])
        if field is not None:
            found.insert(0, Problem(field=field, value=value, rule=rule or "invalid", source=source, row=row))
        if not found:
            raise TypeError("InputError needs a field or a list of problems")
        self.problems: list[Problem] = found
        super().__init__("; ".join(str(p) for p in found))

    def with_source(self, source: str | None = None, row: int | None = None) -> InputError:
        """Return a copy whose problems are located in ``source`` (and ``row``) where they were not."""
        located = [
            Problem(p.field, p.value, p.rule, p.source or source, p.row if p.row is not None else row)
            for p in self.problems
        ]
        return InputError(problems=located)


def from_validation_error(
    exc: ValidationError, *, source: str | None = None, row: int | None = None, prefix: str = ""
) -> InputError:
    """Turn a pydantic ``ValidationError`` into an :class:`InputError` with dotted field paths.

    >>> from pydantic import BaseModel, Field
    >>> class Loan(BaseModel):
    ...     tenor_months: int = Field(gt=0)
    >>> try:
    ...     Loan(tenor_months=-3)
    ... except ValidationError as e:
    ...     print(from_validation_error(e, source="deal.yaml"))
    deal.yaml: field 'tenor_months' = -3: Input should be greater than 0
    """
    problems = []
    for err in exc.errors():
        path = ".".join(str(part) for part in err.get("loc", ()))
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        rule = err.get("msg", "invalid")
        if rule.startswith("Value error, "):
            rule = rule[len("Value error, ") :]
        problems.append(Problem(field=path or "(root)", value=err.get("input"), rule=rule, source=source, row=row))
    return InputError(problems=problems)


class NotFoundError(LookupError):
    """A named object (borrower, project, proposal...) does not exist."""


class PermissionDeniedError(PermissionError):
    """The user is not allowed to do this (role, authority, four-eyes)."""


class WorkflowError(RuntimeError):
    """An action that the object's current state does not allow (e.g. approving a draft)."""


__all__ = [
    "InputError",
    "NotFoundError",
    "PermissionDeniedError",
    "Problem",
    "WorkflowError",
    "from_validation_error",
]
