"""Input schema of a 智算中心 project: site, accelerators, capex, revenue, costs, taxes, financing.

Every field, with its unit, is documented in ``docs/projects.md``. Amounts accept the units bankers write
(``"2.8亿"``, ``"5000万"``, ``1200000``) and are held as ``Decimal`` yuan. Rates and shares are fractions
(``0.035`` is 3.5%). Months count from financial close (construction start, month 0) unless a field says
otherwise.

Field rules are checked by pydantic; rules that tie fields together (a tenor shorter than its grace period,
contracted cards above the cluster's count...) by :func:`check`. Both raise :class:`InputError` whose
problems name the field path, e.g. ``financing.tranches[0].tenor_months``.

>>> inputs = parse_inputs({"name": "demo", "site": {"province": "宁夏", "hub": "ningxia", "it_power_mw": 2,
...     "pue": 1.15, "months_to_commissioning": 6}, "accelerators": [{"model": "H20", "count": 512,
...     "capex_per_card": "12万"}], "revenue": {"merchant": {"price": 6.0, "utilization_ramp": [0.6]}},
...     "financing": {"tranches": [{"name": "senior", "amount": "3000万", "tenor_months": 60,
...     "grace_months": 12}]}})
>>> inputs.financing.tranches[0].amount
Decimal('30000000')
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from computecredit.errors import InputError, Problem
from computecredit.money import parse_amount
from computecredit.rating.master_scale import load_master_scale
from computecredit.reference.accelerators import accelerator
from computecredit.reference.energy import grid_factor, hub_tariff


def _amount(value: Any) -> Decimal:
    try:
        return parse_amount(value)
    except InputError as exc:
        raise ValueError(exc.problems[0].rule) from None


Amount = Annotated[Decimal, BeforeValidator(_amount), Field(ge=0)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
PriceBasis = Literal["card_hour", "pflops_month"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Site(_Model):
    """Where the centre stands and how it draws power."""

    province: str = Field(description="province (Chinese or English name) for the grid CO2 factor")
    hub: str | None = Field(None, description="东数西算 hub key (reference hub_electricity_tariffs.csv)")
    it_power_mw: float = Field(gt=0, description="contracted IT power capacity, MW")
    pue: float = Field(ge=1.0, le=3.0, description="design power usage effectiveness")
    tariff_cny_per_kwh: float | None = Field(None, gt=0, description="grid tariff excl. VAT; default: hub's")
    green_power_share: Share = 0.0
    green_tariff_cny_per_kwh: float | None = Field(None, gt=0, description="green power price; default: tariff")
    months_to_commissioning: int = Field(ge=0, le=60)
    racks: int | None = Field(None, ge=0)
    start_date: date = date(2025, 1, 1)


class Cluster(_Model):
    """One block of identical accelerators (a phase, if it commissions later)."""

    model: str
    count: int = Field(ge=1)
    capex_per_card: Amount | None = Field(None, description="server all-in CNY per accelerator")
    commissioning_month: int | None = Field(None, ge=0, le=120)
    spare_share: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.02
    annual_failure_rate: Share = 0.05
    server_power_factor: float = Field(1.8, ge=1.0, le=4.0)
    merchant_price: float | None = Field(None, gt=0, description="overrides revenue.merchant.price")


class Refresh(_Model):
    year_after_commissioning: int = Field(ge=1, le=30)
    amount: Amount


class Capex(_Model):
    network: Amount = Decimal(0)
    storage: Amount = Decimal(0)
    building: Amount = Decimal(0)
    fit_out: Amount = Decimal(0)
    other: Amount = Decimal(0)
    contingency_share: Annotated[float, Field(ge=0.0, le=0.5)] = 0.05
    equipment_vat_rate: Share = 0.13
    construction_vat_rate: Share = 0.09
    refresh: list[Refresh] = Field(default_factory=list)


class Offtake(_Model):
    """A contract for a block of cards: the customer pays for use, at least its take-or-pay share."""

    customer: str
    rating: str | None = Field(None, description="master-scale grade; gives the PD when ``pd`` is not set")
    pd: Share | None = Field(None, description="customer's annual probability of default")

    @property
    def annual_pd(self) -> float:
        """``pd``, or the mid-point PD of ``rating`` on the bank's master scale."""
        if self.pd is not None:
            return self.pd
        return load_master_scale().pd_for_grade(self.rating or "")

    cluster: int = Field(0, ge=0)
    cards: int = Field(ge=1)
    price: float = Field(gt=0)
    price_basis: PriceBasis = "card_hour"
    start_month: int = Field(0, ge=0, description="months after the cluster's commissioning")
    tenor_months: int = Field(ge=1, le=240)
    take_or_pay_share: Share = 0.0
    utilization: Share = 1.0
    prepayment_share: Share = 0.0
    annual_escalation: Annotated[float, Field(ge=-0.5, le=0.5)] = 0.0


