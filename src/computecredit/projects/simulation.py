"""Monte Carlo of the project with correlated drivers: default probability, expected loss and LGD of the
senior debt, and the distributions of min DSCR and IRR.

Drivers (marginals; joined by a Gaussian copula whose correlation matrix is built from
``simulation.correlations`` and factored by Cholesky):

- ``price_decline``: annual merchant price decline, normal around the input, sd ``price_decline_sd``;
- ``utilization``: a shift of the merchant ramp, normal sd ``utilization_sd``, plus monthly AR(1) noise;
- ``tariff``: lognormal factor on the electricity tariff, sd ``tariff_sd`` (mean 1);
- ``capex_overrun``: normal share, funded by the sponsor;
- ``delay``: months of commissioning delay, normal rounded and floored at 0;
- ``failure_rate``: lognormal factor on the cards' annual failure rate;
- ``offtaker_default``: each offtaker defaults at an exponential time with its annual PD (one common factor,
  loading ``OFFTAKER_LOADING``, plus its own); its cards then go to the merchant market.

The annual PD (the lifetime ``p_default`` spread evenly over the operating life of the loan) is mapped to
the bank's master scale (``rating.master_scale``). The debt is the base case's: the same schedule on every path, with cash sweeps applied per path.
A path defaults when a payment date's debt service (or an operating deficit) cannot be met after the DSRA.
Loss = exposure − recovery; recovery = (1 − enforcement cost) × the larger of the going-concern value (PV of
the path's CFADS after default at the debt rate plus a premium) and the GPUs' residual value (over the
life their chip generation has left, on the path's own rental decline).

Paths are run in fixed-size chunks, each with its own child seed, so the same seed gives the same result.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.signal import lfilter
from scipy.special import ndtr

from computecredit.errors import InputError
from computecredit.projects.collateral import DISCOUNT_RATE, OPERATING_COST_SHARE, remaining_life_years
from computecredit.projects.debt import DebtSchedule, waterfall
from computecredit.projects.metrics import irr, to_years
from computecredit.projects.model import Drivers, FloatArray, Plan, operations
from computecredit.projects.schema import DRIVERS, Simulation
from computecredit.rating.master_scale import load_master_scale

CHUNK = 5_000
OFFTAKER_LOADING = 0.6
HISTOGRAM_BINS = 40


def correlation_matrix(settings: Simulation) -> FloatArray:
    """The drivers' correlation matrix (order :data:`DRIVERS`); :class:`InputError` if not positive definite.

    >>> m = correlation_matrix(Simulation())
    >>> m.shape, float(m[0, 1])
    ((7, 7), -0.5)
    """
    index = {name: i for i, name in enumerate(DRIVERS)}
    matrix = np.eye(len(DRIVERS))
    for pair in settings.correlations:
        i, j = index[pair.a], index[pair.b]
        matrix[i, j] = matrix[j, i] = pair.rho
    try:
        np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        raise InputError(
            "simulation.correlations", [p.model_dump() for p in settings.correlations], "not positive definite"
        ) from None
    return matrix


def sample_drivers(plan: Plan, latent: FloatArray, noise: FloatArray, idiosyncratic: FloatArray) -> Drivers:
    """Drivers from correlated standard normals ``latent`` (paths, 7), utilisation ``noise`` (paths, months)
    and offtakers' own normals ``idiosyncratic`` (paths, contracts)."""
    settings = plan.inputs.simulation
    merchant = plan.inputs.revenue.merchant
    paths = latent.shape[0]
    z = {name: latent[:, i] for i, name in enumerate(DRIVERS)}
    decline = (merchant.annual_price_decline if merchant else 0.0) + settings.price_decline_sd * z["price_decline"]
    persistence = settings.utilization_persistence
    scale = settings.utilization_monthly_sd * np.sqrt(1 - persistence**2)
    initial = persistence * settings.utilization_monthly_sd * noise[:, :1]
    monthly = lfilter([scale], [1.0, -persistence], noise[:, 1:], axis=1, zi=initial)[0]
    monthly = np.concatenate([settings.utilization_monthly_sd * noise[:, :1], monthly], axis=1)
    tariff = np.exp(settings.tariff_sd * z["tariff"] - settings.tariff_sd**2 / 2)
    failure = np.exp(settings.failure_rate_sd * z["failure_rate"] - settings.failure_rate_sd**2 / 2)
    default_month = None
    if plan.contracts:
        common = OFFTAKER_LOADING * z["offtaker_default"][:, None]
        own = np.sqrt(1 - OFFTAKER_LOADING**2) * idiosyncratic
        stress = common + own
        hazard = -np.log1p(-np.minimum(plan.contract_pd, 1 - 1e-12)) / 12  # per month
        with np.errstate(divide="ignore"):
            wait = -np.log(ndtr(stress)) / np.where(hazard > 0, hazard, np.inf)
        start = plan.cods[plan.contract_cluster] + plan.contract_start
        default_month = start[None, :] + wait
    return Drivers.base(
        plan,
        paths,
        price_decline=np.clip(decline, -0.5, 0.95),
        utilization_shift=settings.utilization_sd * z["utilization"],
        tariff_factor=tariff,
        capex_factor=np.maximum(
            1.0 + settings.capex_overrun_mean + settings.capex_overrun_sd * z["capex_overrun"], 0.5
        ),
        delay_months=np.maximum(np.round(settings.delay_mean_months + settings.delay_sd_months * z["delay"]), 0.0),
        failure_factor=failure,
        utilization_noise=monthly,
        contract_default_month=default_month,
    )


