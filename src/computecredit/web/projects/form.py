"""The project engine's input document as a form: one section per part of the document (site, accelerators,
capex, revenue, costs, tax, financing...), one field per value, and back.

Fields are named by their path in the document (``f:site.pue``, ``f:accelerators.0.count``); their labels
(with units) are the catalog's ``field.<path>`` with list positions as ``*``. Values go back as the engine
reads them: numbers as numbers, amounts as typed ("1.2亿", "5000万" — the engine parses them), yes/no as
booleans, a comma-separated list as a list of numbers. The engine validates the document; its problems name
these paths, so each shows beside its field.

>>> document = {"name": "P", "site": {"pue": 1.2, "start_date": "2025-03-01"}, "tax": {"high_tech": True},
...             "accelerators": [{"count": 8}], "revenue": {"merchant": {"utilization_ramp": [0.5, 0.7]}}}
>>> [(s.key, [f.path for f in s.fields]) for s in sections(document)][:3]
[('general', ['name']), ('site', ['site.pue', 'site.start_date']), ('accelerators', ['accelerators.0.count'])]
>>> form = {"f:site.pue": "1.3", "f:tax.high_tech": "false", "f:accelerators.0.count": "16",
...         "f:revenue.merchant.utilization_ramp": "0.5, 0.8", "f:name": "P2"}
>>> changed = document_from_form(document, form)
>>> changed["site"]["pue"], changed["tax"]["high_tech"], changed["accelerators"][0]["count"]
(1.3, False, 16)
>>> changed["revenue"]["merchant"]["utilization_ramp"], changed["site"]["start_date"], document["site"]["pue"]
([0.5, 0.8], '2025-03-01', 1.2)
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

PREFIX = "f:"
# Sections in the order an analyst fills them in; anything else in the document follows.
ORDER = (
    "general",
    "site",
    "accelerators",
    "capex",
    "revenue",
    "costs",
    "tax",
    "depreciation",
    "financing",
    "analysis",
)


@dataclass(frozen=True)
class Field:
    path: str  # in the document, list positions as numbers: accelerators.0.count
    value: str  # as the form shows it
    kind: str  # number, text, bool, list, date

    @property
    def key(self) -> str:
        """The catalog key of the field's label (list positions as ``*``)."""
        return "field." + re.sub(r"\.\d+(?=\.|$)", ".*", self.path)

    @property
    def item(self) -> int | None:
        """The position (from 1) in the first list on the path, for "item n" headings."""
        found = re.search(r"\.(\d+)\.", self.path)
        return int(found.group(1)) + 1 if found else None


@dataclass(frozen=True)
class Section:
    key: str
    fields: list[Field]


def _text(value: Any) -> tuple[str, str]:
    if isinstance(value, bool):
        return ("true" if value else "false"), "bool"
    if isinstance(value, (int, float)):
        return repr(value), "number"
    if isinstance(value, date):
        return value.isoformat(), "date"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value), "list"
    return ("" if value is None else str(value)), "text"


def _leaves(value: Any, path: list[str]) -> Iterator[Field]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _leaves(inner, [*path, str(key)])
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        for index, inner in enumerate(value):
            yield from _leaves(inner, [*path, str(index)])
    else:
        text, kind = _text(value)
        yield Field(".".join(path), text, kind)


def sections(document: Mapping[str, Any]) -> list[Section]:
    """The document's values grouped by section (top-level scalars such as the name under ``general``)."""
    grouped: dict[str, list[Field]] = {}
    for field in _leaves(document, []):
        head = field.path.split(".")[0] if "." in field.path else "general"
        grouped.setdefault(head, []).append(field)
    keys = [k for k in ORDER if k in grouped] + [k for k in grouped if k not in ORDER]
    return [Section(key, grouped[key]) for key in keys]


def _parse(text: str, kind: str) -> Any:
    text = text.strip()
    if kind == "bool":
        return text.lower() in ("true", "1", "yes", "是")
    if kind == "list":
        return [_number(part) for part in text.split(",") if part.strip()]
    if kind == "number":
        return _number(text)
    return text


def _number(text: str) -> Any:
    """An int or float when ``text`` is one; otherwise the text (the engine parses "1.2亿" or says why not)."""
    text = text.strip().replace(",", "") if re.fullmatch(r"[\d,.\-+eE ]+", text.strip()) else text.strip()
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            continue
    return text


def document_from_form(document: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """A copy of ``document`` with every value the form holds for one of its fields put back in its place."""
    changed = copy.deepcopy(dict(document))
    for field in _leaves(document, []):
        if PREFIX + field.path not in form:
            continue
        *parents, last = field.path.split(".")
        target: Any = changed
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[int(last) if isinstance(target, list) else last] = _parse(form[PREFIX + field.path], field.kind)
    return changed


def problems_by_field(problems: list[Any]) -> dict[str, str]:
    """The engine's problems by the form field they name (``accelerators[0].count`` → ``accelerators.0.count``);
    problems naming no field under ``""``.

    >>> from computecredit.errors import Problem
    >>> problems_by_field([Problem("accelerators[0].count", -5, "must be ≥ 1")])
    {'accelerators.0.count': 'must be ≥ 1'}
    """
    found: dict[str, str] = {}
    for problem in problems:
        key = re.sub(r"\[(\d+)\]", r".\1", str(getattr(problem, "field", "") or ""))
        found[key] = f"{found[key]}; {problem.rule}" if key in found else str(problem.rule)
    return found
