"""GPU rental price observations and the annual price decline they imply.

The decline is a least-squares fit of log price on time over the dated global H100 observations (the only
chip with enough of them); it is the default rental-price decline for collateral values and merchant
revenue.

>>> round(fitted_annual_decline("H100"), 3)
0.313
>>> observation_year("2024-Q4"), observation_year("2025 H2")
(2024.875, 2025.75)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np

from computecredit.reference import load_csv

TABLE = "gpu_rental_prices.csv"

_PERIOD = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-Q(\d))?")


@dataclass(frozen=True)
class RentalObservation:
    """One dated observation; ``price`` is the low end where the source gave a range."""

    period: str
    year: float
    market: str
    gpu: str
    price: float
    currency: str
    unit: str
    source: str
    confidence: str


def observation_year(period: str) -> float:
    """Decimal year at the middle of an observation period (``2024-10``, ``2024-Q4``, ``2025 late``...)."""
    match = _PERIOD.match(period)
    if not match:
        raise ValueError(f"unreadable period {period!r}")
    year = int(match.group(1))
    if match.group(2):
        return year + (int(match.group(2)) - 0.5) / 12
    if match.group(3):
        return year + (int(match.group(3)) - 0.5) / 4
    if "H2" in period or "late" in period:
        return year + 0.75
    if "early" in period:
        return year + 0.25
    return year + 0.5


def observations() -> list[RentalObservation]:
    """Every observation in the table."""
    return [
        RentalObservation(
            period=row.period,
            year=observation_year(row.period),
            market=row.market,
            gpu=row.gpu,
            price=float(str(row.price).split("-")[0]),
            currency=row.currency,
            unit=row.unit,
            source=row.source,
            confidence=row.confidence,
        )
        for row in load_csv(TABLE).itertuples(index=False)
    ]


@cache  # of a bundled table, which load_csv reads once: the book asks once per facility
def fitted_annual_decline(gpu: str = "H100") -> float:
    """Annual decline of the global USD per-GPU-hour price of ``gpu`` fitted on its observations."""
    points = [
        o for o in observations() if o.market == "global" and o.gpu.startswith(gpu) and o.unit == "per GPU-hour"
    ]
    if len(points) < 3:
        raise ValueError(f"fewer than 3 global observations for {gpu}")
    slope = np.polyfit([o.year for o in points], np.log([o.price for o in points]), 1)[0]
    return float(1.0 - np.exp(slope))


__all__ = ["TABLE", "RentalObservation", "fitted_annual_decline", "observation_year", "observations"]