class Merchant(_Model):
    """Capacity sold on the spot/short-term market."""

    price: float = Field(gt=0, description="CNY per card-hour (or per PFLOPS-month) at first commissioning")
    price_basis: PriceBasis = "card_hour"
    annual_price_decline: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.15
    utilization_ramp: list[Share] = Field(min_length=1, description="utilisation by year of operation")


class Revenue(_Model):
    offtake: list[Offtake] = Field(default_factory=list)
    merchant: Merchant | None = None


class Costs(_Model):
    om_share_of_capex: Annotated[float, Field(ge=0.0, le=0.3)] = 0.015
    insurance_share_of_capex: Annotated[float, Field(ge=0.0, le=0.05)] = 0.003
    staff_per_year: Amount = Decimal(0)
    bandwidth_per_year: Amount = Decimal(0)
    rent_per_year: Amount = Decimal(0)
    other_per_year: Amount = Decimal(0)
    annual_escalation: Annotated[float, Field(ge=-0.2, le=0.3)] = 0.02
    idle_power_share: Share = 0.3


class Tax(_Model):
    vat_rate_services: Share = 0.06
    electricity_vat_rate: Share = 0.13
    surtax_share: Share = 0.12
    eit_rate: Share = 0.25
    high_tech: bool = False
    western_development: bool = False

    @property
    def effective_eit_rate(self) -> float:
        """15% for a high-tech enterprise or a western-development encouraged industry, else ``eit_rate``."""
        return min(self.eit_rate, 0.15) if (self.high_tech or self.western_development) else self.eit_rate


class Depreciation(_Model):
    method: Literal["straight_line", "double_declining"] = "straight_line"
    it_life_years: int = Field(5, ge=1, le=15)
    building_life_years: int = Field(20, ge=1, le=50)
    fit_out_life_years: int = Field(10, ge=1, le=30)
    salvage_share: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.05


class Tranche(_Model):
    name: str = "senior"
    amount: Amount | None = Field(None, description="None: sized by the engine to max_debt")
    tenor_months: int = Field(ge=1, le=360)
    grace_months: int = Field(0, ge=0)
    base_rate: Annotated[float, Field(ge=0.0, le=0.3)] = 0.035
    spread_bp: Annotated[float, Field(ge=-300, le=2000)] = 0.0
    repayment: Literal["annuity", "equal_principal", "sculpted"] = "equal_principal"
    target_dscr: float = Field(1.30, ge=1.0, le=5.0)
    upfront_fee_share: Annotated[float, Field(ge=0.0, le=0.1)] = 0.0

    @property
    def rate(self) -> float:
        """All-in annual interest rate: base rate (LPR) plus spread."""
        return self.base_rate + self.spread_bp / 10_000


class Financing(_Model):
    tranches: list[Tranche] = Field(min_length=1)
    payment_frequency_months: Literal[1, 3, 6, 12] = 3
    dsra_months: int = Field(6, ge=0, le=24)
    cash_sweep_share: Share = 0.0
    lockup_dscr: float = Field(1.10, ge=0.0, le=5.0)
    target_min_dscr: float = Field(1.30, ge=1.0, le=5.0)
    gearing_cap: Annotated[float, Field(gt=0.0, le=1.0)] = 0.70
    completion_support: bool = True


class Analysis(_Model):
    operation_years: int = Field(10, ge=1, le=30)
    discount_rate: Annotated[float, Field(ge=0.0, le=0.5)] = 0.08
    usd_cny: float = Field(7.2, gt=0)


class Correlation(_Model):
    a: str
    b: str
    rho: Annotated[float, Field(ge=-1.0, le=1.0)]


DRIVERS = ("price_decline", "utilization", "tariff", "capex_overrun", "delay", "failure_rate", "offtaker_default")