@dataclass
class SimulationResult:
    """Summary of a Monte Carlo run (everything JSON-ready in :meth:`as_dict`)."""

    paths: int
    seed: int
    p_default: float  # over the life of the loan
    pd_annual: float  # the same, as a constant annual probability
    expected_loss: float  # CNY
    expected_loss_rate: float  # of the senior debt
    lgd: float | None  # loss / exposure over defaulted paths
    min_dscr: dict[str, float | None]
    project_irr: dict[str, float | None]
    equity_irr: dict[str, float | None]
    default_years: list[int]  # defaults by year of operation
    grade: str  # master-scale grade of ``pd_annual``
    histogram: dict[str, list[float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "paths": self.paths,
            "seed": self.seed,
            "p_default": self.p_default,
            "pd_annual": self.pd_annual,
            "expected_loss": self.expected_loss,
            "expected_loss_rate": self.expected_loss_rate,
            "lgd": self.lgd,
            "min_dscr_p01": self.min_dscr["p01"],
            "min_dscr_p05": self.min_dscr["p05"],
            "min_dscr_p50": self.min_dscr["p50"],
            "min_dscr_mean": self.min_dscr["mean"],
            "project_irr_p05": self.project_irr["p05"],
            "project_irr_p50": self.project_irr["p50"],
            "equity_irr_p05": self.equity_irr["p05"],
            "equity_irr_p50": self.equity_irr["p50"],
            "defaults_by_operating_year": self.default_years,
            "min_dscr_histogram": self.histogram,
            "grade": self.grade,
        }


def _quantiles(values: FloatArray) -> dict[str, float | None]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"p01": None, "p05": None, "p10": None, "p50": None, "mean": None}
    p01, p05, p10, p50 = np.quantile(finite, [0.01, 0.05, 0.10, 0.50])
    return {
        "p01": float(p01),
        "p05": float(p05),
        "p10": float(p10),
        "p50": float(p50),
        "mean": float(finite.mean()),
    }


def _recovery(
    plan: Plan, debt: DebtSchedule, drivers: Drivers, cfads: FloatArray, month: FloatArray
) -> FloatArray:
    """Recovery value at each defaulted path's default month (before enforcement costs)."""
    settings = plan.inputs.simulation
    months = cfads.shape[1]
    rate = (debt.average_rate + settings.recovery_discount_premium) / 12
    discount = (1.0 + rate) ** -np.arange(months, dtype=float)
    tail = np.cumsum((cfads * discount)[:, ::-1], axis=1)[:, ::-1]
    after = np.minimum(month.astype(np.int64) + 1, months - 1)
    later = np.take_along_axis(tail, after[:, None], axis=1)[:, 0] * (month + 1 < months)
    going_concern = np.maximum(later / discount[month.astype(np.int64)], 0.0)

    purchase_year = plan.inputs.site.start_date.year
    liquidation = np.zeros(month.size)
    for c, cluster in enumerate(plan.inputs.accelerators):
        life = round(remaining_life_years(cluster.model, purchase_year) * 12)
        m = np.arange(life + 1, dtype=float)
        net = np.maximum((1.0 - drivers.price_decline[:, None]) ** (m / 12) - OPERATING_COST_SHARE, 0.0)
        net[:, -1] = 0.0
        gpu_discount = (1.0 + DISCOUNT_RATE) ** (-m / 12)
        value = np.cumsum((net * gpu_discount)[:, ::-1], axis=1)[:, ::-1]
        age = np.clip(month - plan.cods[c] - np.round(drivers.delay_months), 0, life).astype(np.int64)
        share = np.take_along_axis(value, age[:, None], axis=1)[:, 0] / gpu_discount[age] / value[:, 0]
        liquidation += plan.counts[c] * (1 - plan.spare[c]) * plan.capex_per_card[c] * share
    return np.maximum(going_concern, liquidation)


