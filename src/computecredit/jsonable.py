"""One conversion of results to JSON types, shared by the CLI, the web, reports, services, jobs and engines.

Results are dataclasses, pydantic models, Decimals, dates, enums and NumPy values; JSON knows none of them.
:func:`to_jsonable` turns them into dicts, lists, strings and numbers, NaN and infinity into ``None``, and
anything else into its text. Decimals become floats for people and programs that read the JSON (CLI
``--json``, API responses); with ``exact=True`` they become their exact decimal text instead, the form the
audit log, stored records and digests keep so that a figure never drifts through a float.
"""

from __future__ import annotations

import math
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel


def to_jsonable(value: Any, *, exact: bool = False) -> Any:
    """Convert results (dataclasses, pydantic models, Decimal, dates, enums, NumPy) to JSON types.

    >>> to_jsonable({"a": Decimal("1.50"), "b": float("nan"), "when": date(2025, 3, 1)})
    {'a': 1.5, 'b': None, 'when': '2025-03-01'}
    >>> to_jsonable({"amount": Decimal("2.80E+8"), "pd": Decimal("0.0120")}, exact=True)
    {'amount': '280000000', 'pd': '0.0120'}
    """
    # Plain leaves first, by exact type (subclasses such as str enums take the checks below): a rating's
    # record holds hundreds of them, and each would otherwise go through every isinstance check.
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if kind is float:
        return None if math.isnan(value) or math.isinf(value) else value
    if kind is dict:  # then the containers a model dumps to, again before the checks for other kinds
        return {str(k): to_jsonable(v, exact=exact) for k, v in value.items()}
    if kind is list:
        return [to_jsonable(v, exact=exact) for v in value]
    if isinstance(value, BaseModel):
        return to_jsonable(value.model_dump(mode="python"), exact=exact)
    if is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(asdict(value), exact=exact)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, exact=exact) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v, exact=exact) for v in value]
    if isinstance(value, Decimal):
        if not exact:
            return float(value)
        return format(value.normalize() if value == value.to_integral_value() else value, "f")
    if isinstance(value, Enum):
        return to_jsonable(value.value, exact=exact)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (bool, int, str)):
        return value
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return to_jsonable(value.tolist(), exact=exact)
    return str(value)


__all__ = ["to_jsonable"]