class Simulation(_Model):
    """Uncertain drivers of the Monte Carlo (each a marginal; joined by a Gaussian copula)."""

    price_decline_sd: Annotated[float, Field(ge=0.0, le=0.5)] = 0.06
    utilization_sd: Annotated[float, Field(ge=0.0, le=0.5)] = 0.10
    utilization_monthly_sd: Annotated[float, Field(ge=0.0, le=0.5)] = 0.03
    utilization_persistence: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.9
    tariff_sd: Annotated[float, Field(ge=0.0, le=1.0)] = 0.10
    capex_overrun_mean: Annotated[float, Field(ge=-0.5, le=1.0)] = 0.03
    capex_overrun_sd: Annotated[float, Field(ge=0.0, le=1.0)] = 0.05
    delay_mean_months: Annotated[float, Field(ge=0.0, le=36.0)] = 1.0
    delay_sd_months: Annotated[float, Field(ge=0.0, le=36.0)] = 2.0
    failure_rate_sd: Annotated[float, Field(ge=0.0, le=2.0)] = 0.3
    enforcement_cost_share: Share = 0.15
    recovery_discount_premium: Annotated[float, Field(ge=0.0, le=0.5)] = 0.03
    correlations: list[Correlation] = Field(
        default_factory=lambda: [
            Correlation(a="price_decline", b="utilization", rho=-0.5),
            Correlation(a="price_decline", b="offtaker_default", rho=0.3),
            Correlation(a="utilization", b="offtaker_default", rho=-0.3),
            Correlation(a="capex_overrun", b="delay", rho=0.5),
        ]
    )


class ProjectInputs(_Model):
    """A whole project, as read from YAML."""

    name: str
    borrower: str | None = None
    borrower_uscc: str | None = Field(
        None, description="unified social credit code, links the project to a borrower"
    )
    site: Site
    accelerators: list[Cluster] = Field(min_length=1)
    capex: Capex = Capex()
    revenue: Revenue
    costs: Costs = Costs()
    tax: Tax = Tax()
    depreciation: Depreciation = Depreciation()
    financing: Financing
    analysis: Analysis = Analysis()
    simulation: Simulation = Simulation()

    def commissioning_month(self, cluster: int) -> int:
        """Month (from financial close) in which ``accelerators[cluster]`` starts earning."""
        own = self.accelerators[cluster].commissioning_month
        return self.site.months_to_commissioning if own is None else own

    @property
    def first_commissioning_month(self) -> int:
        return min(self.commissioning_month(i) for i in range(len(self.accelerators)))

    @property
    def horizon_months(self) -> int:
        """Model length: construction to first commissioning plus the operating years."""
        return self.first_commissioning_month + 12 * self.analysis.operation_years


def _path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(root)"


def parse_inputs(data: Any, *, source: str | None = None) -> ProjectInputs:
    """Validate a mapping into :class:`ProjectInputs`, then :func:`check` it; raise :class:`InputError`.

    >>> parse_inputs({"name": "x"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    computecredit.errors.InputError: field 'site' = ...: Field required; ...
    """
    if not isinstance(data, dict):
        raise InputError("(root)", type(data).__name__, "a project must be a mapping", source=source)
    try:
        inputs = ProjectInputs.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            rule = err.get("msg", "invalid").removeprefix("Value error, ")
            problems.append(Problem(_path(tuple(err.get("loc", ()))), err.get("input"), rule, source))
        raise InputError(problems=problems) from None
    try:
        check(inputs)
    except InputError as exc:
        raise exc.with_source(source) from None
    return inputs


def load_project(path: str | Path) -> ProjectInputs:
    """Read and validate a project YAML file.

    >>> from pathlib import Path
    >>> load_project(Path("no/such.yaml"))
    Traceback (most recent call last):
    ...
    FileNotFoundError: no project file no/such.yaml
    """
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"no project file {file}")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError("(file)", str(file), f"not valid YAML: {exc}", source=str(file)) from None
    return parse_inputs(data, source=str(file))


