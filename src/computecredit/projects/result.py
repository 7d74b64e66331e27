"""The result of evaluating a project: metrics, the period table (monthly, quarterly, annual), sensitivities,
simulation, GPU collateral and green assessment, with a JSON view whose top-level keys are a public contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from computecredit.green import GreenAssessment
from computecredit.projects.engine import Case
from computecredit.projects.schema import ProjectInputs
from computecredit.projects.simulation import SimulationResult

MODEL_VERSION = "projects-1.0"

# column: (unit, meaning) — the header of the Excel export and the table in docs/projects.md
COLUMNS: dict[str, tuple[str, str]] = {
    "month": ("index", "months from financial close (construction start = 0)"),
    "start": ("date", "first month of the period (quarterly and annual views)"),
    "date": ("date", "first day of the month (of the last month, in quarterly and annual views)"),
    "revenue": ("CNY", "contracted + merchant revenue, accrual, excl. VAT"),
    "contracted_revenue": ("CNY", "cards × hours × price × max(take-or-pay, utilisation)"),
    "merchant_revenue": ("CNY", "merchant cards × hours × utilisation × price × (1 − decline)^years"),
    "electricity": ("CNY", "IT kWh × PUE × blended tariff (grid / green power), excl. VAT"),
    "fixed_opex": ("CNY", "staff + bandwidth + rent + other + O&M share and insurance share of capex"),
    "vat_paid": ("CNY", "output VAT − input VAT (capex, power, refresh), credits carried forward"),
    "surtax": ("CNY", "surtax share × VAT paid"),
    "ebitda": ("CNY", "revenue − electricity − fixed opex − surtax"),
    "depreciation": ("CNY", "straight-line or double-declining by asset class"),
    "income_tax": ("CNY", "EIT rate × (EBITDA − depreciation − interest), losses carried forward"),
    "refresh_capex": ("CNY", "hardware refresh incl. VAT, paid from operating cash"),
    "cfads": ("CNY", "receipts incl. VAT − costs incl. VAT − VAT paid − surtax − EIT − refresh capex"),
    "capex": ("CNY", "initial capex incl. contingency and input VAT"),
    "debt_draws": ("CNY", "senior debt drawn pro rata with the uses of funds"),
    "equity_contribution": ("CNY", "uses − debt draws"),
    "interest_during_construction": ("CNY", "interest accrued before commissioning, funded as a use"),
    "upfront_fees": ("CNY", "arrangement fees, funded as a use"),
    "interest_paid": ("CNY", "interest accrued since the last payment date, paid on payment dates"),
    "principal": ("CNY", "scheduled principal (annuity, equal principal or sculpted)"),
    "debt_service": ("CNY", "interest paid + principal"),
    "debt_balance": ("CNY", "senior debt outstanding at month end"),
    "dsra_balance": ("CNY", "debt service reserve: the next dsra_months of debt service"),
    "cash_sweep": ("CNY", "cash_sweep_share × cash left after debt service and DSRA, prepaying the debt"),
    "distributions": ("CNY", "cash released to equity when the lock-up test passes"),
    "sponsor_support": ("CNY", "debt service paid by the sponsor before a delayed commissioning"),
    "dscr": ("x", "CFADS of the payment period / debt service due at its end"),
    "rentable_cards": ("cards", "commissioned cards − spares, less failures beyond the spares"),
    "busy_cards": ("cards", "rentable cards × utilisation"),
    "facility_kwh": ("kWh", "IT power × load × hours × PUE"),
    "ltv": ("x", "debt balance / residual value of the GPU servers"),
}

FLOW_COLUMNS = [
    c for c, (unit, _) in COLUMNS.items() if unit in ("CNY", "kWh") and c not in ("debt_balance", "dsra_balance")
]


@dataclass
class ProjectResult:
    """Everything :func:`computecredit.projects.evaluate` computes for one project."""

    inputs: ProjectInputs
    case: Case
    metrics: dict[str, Any]
    max_debt: float
    breakeven_utilization: float | None
    breakeven_price: float | None
    tornado: list[dict[str, Any]]
    two_way: dict[str, Any]
    simulation: SimulationResult | None
    collateral: dict[str, Any]
    green: GreenAssessment
    ltv: np.ndarray
    warnings: list[str] = field(default_factory=list)
    reference_versions: dict[str, str] = field(default_factory=dict)

    def monthly(self) -> pd.DataFrame:
        """The monthly period table (columns in :data:`COLUMNS`)."""
        case = self.case
        plan, debt, ops, flows = case.plan, case.debt, case.ops, case.flows
        months = plan.months
        start = self.inputs.site.start_date.replace(day=1)
        dscr = np.full(months, np.nan)
        dscr[debt.payment_months] = case.dscr
        first = lambda a: a[0] if a is not None else np.zeros(months)  # noqa: E731
        data = {
            "month": np.arange(months),
            "date": [_add_months(start, m) for m in range(months)],
            "revenue": ops.revenue[0],
            "contracted_revenue": first(ops.contracted_revenue),
            "merchant_revenue": first(ops.merchant_revenue),
            "electricity": ops.electricity[0],
            "fixed_opex": ops.fixed_opex[0],
            "vat_paid": ops.vat_paid[0],
            "surtax": ops.surtax[0],
            "ebitda": ops.ebitda[0],
            "depreciation": first(ops.depreciation),
            "income_tax": ops.income_tax[0],
            "refresh_capex": ops.refresh_capex[0],
            "cfads": ops.cfads[0],
            "capex": ops.capex[0],
            "debt_draws": debt.draws,
            "equity_contribution": debt.equity,
            "interest_during_construction": debt.interest_during_construction,
            "upfront_fees": debt.fees,
            "interest_paid": debt.interest_paid,
            "principal": debt.principal,
            "debt_service": debt.debt_service,
            "debt_balance": debt.balance,
            "dsra_balance": first(flows.dsra_balance),
            "cash_sweep": first(flows.sweep),
            "distributions": first(flows.distributions),
            "sponsor_support": first(flows.sponsor_support),
            "dscr": dscr,
            "rentable_cards": first(ops.rentable_cards),
            "busy_cards": first(ops.busy_cards),
            "facility_kwh": ops.facility_kwh[0],
            "ltv": self.ltv,
        }
        return pd.DataFrame(data)

    def periods(self, months_per_period: int) -> pd.DataFrame:
        """Quarterly (3) or annual (12) view: flows summed, balances at period end, DSCR recomputed.

        Periods count from the project's start month (project years, not calendar years): ``start`` is a
        period's first month and ``date`` its last, so a period is named by both (the last may be shorter).
        """
        table = self.monthly()
        group = table["month"] // months_per_period
        summed = table.groupby(group)[FLOW_COLUMNS].sum()
        first = table.groupby(group)[["date"]].first().rename(columns={"date": "start"})
        last = table.groupby(group)[["date", "debt_balance", "dsra_balance", "rentable_cards", "ltv"]].last()
        out = pd.concat([first, last[["date"]], summed, last.drop(columns="date")], axis=1)
        service = out["debt_service"].to_numpy()
        out["dscr"] = np.where(service > 0, out["cfads"].to_numpy() / np.where(service > 0, service, 1.0), np.nan)
        out.index.name = "period"
        return out.reset_index()

    def quarterly(self) -> pd.DataFrame:
        return self.periods(3)

    def annual(self) -> pd.DataFrame:
        return self.periods(12)

    def to_dict(self, *, annual_table: bool = True) -> dict[str, Any]:
        """JSON-ready result. Top-level keys named in issue 3 are a public contract."""
        out: dict[str, Any] = {
            "name": self.inputs.name,
            "borrower": self.inputs.borrower,
            "model_version": MODEL_VERSION,
            **{k: self.metrics[k] for k in ("min_dscr", "avg_dscr", "llcr", "plcr", "project_irr", "equity_irr")},
            "npv": self.metrics["npv"],
            "equity_npv": self.metrics["equity_npv"],
            "payback_years": self.metrics["payback_years"],
            "breakeven_utilization": self.breakeven_utilization,
            "breakeven_price": self.breakeven_price,
            "max_debt": self.max_debt,
            "senior_debt": self.metrics["senior_debt"],
            "gearing": self.metrics["gearing"],
            "final_maturity_month": self.metrics["final_maturity_month"],
            "defaulted_in_base_case": self.metrics["defaulted_in_base_case"],
            "simulation": self.simulation.as_dict() if self.simulation else None,
            "sources_uses": self.case.sources_uses,
            "tranches": [
                {
                    "name": t.name,
                    "amount": t.amount,
                    "rate": t.rate,
                    "repayment": t.repayment,
                    "maturity_month": int(np.flatnonzero(t.principal > 0)[-1])
                    if (t.principal > 0).any()
                    else None,
                }
                for t in self.case.debt.tranches
            ],
            "sensitivity": {"tornado": self.tornado, "two_way": self.two_way},
            "collateral": self.collateral,
            "green": self.green.as_dict(),
            "warnings": self.warnings,
            "reference_versions": self.reference_versions,
        }
        if annual_table:
            table = self.annual()
            for column in ("start", "date"):
                table[column] = table[column].map(lambda d: d.isoformat())
            out["annual"] = [
                {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in row.items()}
                for row in table.to_dict(orient="records")
            ]
        return out


def _add_months(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    return date(start.year + year, month + 1, 1)


__all__ = ["COLUMNS", "MODEL_VERSION", "ProjectResult"]
