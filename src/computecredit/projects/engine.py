"""Base case: solve the debt (circular through tax and interest during construction), size it, measure it.

>>> from computecredit.projects.examples import example_inputs
>>> case = solve(make_plan(example_inputs("ningxia_phase1")))
>>> abs(case.sources_uses["sources"]["total"] - case.sources_uses["uses"]["total"]) < 1.0
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from computecredit.projects.debt import DebtSchedule, Waterfall, build_schedule, waterfall
from computecredit.projects.metrics import coverage_ratio, irr, npv, payback_years
from computecredit.projects.model import Drivers, FloatArray, Operations, Plan, make_plan, operations

SOLVE_ITERATIONS = 30


@dataclass
class Case:
    """The base case of one debt structure: operations, schedule, waterfall (one path, with detail)."""

    plan: Plan
    amounts: list[float]
    debt: DebtSchedule
    ops: Operations
    flows: Waterfall

    @property
    def dscr(self) -> FloatArray:
        """DSCR per payment period (``nan`` where none is tested)."""
        return self.flows.dscr[0]

    @property
    def min_dscr(self) -> float | None:
        tested = self.dscr[~np.isnan(self.dscr)]
        return float(tested.min()) if tested.size else None

    @property
    def sources_uses(self) -> dict[str, Any]:
        """Sources and uses of funds up to commissioning (CNY)."""
        plan, debt = self.plan, self.debt
        uses = {
            "capex": float(plan.capex.sum()),
            "capex_vat": float(plan.capex_vat.sum()),
            "upfront_fees": float(debt.fees.sum()),
            "interest_during_construction": float(debt.interest_during_construction.sum()),
            "initial_dsra": float(debt.dsra_initial),
        }
        uses["total"] = float(sum(uses.values()))
        sources: dict[str, float] = {t.name: float(t.draws.sum()) for t in debt.tranches}
        sources["equity"] = float(debt.equity.sum())
        sources["total"] = float(sum(sources.values()))
        return {"sources": sources, "uses": uses, "gearing": float(debt.draws.sum() / uses["total"])}


def run_case(plan: Plan, amounts: list[float], *, drivers: Drivers | None = None) -> Case:
    """Build the schedule for ``amounts`` and iterate until CFADS (after the interest tax shield) and the
    schedule agree, then run the waterfall with detail."""
    drivers = drivers or Drivers.base(plan)
    interest = np.zeros(plan.months)
    debt = None
    for _ in range(SOLVE_ITERATIONS):
        ops = operations(plan, drivers, interest)
        debt = build_schedule(plan, amounts, ops.cfads[0])
        if np.abs(debt.interest_expense - interest).max() < 0.01:
            break
        interest = debt.interest_expense
    assert debt is not None
    ops = operations(plan, drivers, debt.interest_expense)
    return Case(plan, list(amounts), debt, ops, waterfall(plan, debt, ops, detail=True))


def _amounts(plan: Plan, sized: float | None) -> list[float]:
    """Tranche amounts with the unsized tranche (if any) at ``sized``."""
    return [
        float(t.amount) if t.amount is not None else float(sized or 0.0) for t in plan.inputs.financing.tranches
    ]


def max_debt(plan: Plan, *, target: float | None = None, gearing_cap: float | None = None) -> float:
    """Largest senior debt whose base-case min DSCR is at least ``target`` and gearing at most ``gearing_cap``.

    The tranches keep their terms; a tranche without an amount takes all the change, otherwise every
    tranche scales in proportion. Found by bisection on the total (the min DSCR falls as debt grows).
    """
    financing = plan.inputs.financing
    target = financing.target_min_dscr if target is None else target
    cap = financing.gearing_cap if gearing_cap is None else gearing_cap
    given = [float(t.amount) if t.amount is not None else None for t in financing.tranches]
    flexible = [i for i, a in enumerate(given) if a is None]
    fixed = sum(a for a in given if a is not None)
    if flexible:
        weights = [1.0 if a is None else 0.0 for a in given]
    else:
        weights = [(a or 0.0) / fixed if fixed else 0.0 for a in given]
    base = fixed if flexible else 0.0

    def amounts(total: float) -> list[float]:
        extra = total - base
        return [
            (a if flexible and a is not None else 0.0) + w * extra for a, w in zip(given, weights, strict=True)
        ]

    def feasible(total: float) -> bool:
        case = run_case(plan, amounts(total))
        ratio = case.min_dscr
        gearing = case.sources_uses["gearing"]
        return (ratio is None or ratio >= target) and gearing <= cap + 1e-9

    # fixed point: debt service scales with the debt, so D × min DSCR / target is close to the answer
    total = max(base, 1.0)
    best = base if feasible(base) else None
    if best is None:
        return float(base)
    for _ in range(25):
        case = run_case(plan, amounts(total))
        ratio = case.min_dscr
        uses = case.sources_uses["uses"]["total"]
        proposal = min(total * (ratio / target) if ratio and ratio > 0 else 0.0, cap * uses)
        proposal = max(proposal, base)
        if abs(proposal - total) < 1.0:
            total = proposal
            break
        total = proposal
    if feasible(total):
        return float(total)
    low, high = best, total
    while high - low > 1.0:
        mid = (low + high) / 2
        low, high = (mid, high) if feasible(mid) else (low, mid)
    return float(low)


def solve(plan: Plan, *, debt_capacity: float | None = None) -> Case:
    """The base case with an unsized tranche (if any) sized to :func:`max_debt` (or ``debt_capacity``)."""
    tranches = plan.inputs.financing.tranches
    sized = None
    if any(t.amount is None for t in tranches):
        fixed = sum(float(t.amount) for t in tranches if t.amount is not None)
        capacity = max_debt(plan) if debt_capacity is None else debt_capacity
        sized = max(capacity - fixed, 0.0)
    return run_case(plan, _amounts(plan, sized))


def base_metrics(case: Case) -> dict[str, Any]:
    """Coverage, return and payback metrics of a base case."""
    plan, debt, ops, flows = case.plan, case.debt, case.ops, case.flows
    inputs = plan.inputs
    cfads = ops.cfads[0]
    tested = case.dscr[~np.isnan(case.dscr)]
    repaying = np.flatnonzero(debt.principal > 0)
    llcr = plcr = None
    if repaying.size:
        first = int(repaying[0])
        k = int(np.searchsorted(debt.payment_months, first))
        start = int(debt.period_start[k])
        outstanding = float(debt.balance[start - 1]) if start > 0 else float(debt.draws.sum())
        dsra = float(flows.dsra_balance[0, start - 1]) if flows.dsra_balance is not None and start > 0 else 0.0
        rate = debt.average_rate
        llcr = coverage_ratio(cfads, outstanding, dsra, start, debt.maturity_month, rate)
        plcr = coverage_ratio(cfads, outstanding, dsra, start, plan.months - 1, rate)
    project = ops.cfads - ops.capex
    equity = flows.equity_flows
    return {
        "min_dscr": case.min_dscr,
        "avg_dscr": float(tested.mean()) if tested.size else None,
        "llcr": llcr,
        "plcr": plcr,
        "project_irr": _number(irr(project)[0]),
        "equity_irr": _number(irr(equity)[0]),
        "npv": float(npv(project[0], inputs.analysis.discount_rate)),
        "equity_npv": float(npv(equity[0], inputs.analysis.discount_rate)),
        "payback_years": payback_years(project[0]),
        "senior_debt": debt.amount,
        "gearing": case.sources_uses["gearing"],
        "final_maturity_month": debt.maturity_month,
        "defaulted_in_base_case": bool(np.isfinite(flows.default_month[0])),
    }


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


__all__ = ["Case", "base_metrics", "make_plan", "max_debt", "run_case", "solve"]