def check(inputs: ProjectInputs) -> None:
    """Rules that tie fields together or need reference data; raise one :class:`InputError` listing all."""
    problems: list[Problem] = []

    def fail(field: str, value: Any, rule: str) -> None:
        problems.append(Problem(field, value, rule))

    site, fin = inputs.site, inputs.financing
    try:
        grid_factor(site.province)
    except InputError as exc:
        problems.extend(exc.problems)
    if site.hub is not None:
        try:
            hub_tariff(site.hub)
        except InputError as exc:
            problems.extend(exc.problems)
    elif site.tariff_cny_per_kwh is None:
        fail("site.tariff_cny_per_kwh", None, "required when no hub is given")

    it_load_kw = 0.0
    for i, cluster in enumerate(inputs.accelerators):
        try:
            spec = accelerator(cluster.model, field=f"accelerators[{i}].model")
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        it_load_kw += cluster.count * spec.tdp_w * cluster.server_power_factor / 1000
        if cluster.capex_per_card is None and spec.price_usd_low is None:
            fail(f"accelerators[{i}].capex_per_card", None, f"required: the catalogue has no price for {spec.key}")
        if inputs.commissioning_month(i) >= inputs.horizon_months:
            fail(f"accelerators[{i}].commissioning_month", cluster.commissioning_month, "after the model horizon")
    if it_load_kw > site.it_power_mw * 1000 * (1 + 1e-9):
        fail(
            "site.it_power_mw", site.it_power_mw, f"below the accelerators' IT load of {it_load_kw / 1000:.2f} MW"
        )

    revenue = inputs.revenue
    if not revenue.offtake and revenue.merchant is None:
        fail("revenue", None, "needs an offtake contract or merchant capacity")
    scale = load_master_scale()
    for k, contract in enumerate(revenue.offtake):
        if contract.pd is None and contract.rating is None:
            fail(f"revenue.offtake[{k}].pd", None, "give the offtaker's pd or its master-scale rating")
        elif contract.pd is None and contract.rating not in scale.codes:
            fail(
                f"revenue.offtake[{k}].rating",
                contract.rating,
                f"not a master-scale grade ({', '.join(scale.codes)})",
            )
        if contract.cluster >= len(inputs.accelerators):
            fail(f"revenue.offtake[{k}].cluster", contract.cluster, "no such accelerator cluster")
        elif contract.cards > inputs.accelerators[contract.cluster].count:
            fail(f"revenue.offtake[{k}].cards", contract.cards, "more cards than the cluster has")
    if revenue.merchant is None and any(c.merchant_price is not None for c in inputs.accelerators):
        fail("revenue.merchant", None, "required when a cluster sets merchant_price")

    last_capex_month = max(inputs.commissioning_month(i) for i in range(len(inputs.accelerators)))
    unsized = [i for i, t in enumerate(fin.tranches) if t.amount is None]
    if len(unsized) > 1:
        fail(f"financing.tranches[{unsized[1]}].amount", None, "at most one tranche may be sized by the engine")
    sculpted = [i for i, t in enumerate(fin.tranches) if t.repayment == "sculpted"]
    if len(sculpted) > 1:
        fail(f"financing.tranches[{sculpted[1]}].repayment", "sculpted", "at most one tranche may be sculpted")
    for i, tranche in enumerate(fin.tranches):
        where = f"financing.tranches[{i}]"
        if tranche.tenor_months <= tranche.grace_months:
            fail(
                f"{where}.tenor_months", tranche.tenor_months, f"must exceed grace_months ({tranche.grace_months})"
            )
        if tranche.grace_months < last_capex_month:
            fail(
                f"{where}.grace_months",
                tranche.grace_months,
                f"must cover construction up to the last commissioning (month {last_capex_month})",
            )
        if tranche.tenor_months > inputs.horizon_months:
            fail(
                f"{where}.tenor_months",
                tranche.tenor_months,
                f"ends after the model horizon of {inputs.horizon_months} months",
            )

    names = set(DRIVERS)
    for k, pair in enumerate(inputs.simulation.correlations):
        for side in ("a", "b"):
            if getattr(pair, side) not in names:
                fail(f"simulation.correlations[{k}].{side}", getattr(pair, side), f"unknown driver; use {DRIVERS}")
        if pair.a == pair.b:
            fail(f"simulation.correlations[{k}].b", pair.b, "a driver cannot be correlated with itself")
    if not problems:
        index = {name: i for i, name in enumerate(DRIVERS)}
        matrix = np.eye(len(DRIVERS))
        for pair in inputs.simulation.correlations:
            matrix[index[pair.a], index[pair.b]] = matrix[index[pair.b], index[pair.a]] = pair.rho
        if np.linalg.eigvalsh(matrix).min() <= 1e-10:
            fail(
                "simulation.correlations",
                len(inputs.simulation.correlations),
                "correlation matrix is not positive definite",
            )
    if problems:
        raise InputError(problems=problems)


__all__ = [
    "DRIVERS",
    "Analysis",
    "Capex",
    "Cluster",
    "Costs",
    "Depreciation",
    "Financing",
    "Merchant",
    "Offtake",
    "ProjectInputs",
    "Revenue",
    "Simulation",
    "Site",
    "Tax",
    "Tranche",
    "check",
    "load_project",
    "parse_inputs",
]
