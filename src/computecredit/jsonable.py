"""One conversion of results to JSON types, shared by the CLI, the web, reports, services and jobs.

Results are dataclasses, pydantic models, Decimals, dates, enums and NumPy values; JSON knows none of them.
:func:`to_jsonable` turns them into dicts, lists, strings and numbers, and NaN or infinity into ``None``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel


def to_jsonable(value: Any) -> Any:
    """Convert results (dataclasses, pydantic models, Decimal, numpy scalars and arrays) to JSON types.

    >>> to_jsonable({"a": Decimal("1.50"), "b": float("nan")})
    {'a': 1.5, 'b': None}
    """
    if isinstance(value, BaseModel):
        return to_jsonable(value.model_dump(mode="python"))
    if is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return to_jsonable(value.tolist())
    return value


__all__ = ["to_jsonable"]
