"""智算中心 project finance: cash flows, debt sizing, coverage and returns, sensitivities, Monte Carlo,
GPU collateral and green assessment — a pure engine (inputs in, :class:`ProjectResult` out).

>>> from computecredit import projects
>>> result = projects.evaluate(projects.example_path("ningxia_phase1"), simulations=300, seed=1)
>>> round(result.metrics["min_dscr"], 2) > 1.0, result.to_dict()["simulation"]["paths"]
(True, 300)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from computecredit import green, reference
from computecredit.projects.collateral import (
    gpu_residual_value,
    ltv_path,
    recommended_haircut,
    remaining_life_years,
    residual_share,
)
from computecredit.projects.engine import Case, base_metrics, make_plan, max_debt, run_case, solve
from computecredit.projects.examples import example_inputs, example_names, example_path
from computecredit.projects.result import COLUMNS, MODEL_VERSION, ProjectResult
from computecredit.projects.schema import ProjectInputs, load_project, parse_inputs
from computecredit.projects.sensitivity import breakeven_price, breakeven_utilization, tornado, two_way
from computecredit.projects.simulation import SimulationResult, simulate
from computecredit.reference.accelerators import accelerator
from computecredit.reference.energy import hub_tariff
from computecredit.reference.gpu_rental import fitted_annual_decline
from computecredit.reference.useful_lives import useful_life_range

TABLES = (
    "accelerators.csv",
    "hub_electricity_tariffs.csv",
    "grid_co2_factors.csv",
    "pue_rules.yaml",
    "server_useful_lives.csv",
    "gpu_rental_prices.csv",
)


def _inputs(source: ProjectInputs | dict[str, Any] | str | Path) -> ProjectInputs:
    if isinstance(source, ProjectInputs):
        return source
    if isinstance(source, dict):
        return parse_inputs(source)
    return load_project(source)


def evaluate(
    inputs: ProjectInputs | dict[str, Any] | str | Path,
    *,
    simulations: int = 10_000,
    seed: int = 0,
    sensitivities: bool = True,
) -> ProjectResult:
    """Evaluate a project (validated inputs, a mapping, or a YAML path); ``simulations=0`` skips the
    Monte Carlo. The same inputs and seed give the same result."""
    project = _inputs(inputs)
    plan = make_plan(project)
    capacity = max_debt(plan)
    case = solve(plan, debt_capacity=capacity)
    metrics = base_metrics(case)
    simulation = simulate(plan, case.debt, paths=simulations, seed=seed) if simulations > 0 else None
    collateral, ltv = _collateral(case)
    return ProjectResult(
        inputs=project,
        case=case,
        metrics=metrics,
        max_debt=capacity,
        breakeven_utilization=breakeven_utilization(case),
        breakeven_price=breakeven_price(case),
        tornado=tornado(case) if sensitivities else [],
        two_way=two_way(case) if sensitivities else {},
        simulation=simulation,
        collateral=collateral,
        green=_green(case),
        ltv=ltv,
        warnings=_warnings(case, metrics),
        reference_versions={name: reference.version(name) for name in TABLES},
    )


def _collateral(case: Case) -> tuple[dict[str, Any], np.ndarray]:
    """GPU value by operating year, LTV path over the loan and the haircut, valuing each cluster's cards on
    the fitted market rental decline over the life its chip generation has left."""
    plan, debt = case.plan, case.debt
    decline = fitted_annual_decline()
    purchase_year = plan.inputs.site.start_date.year
    months = np.arange(plan.months)
    value = np.zeros(plan.months)
    lives = []
    for i, cluster in enumerate(plan.inputs.accelerators):
        cod = int(plan.cods[i])
        life = remaining_life_years(cluster.model, purchase_year)
        lives.append(life)
        share = residual_share(np.maximum(months - cod, 0), annual_price_decline=decline, useful_life_years=life)
        value += plan.counts[i] * plan.capex_per_card[i] * np.where(months < cod, 1.0, share)
    with np.errstate(divide="ignore", invalid="ignore"):
        ltv = np.where(
            value > 0, debt.balance / np.where(value > 0, value, 1.0), np.where(debt.balance > 0, np.inf, 0.0)
        )
    cost = float((plan.counts * plan.capex_per_card).sum())
    yearly = [
        float(value[min(plan.first_cod + 12 * y, plan.months - 1)])
        for y in range(plan.inputs.analysis.operation_years)
    ]
    tested = ltv[plan.first_cod : debt.maturity_month + 1]
    finite = tested[np.isfinite(tested)]
    return (
        {
            "collateral_cost": cost,
            "annual_price_decline": decline,
            "annual_price_decline_source": "fit on dated H100 rental observations (gpu_rental_prices.csv)",
            "economic_life_years": lives,
            "value_by_operating_year": [cost, *yearly[1:]],
            "ltv_at_commissioning": float(ltv[plan.first_cod]) if np.isfinite(ltv[plan.first_cod]) else None,
            "max_ltv": float(finite.max()) if finite.size else None,
            "months_ltv_above_1": int((tested > 1).sum()),
            "recommended_haircut": recommended_haircut(
                0.0, annual_price_decline=decline, useful_life_years=min(lives)
            ),
        },
        ltv,
    )


def _green(case: Case) -> green.GreenAssessment:
    plan, ops = case.plan, case.ops
    site = plan.inputs.site
    operating = slice(plan.first_cod, plan.months)
    years = (plan.months - plan.first_cod) / 12
    assert ops.rentable_cards is not None and ops.busy_cards is not None  # the base case keeps its detail
    rentable = float(ops.rentable_cards[0, operating].sum())
    return green.assess(
        province=site.province,
        hub=site.hub,
        pue=site.pue,
        annual_facility_kwh=float(ops.facility_kwh[0, operating].sum()) / years,
        green_power_share=site.green_power_share,
        pflops=plan.pflops,
        utilization=float(ops.busy_cards[0, operating].sum()) / rentable if rentable > 0 else None,
        racks=site.racks,
    )


def _warnings(case: Case, metrics: dict[str, Any]) -> list[str]:
    plan = case.plan
    inputs = plan.inputs
    notes = []
    low, high = useful_life_range()
    life = inputs.depreciation.it_life_years
    if not low <= life <= high:
        notes.append(f"IT depreciation life {life} years is outside the disclosed range {low:g}-{high:g} years")
    for i, cluster in enumerate(inputs.accelerators):
        if cluster.capex_per_card is None:
            spec = accelerator(cluster.model)
            notes.append(f"accelerators[{i}]: capex per card taken from the catalogue price hint for {spec.key}")
    if inputs.site.tariff_cny_per_kwh is None and inputs.site.hub:
        tariff = hub_tariff(inputs.site.hub)
        notes.append(f"tariff {tariff.tariff_cny_per_kwh} CNY/kWh from the hub table ({tariff.verification})")
    freq = inputs.financing.payment_frequency_months
    for i, tranche in enumerate(inputs.financing.tranches):
        if (tranche.tenor_months - plan.first_cod) % freq:
            notes.append(
                f"financing.tranches[{i}]: maturity (month {tranche.tenor_months - 1}) is not a regular payment "
                "date; its last period is a short stub"
            )
    if metrics["defaulted_in_base_case"]:
        notes.append("the base case cannot meet its debt service even after the DSRA")
    return notes


__all__ = [
    "COLUMNS",
    "MODEL_VERSION",
    "Case",
    "ProjectInputs",
    "ProjectResult",
    "SimulationResult",
    "evaluate",
    "example_inputs",
    "example_names",
    "example_path",
    "gpu_residual_value",
    "load_project",
    "ltv_path",
    "max_debt",
    "parse_inputs",
    "recommended_haircut",
    "remaining_life_years",
    "residual_share",
    "run_case",
    "simulate",
    "solve",
]
