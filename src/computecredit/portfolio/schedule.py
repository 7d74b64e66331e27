"""Repayment schedules of loans: the outstanding balance at the start of each payment period, the exposure
that a default in that period puts at risk (IFRS 9 B5.5.51: ECL follows the contractual cash flows).

A loan of ``ead`` (the balance today, 元) with ``maturity`` years left is repaid in ``frequency`` payments a
year. ``eir`` is the effective annual interest rate; the period rate is (1 + eir)^(1/frequency) − 1.

- ``bullet``: the whole balance at maturity;
- ``annuity``: equal instalments of principal and interest, A = B·i / (1 − (1 + i)^−N);
- ``equal_principal``: the principal falls by B/N each period (等额本金);
- ``schedule``: the opening balances given per period (the book's ``schedule`` column, ``;``-separated).

>>> s = repayment_schedule(100_000.0, 5, "annuity", 0.07926, 1)
>>> s.ends.tolist(), s.opening.round(0).tolist()
([1.0, 2.0, 3.0, 4.0, 5.0], [100000.0, 82929.0, 64505.0, 44621.0, 23161.0])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from computecredit.errors import InputError

AMORTISATIONS = ("bullet", "annuity", "equal_principal", "schedule")


@dataclass(frozen=True)
class RepaymentSchedule:
    """Period ``j`` runs from ``ends[j-1]`` (0 for the first) to ``ends[j]`` years; ``opening[j]`` is the
    balance outstanding during it."""

    ends: np.ndarray
    opening: np.ndarray

    @property
    def starts(self) -> np.ndarray:
        return np.r_[0.0, self.ends[:-1]]


def _period_ends(maturity: float, frequency: int) -> np.ndarray:
    """Payment dates in years: every 1/frequency, the last one at maturity (a short last period if needed)."""
    count = max(1, math.ceil(round(maturity * frequency, 9)))
    return np.minimum(np.arange(1, count + 1) / frequency, maturity) if maturity > 0 else np.array([0.0])


def repayment_schedule(
    ead: float,
    maturity: float,
    amortisation: str = "bullet",
    eir: float = 0.0,
    frequency: int = 1,
    balances: tuple[float, ...] | None = None,
) -> RepaymentSchedule:
    """Opening balance of each payment period of a loan (see the module docstring).

    >>> repayment_schedule(1200.0, 1, "equal_principal", 0.05, 4).opening.tolist()
    [1200.0, 900.0, 600.0, 300.0]
    >>> repayment_schedule(100.0, 2.5, "bullet").ends.tolist()
    [1.0, 2.0, 2.5]
    """
    if amortisation not in AMORTISATIONS:
        raise InputError("amortisation", amortisation, f"must be one of {', '.join(AMORTISATIONS)}")
    if frequency < 1:
        raise InputError("frequency", frequency, "must be a positive number of payments a year")
    if eir < 0:
        raise InputError("eir", eir, "must be ≥ 0 (a fraction a year)")
    if amortisation == "schedule":
        if not balances:
            raise InputError("schedule", balances, "amortisation 'schedule' needs the opening balance per period")
        opening = np.asarray(balances, dtype=float)
        if np.any(opening < 0):
            raise InputError("schedule", list(balances), "balances must be ≥ 0")
        ends = np.arange(1, len(opening) + 1) / frequency
        return RepaymentSchedule(ends=ends, opening=opening)
    ends = _period_ends(maturity, frequency)
    count = len(ends)
    if amortisation == "bullet":
        return RepaymentSchedule(ends=ends, opening=np.full(count, float(ead)))
    if amortisation == "equal_principal":
        return RepaymentSchedule(ends=ends, opening=ead * (1.0 - np.arange(count) / count))
    rate = (1.0 + eir) ** (1.0 / frequency) - 1.0
    if rate == 0.0:
        return RepaymentSchedule(ends=ends, opening=ead * (1.0 - np.arange(count) / count))
    # Annuity: B_j = B·((1+i)^N − (1+i)^j)/((1+i)^N − 1), the balance after j level instalments.
    growth = (1.0 + rate) ** np.arange(count)
    total = (1.0 + rate) ** count
    return RepaymentSchedule(ends=ends, opening=ead * (total - growth) / (total - 1.0))
