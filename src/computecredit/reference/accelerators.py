"""The accelerator catalogue: dense BF16 throughput, memory, power and price hints per chip, with sources.

Figures are dense (no sparsity); NVIDIA's datasheets quote sparse ones. Keys are short names an analyst
types (``H100``, ``H20``, ``Ascend 910B``); lookups ignore case, spaces and hyphens.

>>> spec = accelerator("h20")
>>> spec.key, spec.bf16_dense_tflops, spec.tdp_w
('H20', 148.0, 400.0)
>>> round(accelerator("Ascend910B").bf16_dense_tflops)
376
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from computecredit.errors import InputError
from computecredit.reference import load_csv

TABLE = "accelerators.csv"


@dataclass(frozen=True)
class Accelerator:
    """One catalogue row. Prices are USD hints (``None`` where no public price was found)."""

    key: str
    chip: str
    vendor: str
    generation: str
    release_year: int
    bf16_dense_tflops: float
    memory_gb: float
    tdp_w: float
    price_usd_low: float | None
    price_usd_high: float | None
    source: str
    confidence: str


def _normal(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _optional(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def catalogue() -> dict[str, Accelerator]:
    """Every accelerator in the catalogue, by key.

    >>> {"A100", "H100", "H20", "B200", "Ascend 910C"} <= set(catalogue())
    True
    """
    rows = load_csv(TABLE)
    return {
        row.key: Accelerator(
            key=row.key,
            chip=row.chip,
            vendor=row.vendor,
            generation=row.generation,
            release_year=int(row.release_year),
            bf16_dense_tflops=float(row.bf16_dense_tflops),
            memory_gb=float(row.memory_gb),
            tdp_w=float(row.tdp_w),
            price_usd_low=_optional(row.price_usd_low),
            price_usd_high=_optional(row.price_usd_high),
            source=row.source,
            confidence=row.confidence,
        )
        for row in rows.itertuples(index=False)
    }


def accelerator(name: str, *, field: str = "model") -> Accelerator:
    """Look up a chip by key or full name; raise :class:`InputError` naming ``field`` if unknown.

    >>> accelerator("H999", field="accelerators[0].model")
    Traceback (most recent call last):
    ...
    computecredit.errors.InputError: field 'accelerators[0].model' = 'H999': unknown accelerator; known: A100, A800, Ascend 910B, Ascend 910C, B200, BR100, H100, H20, H200, H800, Hygon Z100, L20, L40S, MLU370-X8, MTT S4000, MetaX C500
    """
    wanted = _normal(name)
    for spec in catalogue().values():
        if wanted in (_normal(spec.key), _normal(spec.chip)):
            return spec
    known = ", ".join(sorted(catalogue()))
    raise InputError(field, name, f"unknown accelerator; known: {known}")


__all__ = ["TABLE", "Accelerator", "accelerator", "catalogue"]
