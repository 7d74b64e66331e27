"""Sensitivities with the debt held at the base case: tornado, two-way tables, break-evens.

Every scenario is one path of the vectorised model, so a whole tornado (or a 7 × 7 table) is one call.

>>> from computecredit.projects.examples import example_inputs
>>> from computecredit.projects.engine import make_plan, solve
>>> case = solve(make_plan(example_inputs("ningxia_phase1")))
>>> bars = tornado(case)
>>> [b["driver"] for b in bars][:3] == sorted([b["driver"] for b in bars], key=lambda d: -next(
...     abs(x["min_dscr_high"] - x["min_dscr_low"]) for x in bars if x["driver"] == d))[:3]
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from computecredit.projects.debt import waterfall
from computecredit.projects.engine import Case
from computecredit.projects.metrics import irr
from computecredit.projects.model import Drivers, FloatArray, Plan, operations

# driver: (label, unit, change for "low", change for "high"); changes apply to Drivers fields
TORNADO: dict[str, tuple[str, str, dict[str, float], dict[str, float]]] = {
    "merchant_price": ("merchant price ±10%", "share", {"price_factor": 0.9}, {"price_factor": 1.1}),
    "utilization": (
        "merchant utilisation ±10 pp",
        "pp",
        {"utilization_shift": -0.10},
        {"utilization_shift": 0.10},
    ),
    "price_decline": ("price decline +5 pp / −5 pp", "pp", {"price_decline": 0.05}, {"price_decline": -0.05}),
    "tariff": ("electricity tariff +20% / −20%", "share", {"tariff_factor": 1.2}, {"tariff_factor": 0.8}),
    "capex": ("capex +10% / −10%", "share", {"capex_factor": 1.1}, {"capex_factor": 0.9}),
    "opex": ("fixed opex +10% / −10%", "share", {"opex_factor": 1.1}, {"opex_factor": 0.9}),
    "failure_rate": ("card failure rate ×2 / ×0.5", "factor", {"failure_factor": 2.0}, {"failure_factor": 0.5}),
    "delay": ("commissioning delay +6 / 0 months", "months", {"delay_months": 6.0}, {"delay_months": 0.0}),
}


def scenario_drivers(plan: Plan, changes: list[dict[str, float]]) -> Drivers:
    """One path per change set: base drivers with fields replaced (``price_decline`` is added to the base)."""
    drivers = Drivers.base(plan, len(changes))
    for row, change in enumerate(changes):
        for name, value in change.items():
            column = getattr(drivers, name)
            column[row] = column[row] + value if name == "price_decline" else value
    return drivers


def run_scenarios(case: Case, drivers: Drivers) -> tuple[FloatArray, FloatArray]:
    """Min DSCR and equity IRR of each scenario path, against the base-case debt."""
    plan = case.plan
    ops = operations(plan, drivers, case.debt.interest_expense, detail=False)
    flows = waterfall(plan, case.debt, ops)
    with np.errstate(all="ignore"):
        tested = np.where(np.isnan(flows.dscr), np.inf, flows.dscr).min(axis=1)
    return np.where(np.isinf(tested), np.nan, tested), irr(flows.equity_flows)


def tornado(case: Case) -> list[dict[str, Any]]:
    """Min DSCR and equity IRR with each driver moved down and up, widest min-DSCR swing first."""
    plan = case.plan
    names = [n for n in TORNADO if n not in ("merchant_price", "utilization", "price_decline") or plan.ramp.any()]
    changes: list[dict[str, float]] = [{}]
    for name in names:
        changes += [TORNADO[name][2], TORNADO[name][3]]
    dscr, equity = run_scenarios(case, scenario_drivers(plan, changes))
    bars = []
    for i, name in enumerate(names):
        low, high = 1 + 2 * i, 2 + 2 * i
        bars.append(
            {
                "driver": name,
                "label": TORNADO[name][0],
                "min_dscr_base": _value(dscr[0]),
                "min_dscr_low": _value(dscr[low]),
                "min_dscr_high": _value(dscr[high]),
                "equity_irr_base": _value(equity[0]),
                "equity_irr_low": _value(equity[low]),
                "equity_irr_high": _value(equity[high]),
            }
        )
    return sorted(bars, key=lambda b: -abs((b["min_dscr_high"] or 0.0) - (b["min_dscr_low"] or 0.0)))


def two_way(
    case: Case,
    rows: tuple[str, list[float]] = ("utilization_shift", [-0.2, -0.15, -0.1, -0.05, 0.0, 0.05, 0.1]),
    columns: tuple[str, list[float]] = ("price_factor", [0.7, 0.8, 0.9, 1.0, 1.1, 1.2]),
) -> dict[str, Any]:
    """Min DSCR over a grid of two drivers (Drivers field names), e.g. utilisation shift × price factor."""
    changes = [{rows[0]: r, columns[0]: c} for r in rows[1] for c in columns[1]]
    dscr, _ = run_scenarios(case, scenario_drivers(case.plan, changes))
    table = dscr.reshape(len(rows[1]), len(columns[1]))
    return {
        "rows": {"driver": rows[0], "values": rows[1]},
        "columns": {"driver": columns[0], "values": columns[1]},
        "min_dscr": [[_value(v) for v in line] for line in table],
    }


def _crossing(values: FloatArray, grid: FloatArray, level: float) -> float | None:
    """Smallest grid value at which ``values`` (rising with the grid) reaches ``level``, interpolated."""
    reached = np.flatnonzero(np.nan_to_num(values, nan=-np.inf) >= level)
    if reached.size == 0:
        return None
    i = int(reached[0])
    if i == 0:
        return float(grid[0])
    below, above = values[i - 1], values[i]
    if not np.isfinite(below) or above == below:
        return float(grid[i])
    return float(grid[i - 1] + (grid[i] - grid[i - 1]) * (level - below) / (above - below))


def breakeven_utilization(case: Case, *, level: float = 1.0) -> float | None:
    """Flat merchant utilisation at which the min DSCR reaches ``level`` (contracts as they are).

    ``0.0`` if contracts alone cover debt service; ``None`` without merchant capacity or if even full
    utilisation falls short.
    """
    plan = case.plan
    if plan.inputs.revenue.merchant is None:
        return None
    grid = np.linspace(0.0, 1.0, 101)
    drivers = Drivers.base(plan, grid.size, utilization_level=grid)
    dscr, _ = run_scenarios(case, drivers)
    return _crossing(dscr, grid, level)


def breakeven_price(case: Case, *, level: float = 1.0) -> float | None:
    """Merchant price (CNY per card-hour of the first cluster at commissioning) at which min DSCR = ``level``."""
    plan = case.plan
    if plan.inputs.revenue.merchant is None:
        return None
    factors = np.linspace(0.0, 3.0, 121)
    dscr, _ = run_scenarios(case, Drivers.base(plan, factors.size, price_factor=factors))
    factor = _crossing(dscr, factors, level)
    return None if factor is None else factor * float(plan.merchant_price[0])


def _value(x: float) -> float | None:
    return None if not np.isfinite(x) else float(x)


__all__ = [
    "TORNADO",
    "breakeven_price",
    "breakeven_utilization",
    "run_scenarios",
    "scenario_drivers",
    "tornado",
    "two_way",
]