def _chunk(
    plan: Plan, debt: DebtSchedule, seed: np.random.SeedSequence, size: int, cholesky: FloatArray
) -> tuple[FloatArray, ...]:
    """One chunk of paths: min DSCR, loss, exposure, default month, project and equity IRR per path."""
    rng = np.random.default_rng(seed)
    latent = rng.standard_normal((size, len(DRIVERS))) @ cholesky.T
    noise = rng.standard_normal((size, plan.months))
    own = rng.standard_normal((size, plan.contracts))
    drivers = sample_drivers(plan, latent, noise, own)
    ops = operations(plan, drivers, debt.interest_expense, detail=False)
    flows = waterfall(plan, debt, ops)
    with np.errstate(all="ignore"):
        tested = np.where(np.isnan(flows.dscr), np.inf, flows.dscr).min(axis=1)
    min_dscr = np.where(np.isinf(tested), np.nan, tested)
    defaulted = np.isfinite(flows.default_month)
    loss = np.zeros(size)
    if defaulted.any():
        picked = np.flatnonzero(defaulted)
        sub = Drivers(
            paths=picked.size,
            price_decline=drivers.price_decline[picked],
            utilization_shift=drivers.utilization_shift[picked],
            tariff_factor=drivers.tariff_factor[picked],
            capex_factor=drivers.capex_factor[picked],
            delay_months=drivers.delay_months[picked],
            failure_factor=drivers.failure_factor[picked],
            price_factor=drivers.price_factor[picked],
            opex_factor=drivers.opex_factor[picked],
        )
        keep = 1 - plan.inputs.simulation.enforcement_cost_share
        recovered = keep * _recovery(plan, debt, sub, ops.cfads[picked], flows.default_month[picked])
        loss[picked] = np.maximum(flows.exposure_at_default[picked] - recovered, 0.0)
    return (
        min_dscr,
        loss,
        np.where(defaulted, flows.exposure_at_default, 0.0),
        flows.default_month,
        irr(to_years(ops.cfads) - np.outer(ops.capex_factor, to_years(ops.base_capex)), periods_per_year=1),
        irr(to_years(flows.equity_flows), periods_per_year=1),
    )


def simulate(
    plan: Plan, debt: DebtSchedule, *, paths: int, seed: int, chunk: int = CHUNK, workers: int | None = None
) -> SimulationResult:
    """Run ``paths`` scenarios against the base-case ``debt``; reproducible for a given ``seed``.

    >>> from computecredit.projects.examples import example_inputs
    >>> from computecredit.projects.engine import make_plan, solve
    >>> plan = make_plan(example_inputs("ningxia_phase1"))
    >>> a = simulate(plan, solve(plan).debt, paths=200, seed=7)
    >>> b = simulate(plan, solve(plan).debt, paths=200, seed=7)
    >>> a.as_dict() == b.as_dict(), 0.0 <= a.p_default <= 1.0
    (True, True)
    """
    if paths < 1:
        raise InputError("simulations", paths, "must be at least 1")
    settings = plan.inputs.simulation
    cholesky = np.linalg.cholesky(correlation_matrix(settings))
    children = np.random.SeedSequence(seed).spawn((paths + chunk - 1) // chunk)
    sizes = [min(chunk, paths - i * chunk) for i in range(len(children))]

    def run(index: int) -> tuple[FloatArray, ...]:
        return _chunk(plan, debt, children[index], sizes[index], cholesky)

    workers = workers or min(2, os.cpu_count() or 1)
    if workers > 1 and len(children) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(run, range(len(children))))
    else:
        parts = [run(i) for i in range(len(children))]
    min_dscr, loss, ead, default_month, project_irr, equity_irr = (
        np.concatenate(p) for p in zip(*parts, strict=True)
    )
    defaulted = np.isfinite(default_month)
    p_default = float(defaulted.mean())
    loan_years = max((debt.maturity_month - plan.first_cod + 1) / 12, 1 / 12)
    amount = debt.amount
    years = ((default_month[defaulted] - plan.first_cod) // 12).astype(np.int64)
    by_year = np.bincount(np.maximum(years, 0), minlength=int(np.ceil(loan_years))).tolist()
    finite = min_dscr[np.isfinite(min_dscr)]
    if finite.size:
        top = float(np.quantile(finite, 0.99))
        counts, edges = np.histogram(np.clip(finite, None, top), bins=HISTOGRAM_BINS)
        histogram = {"edges": edges.tolist(), "counts": counts.astype(float).tolist()}
    else:
        histogram = {"edges": [], "counts": []}
    pd_annual = float(1 - (1 - p_default) ** (1 / loan_years))
    return SimulationResult(
        paths=paths,
        seed=seed,
        p_default=p_default,
        pd_annual=pd_annual,
        expected_loss=float(loss.mean()),
        expected_loss_rate=float(loss.mean() / amount) if amount > 0 else 0.0,
        lgd=float(loss.sum() / ead.sum()) if ead.sum() > 0 else None,
        min_dscr=_quantiles(min_dscr),
        project_irr=_quantiles(project_irr),
        equity_irr=_quantiles(equity_irr),
        default_years=[int(v) for v in by_year],
        grade=load_master_scale().grade_for_pd(pd_annual).code,
        histogram=histogram,
    )


__all__ = ["CHUNK", "SimulationResult", "correlation_matrix", "sample_drivers", "simulate"]
