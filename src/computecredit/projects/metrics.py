"""Return and coverage metrics, vectorised over paths where it matters.

Formulas (see ``docs/projects.md``):

- DSCR of a payment period = CFADS of the period / senior debt service due at its end.
- LLCR = (PV of CFADS from the first repayment period to final maturity, at the debt's average rate,
  + DSRA balance) / senior debt outstanding at that date; PLCR the same to the end of the model.
- IRR: the rate at which the flows' present value is zero, annualised as (1 + r_month)^12 − 1.
"""

from __future__ import annotations

import numpy as np

from computecredit.projects.model import FloatArray


def irr(flows: FloatArray, *, periods_per_year: int = 12, iterations: int = 16) -> FloatArray:
    """Annual IRR of each row of ``flows`` (paths, periods); ``nan`` where there is none.

    Flows that change sign more than once (a centre losing money after its contracts end) can have
    several roots; the one taken is the highest rate at which the present value turns from positive to
    negative, found on a grid of annual rates from -95% to +1000% and refined by bisection and a last interpolation.

    >>> irr(np.array([[-100.0, 110.0], [-100.0, -5.0]]), periods_per_year=1).round(6).tolist()
    [0.1, nan]
    >>> round(float(irr(np.array([[-100.0, 60.0, 60.0, -1.0]]), periods_per_year=1)[0]), 4)
    0.1253
    """
    flows = np.atleast_2d(np.asarray(flows, dtype=float))
    n = np.arange(flows.shape[1], dtype=float)
    grid = (1.0 + np.expm1(np.linspace(np.log(0.05), np.log(11.0), 48))) ** (1.0 / periods_per_year) - 1.0
    values = flows @ np.exp(-np.log1p(grid)[:, None] * n[None, :]).T  # (paths, grid)
    crossing = (values[:, :-1] > 0) & (values[:, 1:] <= 0)
    found = crossing.any(axis=1)
    last = np.where(found, grid.size - 2 - np.argmax(crossing[:, ::-1], axis=1), 0)
    low, high = grid[last], grid[last + 1]
    columns = np.ascontiguousarray(flows.T[::-1])

    def value(rate: FloatArray) -> FloatArray:
        factor = 1.0 / (1.0 + rate)
        total = np.zeros_like(rate)
        for column in columns:  # Horner: the sum of f_n x^n over periods, vectorised over paths
            total *= factor
            total += column
        return total

    v_low, v_high = value(low), value(high)
    for _ in range(iterations):
        mid = (low + high) / 2
        v_mid = value(mid)
        positive = v_mid > 0
        low, v_low = np.where(positive, mid, low), np.where(positive, v_mid, v_low)
        high, v_high = np.where(positive, high, mid), np.where(positive, v_high, v_mid)
    # a last linear interpolation inside the bracket (regula falsi)
    span = v_low - v_high
    rate = np.where(span > 0, low + (high - low) * v_low / np.where(span > 0, span, 1.0), (low + high) / 2)
    return np.where(found, (1.0 + rate) ** periods_per_year - 1.0, np.nan)


def to_years(flows: FloatArray) -> FloatArray:
    """Sum monthly flows (..., months) into years, padding the last one.

    >>> to_years(np.ones((1, 14))).tolist()
    [[12.0, 2.0]]
    """
    months = flows.shape[-1]
    pad = (-months) % 12
    padded = np.concatenate([flows, np.zeros((*flows.shape[:-1], pad))], axis=-1)
    return padded.reshape(*flows.shape[:-1], -1, 12).sum(axis=-1)


def npv(flows: FloatArray, annual_rate: float) -> FloatArray:
    """Present value at month 0 of monthly flows (..., months) at an annual rate compounded monthly-equivalent.

    >>> round(float(npv(np.array([0.0] * 12 + [108.0]), 0.08)), 6)
    100.0
    """
    monthly = (1.0 + annual_rate) ** (1 / 12) - 1.0
    factors = (1.0 + monthly) ** -np.arange(flows.shape[-1], dtype=float)
    return flows @ factors


def payback_years(flows: FloatArray) -> float | None:
    """Years until the cumulative monthly flows turn non-negative for good; ``None`` if they never do.

    >>> payback_years(np.array([-100.0] + [10.0] * 20))
    0.8333333333333334
    """
    cumulative = np.cumsum(flows)
    negative = np.flatnonzero(cumulative < 0)
    if negative.size == 0:
        return 0.0
    last = int(negative[-1])
    if last == cumulative.size - 1:
        return None
    return (last + 1) / 12


def coverage_ratio(
    cfads: FloatArray,
    balance_before: float,
    dsra: float,
    start: int,
    end: int,
    annual_rate: float,
) -> float | None:
    """(PV at ``start`` of CFADS over months [start, end] at ``annual_rate``/12 + DSRA) / debt outstanding.

    >>> round(coverage_ratio(np.full(24, 10.0), 200.0, 0.0, 0, 23, 0.0), 6)
    1.2
    """
    if balance_before <= 0:
        return None
    factors = (1.0 + annual_rate / 12) ** -np.arange(end - start + 1, dtype=float)
    return float((cfads[start : end + 1] @ factors + dsra) / balance_before)


__all__ = ["coverage_ratio", "irr", "npv", "payback_years", "to_years"]
