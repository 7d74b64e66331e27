"""The monthly cash-flow model, vectorised across scenarios (paths × months).

One code path serves the base case (one path), sensitivities (a few dozen paths) and the Monte Carlo
(100,000 paths): each scenario is a row of :class:`Drivers`; revenue, costs, taxes and CFADS are arrays of
shape ``(paths, months)``; the debt waterfall (debt service, DSRA, lock-up, cash sweep, distributions) loops
over months only, each step acting on every path at once.

Conventions (see ``docs/projects.md``): amounts in CNY; revenue and operating cash flows include VAT, which
is settled through a VAT account whose input credits (capex, electricity) carry forward; enterprise income
tax is paid monthly on cumulative taxable income with losses carried forward; capex overruns, and debt
service that falls due before a delayed commissioning, are paid by the sponsor (completion support).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from computecredit.projects.schema import ProjectInputs
from computecredit.reference.accelerators import accelerator
from computecredit.reference.energy import hub_tariff

HOURS_PER_MONTH = 8760 / 12
FloatArray = np.ndarray


def running_settlement(net: FloatArray) -> FloatArray:
    """Payments of a tax whose negative balances carry forward (no refunds): the running max of the sum.

    >>> running_settlement(np.array([[10.0, -5.0, 3.0, 4.0]]))
    array([[10.,  0.,  0.,  2.]])
    """
    cumulative = np.cumsum(net, axis=-1)
    np.maximum(cumulative, 0.0, out=cumulative)
    np.maximum.accumulate(cumulative, axis=-1, out=cumulative)
    paid = np.empty_like(cumulative)
    paid[..., 0] = cumulative[..., 0]
    np.subtract(cumulative[..., 1:], cumulative[..., :-1], out=paid[..., 1:])
    return paid


def depreciation_profile(life_years: int, months: int, method: str, salvage_share: float) -> FloatArray:
    """Monthly depreciation of one yuan of cost from the month it enters service.

    ``double_declining``: twice the straight-line rate on net book value, straight line over the last two
    years (the Chinese 双倍余额递减法).

    >>> p = depreciation_profile(5, 72, "straight_line", 0.05)
    >>> round(float(p.sum()), 6), round(float(p[0]) * 12, 4)
    (0.95, 0.19)
    >>> round(float(depreciation_profile(5, 72, "double_declining", 0.05).sum()), 6)
    0.95
    """
    annual = np.zeros(life_years)
    if method == "straight_line" or life_years <= 2:
        annual[:] = (1.0 - salvage_share) / life_years
    else:
        book = 1.0
        for year in range(life_years - 2):
            annual[year] = book * 2.0 / life_years
            book -= annual[year]
        annual[-2:] = (book - salvage_share) / 2.0
    monthly = np.repeat(annual / 12.0, 12)
    profile = np.zeros(months)
    profile[: min(months, monthly.size)] = monthly[:months]
    return profile


@dataclass(frozen=True)
class Plan:
    """Everything the model needs from the inputs and the reference data, as floats and arrays."""

    inputs: ProjectInputs
    months: int
    first_cod: int
    cods: FloatArray  # (C,) commissioning month of each cluster
    counts: FloatArray  # (C,)
    tflops: FloatArray  # (C,) dense BF16 TFLOPS per card
    card_kw: FloatArray  # (C,) IT power per card at full load: TDP × server power factor
    spare: FloatArray
    failure: FloatArray
    capex_per_card: FloatArray
    merchant_price: FloatArray  # (C,) CNY per card-hour at first commissioning
    ramp: FloatArray  # merchant utilisation by year of operation
    grid_tariff: float
    green_tariff: float
    capex: FloatArray  # (T,) capex excl. VAT, with contingency
    capex_vat: FloatArray  # (T,) input VAT on capex
    equipment_capex: float
    total_capex: float
    depreciation: FloatArray  # (T,) with no delay
    refresh: FloatArray  # (T,) refresh capex excl. VAT with no delay
    fixed_opex: FloatArray  # (T,) staff, bandwidth, rent, other, O&M, insurance with no delay
    contract_cluster: np.ndarray
    contract_cards: FloatArray
    contract_price: FloatArray  # CNY per card-hour
    contract_start: FloatArray  # months after the cluster's commissioning
    contract_tenor: FloatArray
    contract_billed_share: FloatArray  # max(take-or-pay, utilisation)
    contract_utilization: FloatArray
    contract_prepayment: FloatArray
    contract_escalation: FloatArray
    contract_pd: FloatArray
    contract_value: FloatArray  # billed value over the tenor, for the prepayment

    @property
    def contracts(self) -> int:
        return int(self.contract_cards.size)

    @property
    def pflops(self) -> float:
        """Installed dense BF16 PFLOPS (all cards, spares included)."""
        return float((self.counts * self.tflops).sum() / 1000)


def card_hour_price(price: float, basis: str, tflops: float) -> float:
    """A price per PFLOPS-month as CNY per card-hour (a card holds ``tflops`` / 1000 PFLOPS).

    >>> round(card_hour_price(30000, "pflops_month", 1000), 4)
    41.0959
    """
    return price if basis == "card_hour" else price * (tflops / 1000) / HOURS_PER_MONTH


def make_plan(inputs: ProjectInputs) -> Plan:
    """Resolve the inputs against the reference data into a :class:`Plan`."""
    months = inputs.horizon_months
    first_cod = inputs.first_commissioning_month
    specs = [accelerator(c.model, field=f"accelerators[{i}].model") for i, c in enumerate(inputs.accelerators)]
    clusters = inputs.accelerators
    cods = np.array([inputs.commissioning_month(i) for i in range(len(clusters))], dtype=float)
    usd = inputs.analysis.usd_cny
    capex_per_card = np.array(
        [
            float(c.capex_per_card) if c.capex_per_card is not None else float(s.price_usd_low or 0.0) * usd
            for c, s in zip(clusters, specs, strict=True)
        ]
    )
    tflops = np.array([s.bf16_dense_tflops for s in specs])
    merchant = inputs.revenue.merchant
    merchant_price = np.array(
        [
            card_hour_price(c.merchant_price or merchant.price, merchant.price_basis, s.bf16_dense_tflops)
            if merchant is not None
            else 0.0
            for c, s in zip(clusters, specs, strict=True)
        ]
    )

    site, capex_in, costs = inputs.site, inputs.capex, inputs.costs
    grid = site.tariff_cny_per_kwh or hub_tariff(site.hub or "").tariff_cny_per_kwh
    green = site.green_tariff_cny_per_kwh or grid
    uplift = 1.0 + capex_in.contingency_share
    capex = np.zeros(months)
    capex_vat = np.zeros(months)

    def spend(amount: float, start: int, end: int, vat_rate: float) -> None:
        # evenly over [start, end); a centre commissioned at month 0 is bought in month 0
        lo, hi = min(start, months - 1), max(min(end, months), min(start, months - 1) + 1)
        capex[lo:hi] += amount * uplift / (hi - lo)
        capex_vat[lo:hi] += amount * uplift * vat_rate / (hi - lo)

    build = max(first_cod, 1)
    for i, cluster in enumerate(clusters):
        cod = int(cods[i])
        spend(cluster.count * capex_per_card[i], max(cod - build, 0), cod, capex_in.equipment_vat_rate)
    shared_equipment = float(capex_in.network + capex_in.storage + capex_in.other)
    spend(shared_equipment, 0, first_cod, capex_in.equipment_vat_rate)
    spend(float(capex_in.building + capex_in.fit_out), 0, first_cod, capex_in.construction_vat_rate)

    dep = inputs.depreciation
    it_profile = depreciation_profile(dep.it_life_years, months, dep.method, dep.salvage_share)
    depreciation = np.zeros(months)

    def in_service(cost: float, start: int, profile: FloatArray) -> None:
        if start < months:
            depreciation[start:] += cost * profile[: months - start]

    server_costs = np.array([c.count for c in clusters]) * capex_per_card * uplift
    for i in range(len(clusters)):
        in_service(float(server_costs[i]), int(cods[i]), it_profile)
    in_service(shared_equipment * uplift, first_cod, it_profile)
    for amount, life in ((capex_in.building, dep.building_life_years), (capex_in.fit_out, dep.fit_out_life_years)):
        in_service(float(amount) * uplift, first_cod, depreciation_profile(life, months, "straight_line", 0.0))
    refresh = np.zeros(months)
    for item in capex_in.refresh:
        month = first_cod + 12 * item.year_after_commissioning
        if month < months:
            refresh[month] += float(item.amount)
            in_service(float(item.amount), month, it_profile)

    equipment_capex = float(server_costs.sum()) + shared_equipment * uplift
    total_capex = float(capex.sum())
    fixed = np.zeros(months)
    operating = np.arange(months) >= first_cod
    escalation = (1.0 + costs.annual_escalation) ** (np.arange(months) // 12)
    annual_fixed = float(
        costs.staff_per_year + costs.bandwidth_per_year + costs.rent_per_year + costs.other_per_year
    )
    fixed += operating * escalation * annual_fixed / 12
    fixed += operating * escalation * (costs.om_share_of_capex * equipment_capex) / 12
    fixed += operating * costs.insurance_share_of_capex * total_capex / 12

    offtake = inputs.revenue.offtake
    price = np.array(
        [card_hour_price(o.price, o.price_basis, float(tflops[o.cluster])) for o in offtake], dtype=float
    )
    billed = np.array([max(o.take_or_pay_share, o.utilization) for o in offtake], dtype=float)
    escal = np.array([o.annual_escalation for o in offtake], dtype=float)
    tenor = np.array([o.tenor_months for o in offtake], dtype=float)
    cards = np.array([o.cards for o in offtake], dtype=float)
    value = np.array(
        [
            cards[k]
            * HOURS_PER_MONTH
            * price[k]
            * billed[k]
            * ((1 + escal[k]) ** (np.arange(int(tenor[k])) // 12)).sum()
            for k in range(len(offtake))
        ],
        dtype=float,
    )
    return Plan(
        inputs=inputs,
        months=months,
        first_cod=first_cod,
        cods=cods,
        counts=np.array([c.count for c in clusters], dtype=float),
        tflops=tflops,
        card_kw=np.array([s.tdp_w * c.server_power_factor / 1000 for c, s in zip(clusters, specs, strict=True)]),
        spare=np.array([c.spare_share for c in clusters]),
        failure=np.array([c.annual_failure_rate for c in clusters]),
        capex_per_card=capex_per_card,
        merchant_price=merchant_price,
        ramp=np.array(merchant.utilization_ramp if merchant else [0.0]),
        grid_tariff=float(grid),
        green_tariff=float(green),
        capex=capex,
        capex_vat=capex_vat,
        equipment_capex=equipment_capex,
        total_capex=total_capex,
        depreciation=depreciation,
        refresh=refresh,
        fixed_opex=fixed,
        contract_cluster=np.array([o.cluster for o in offtake], dtype=int),
        contract_cards=cards,
        contract_price=price,
        contract_start=np.array([o.start_month for o in offtake], dtype=float),
        contract_tenor=tenor,
        contract_billed_share=billed,
        contract_utilization=np.array([o.utilization for o in offtake], dtype=float),
        contract_prepayment=np.array([o.prepayment_share for o in offtake], dtype=float),
        contract_escalation=escal,
        contract_pd=np.array([o.annual_pd for o in offtake], dtype=float),
        contract_value=value,
    )


@dataclass
class Drivers:
    """One scenario per row. Shapes ``(paths,)`` unless noted; defaults are the base case."""

    paths: int
    price_decline: FloatArray  # annual merchant price decline
    utilization_shift: FloatArray  # added to the merchant utilisation ramp
    tariff_factor: FloatArray
    capex_factor: FloatArray
    delay_months: FloatArray
    failure_factor: FloatArray
    price_factor: FloatArray  # multiplies merchant prices
    opex_factor: FloatArray
    utilization_noise: FloatArray | None = None  # (paths, months)
    utilization_level: FloatArray | None = None  # a flat merchant utilisation replacing the ramp
    contract_default_month: FloatArray | None = None  # (paths, contracts): month the offtaker stops paying

    @classmethod
    def base(cls, plan: Plan, paths: int = 1, **overrides: FloatArray | None) -> Drivers:
        """Base-case drivers repeated over ``paths`` rows, with some replaced by ``overrides`` arrays.

        >>> from computecredit.projects.examples import example_inputs
        >>> Drivers.base(make_plan(example_inputs("ningxia_phase1")), 3).tariff_factor
        array([1., 1., 1.])
        """
        merchant = plan.inputs.revenue.merchant
        ones = np.ones(paths)
        values: dict[str, FloatArray] = {
            "price_decline": ones * (merchant.annual_price_decline if merchant else 0.0),
            "utilization_shift": np.zeros(paths),
            "tariff_factor": ones.copy(),
            "capex_factor": ones.copy(),
            "delay_months": np.zeros(paths),
            "failure_factor": ones.copy(),
            "price_factor": ones.copy(),
            "opex_factor": ones.copy(),
        }
        extra = {k: overrides.pop(k) for k in list(overrides) if k not in values}
        for name, value in overrides.items():
            if value is not None:
                values[name] = np.broadcast_to(np.asarray(value, dtype=float), (paths,)).copy()
        return cls(paths=paths, **values, **extra)  # type: ignore[arg-type]


@dataclass
class Operations:
    """Operating cash flows of every path, ``(paths, months)`` each; breakdowns ``None`` without detail."""

    revenue: FloatArray  # accrual, excl. VAT
    cash_revenue: FloatArray  # receipts excl. VAT (prepayments when received)
    contracted_revenue: FloatArray | None
    merchant_revenue: FloatArray | None
    electricity: FloatArray  # excl. VAT
    fixed_opex: FloatArray
    vat_paid: FloatArray
    surtax: FloatArray
    ebitda: FloatArray
    depreciation: FloatArray | None
    income_tax: FloatArray
    refresh_capex: FloatArray  # incl. VAT
    cfads: FloatArray
    facility_kwh: FloatArray
    rentable_cards: FloatArray | None
    busy_cards: FloatArray | None
    capex_factor: FloatArray  # (paths,) overrun factor on the initial capex
    first_cod: FloatArray  # (paths,) actual first commissioning month
    base_capex: FloatArray  # (months,) initial capex incl. VAT without overrun

    @property
    def capex(self) -> FloatArray:
        """Initial capex incl. VAT with each path's overrun, (paths, months)."""
        return self.capex_factor[:, None] * self.base_capex[None, :]


def powers(base: FloatArray, months: int, dtype: type = np.float64) -> FloatArray:
    """``base[p] ** n`` for n = 0 .. months-1, as (paths, months), by a running product.

    >>> powers(np.array([2.0, 0.5]), 4).tolist()
    [[1.0, 2.0, 4.0, 8.0], [1.0, 0.5, 0.25, 0.125]]
    """
    out: FloatArray = np.empty((base.size, months), dtype=dtype)
    out[:, 0] = 1.0
    out[:, 1:] = base[:, None]
    return np.cumprod(out, axis=1, out=out)


def _by_age(
    delay: np.ndarray, age: FloatArray, build: Callable[[FloatArray], FloatArray], dtype: type = np.float64
) -> FloatArray:
    """(paths, months) array whose row p is ``build(age - delay[p])``: built once per distinct delay, copied
    by row (a row copy is far cheaper than per-element work on every path)."""
    values, inverse = np.unique(delay, return_inverse=True)
    table: FloatArray = np.stack([build(age - v) for v in values]).astype(dtype)
    return table[inverse.reshape(-1)]


def _running(age: FloatArray, scale: float = 1.0) -> FloatArray:
    return (age >= 0) * scale


def _window(age: FloatArray, start: float, end: float, scale: float = 1.0) -> FloatArray:
    return ((age >= start) & (age < end)) * scale


def _escalation(age: FloatArray, growth: float, start: float) -> FloatArray:
    return growth ** (np.maximum(age - start, 0) // 12)


def _ramp(age: FloatArray, ramp: FloatArray) -> FloatArray:
    return ramp[np.minimum(np.maximum(age, 0) // 12, ramp.size - 1).astype(np.int64)]


def _profile(month: FloatArray, values: FloatArray) -> FloatArray:
    """``values`` delayed: entry t is values[month[t]], zero where the shifted month is negative."""
    index = month.astype(np.int64)
    return np.where(index >= 0, values[np.maximum(index, 0)], 0.0)


def operations(plan: Plan, drivers: Drivers, interest_expense: FloatArray, *, detail: bool = True) -> Operations:
    """Revenue, costs, taxes and CFADS of every path (``interest_expense``: (months,), tax-deductible).

    Whatever depends only on the delay and the month is built once per distinct delay and copied by row;
    per-path arithmetic works in place to keep the number of (paths, months) passes low. Without
    ``detail`` the breakdowns a simulation does not need (contracted/merchant revenue, cards, capex by
    month) are left out (``None``).
    """
    inputs = plan.inputs
    paths, months = drivers.paths, plan.months
    shape = (paths, months)
    # the simulation's (paths, months) arrays are float32: half the memory traffic, ample precision for
    # coverage ratios; the base case keeps float64
    dtype = np.float64 if detail else np.float32
    t = np.arange(months, dtype=float)
    delay = np.round(drivers.delay_months).astype(np.int64)
    first = plan.first_cod
    # (1 - decline)^(months since first commissioning / 12), as a running product (cheaper than exp)
    market = np.ones(shape, dtype=dtype)
    market[:, first:] = powers((1.0 - drivers.price_decline) ** (1 / 12), months - first, dtype)
    market *= drivers.price_factor[:, None]
    idle = inputs.costs.idle_power_share
    contract_default = drivers.contract_default_month

    revenue = np.zeros(shape, dtype=dtype)
    cash_revenue = np.zeros(shape, dtype=dtype)
    load = np.zeros(shape, dtype=dtype)  # kWh a month
    contracted = np.zeros(shape) if detail else None
    merchant_rev = np.zeros(shape) if detail else None
    rentable_all = np.zeros(shape) if detail else None
    busy_all = np.zeros(shape) if detail else None
    scratch = np.empty(shape, dtype=dtype)
    for c in range(plan.counts.size):
        cod = plan.cods[c]
        # survival (1 - f)^(age / 12) = q^t / q^(cod + delay) with q = (1 - f)^(1/12); above 1 before
        # commissioning, where the running mask is 0
        monthly = (1.0 - np.minimum(plan.failure[c] * drivers.failure_factor, 1.0 - 1e-12)) ** (1 / 12)
        rentable = powers(monthly, months, dtype)
        rentable *= np.minimum(monthly ** -(cod + delay), 1e30)[:, None]  # bounded for float32
        np.minimum(rentable, 1.0 - plan.spare[c], out=rentable)
        rentable *= _by_age(delay, t - cod, partial(_running, scale=float(plan.counts[c])), dtype)
        mine = np.flatnonzero(plan.contract_cluster == c).tolist()
        busy = np.zeros(shape, dtype=dtype)
        merchant_cards = rentable.copy()
        if mine:
            active = []
            for k in mine:
                start, end = plan.contract_start[k], plan.contract_start[k] + plan.contract_tenor[k]
                on = _by_age(
                    delay, t - cod, partial(_window, start=start, end=end, scale=plan.contract_cards[k]), dtype
                )
                if contract_default is not None:
                    on *= t[None, :] < contract_default[:, k : k + 1]
                active.append(on)
            booked = active[0].copy() if len(active) == 1 else np.sum(active, axis=0)
            # cards actually let: contracts are cut pro rata when failures leave fewer cards than booked
            scale = np.maximum(booked, 1e-12)
            np.divide(rentable, scale, out=scale)
            np.minimum(scale, 1.0, out=scale)
            for j, k in enumerate(mine):
                cards = active[j]
                cards *= scale
                np.multiply(cards, plan.contract_utilization[k], out=scratch)
                busy += scratch
                billed = cards
                billed *= HOURS_PER_MONTH * plan.contract_price[k] * plan.contract_billed_share[k]
                if plan.contract_escalation[k] != 0:
                    growth, start = 1.0 + plan.contract_escalation[k], plan.contract_start[k]
                    billed *= _by_age(delay, t - cod, partial(_escalation, growth=growth, start=start), dtype)
                revenue += billed
                if contracted is not None:
                    contracted += billed
                prepaid = plan.contract_prepayment[k]
                if prepaid > 0:
                    np.multiply(billed, 1.0 - prepaid, out=scratch)
                    cash_revenue += scratch
                    start = plan.contract_start[k]
                    lump = _by_age(delay, t - cod, partial(_window, start=start, end=start + 1), dtype)
                    lump *= billed > 0
                    lump *= prepaid * plan.contract_value[k]
                    cash_revenue += lump
                else:
                    cash_revenue += billed
            merchant_cards -= np.minimum(booked, rentable, out=booked)
        if drivers.utilization_level is not None:
            use = np.repeat(drivers.utilization_level[:, None].astype(dtype), months, axis=1)
        else:
            use = _by_age(delay, t - cod, partial(_ramp, ramp=plan.ramp), dtype)
            use += drivers.utilization_shift[:, None]
            if drivers.utilization_noise is not None:
                use += drivers.utilization_noise
        np.minimum(np.maximum(use, 0.0, out=use), 1.0, out=use)
        busy_merchant = use
        busy_merchant *= merchant_cards
        busy += busy_merchant
        sold = merchant_cards
        np.multiply(busy_merchant, market, out=sold)
        sold *= HOURS_PER_MONTH * plan.merchant_price[c]
        revenue += sold
        cash_revenue += sold
        if merchant_rev is not None:
            merchant_rev += sold
        if rentable_all is not None and busy_all is not None:
            rentable_all += rentable
            busy_all += busy
        rentable *= plan.card_kw[c] * HOURS_PER_MONTH * idle
        load += rentable
        busy *= plan.card_kw[c] * HOURS_PER_MONTH * (1.0 - idle)
        load += busy

    site, tax = inputs.site, inputs.tax
    facility_kwh = load
    facility_kwh *= site.pue
    tariff = (1 - site.green_power_share) * plan.grid_tariff + site.green_power_share * plan.green_tariff
    electricity = facility_kwh * (drivers.tariff_factor[:, None] * tariff).astype(dtype)
    fixed = _by_age(delay, t, partial(_profile, values=plan.fixed_opex), dtype)
    fixed *= drivers.opex_factor[:, None]
    capex_factor = drivers.capex_factor[:, None].astype(dtype)
    refresh = _by_age(delay, t, partial(_profile, values=plan.refresh), dtype)
    refresh *= capex_factor
    equipment_vat = inputs.capex.equipment_vat_rate
    vat_net = cash_revenue * tax.vat_rate_services
    vat_net -= np.multiply(capex_factor, plan.capex_vat[None, :].astype(dtype), out=scratch)
    vat_net -= np.multiply(electricity, tax.electricity_vat_rate, out=scratch)
    vat_net -= np.multiply(refresh, equipment_vat, out=scratch)
    vat_paid = running_settlement(vat_net)
    surtax = vat_paid * tax.surtax_share
    # The project's forecast EBITDA, built up from its revenue and operating costs per path. It is the same
    # measure as domain.metrics.ebitda, which rebuilds it from a reported income statement (利润总额 + 利息 +
    # 折旧摊销); there are no statement lines here to rebuild it from.
    ebitda = revenue - electricity
    ebitda -= fixed
    ebitda -= surtax
    taxable = _by_age(delay, t, partial(_profile, values=plan.depreciation), dtype)
    taxable *= capex_factor
    depreciation = taxable.copy() if detail else None
    np.subtract(ebitda, taxable, out=taxable)
    taxable -= interest_expense[None, :].astype(dtype)
    income_tax = running_settlement(taxable)
    income_tax *= tax.effective_eit_rate
    cfads = cash_revenue * (1 + tax.vat_rate_services)
    cfads -= np.multiply(electricity, 1 + tax.electricity_vat_rate, out=scratch)
    cfads -= fixed
    cfads -= vat_paid
    cfads -= surtax
    cfads -= income_tax
    refresh *= 1 + equipment_vat
    cfads -= refresh
    return Operations(
        revenue=revenue,
        cash_revenue=cash_revenue,
        contracted_revenue=contracted,
        merchant_revenue=merchant_rev,
        electricity=electricity,
        fixed_opex=fixed,
        vat_paid=vat_paid,
        surtax=surtax,
        ebitda=ebitda,
        depreciation=depreciation,
        income_tax=income_tax,
        refresh_capex=refresh,
        cfads=cfads,
        facility_kwh=facility_kwh,
        rentable_cards=rentable_all,
        busy_cards=busy_all,
        capex_factor=drivers.capex_factor.copy(),
        first_cod=plan.first_cod + delay.astype(float),
        base_capex=plan.capex + plan.capex_vat,
    )


__all__ = [
    "HOURS_PER_MONTH",
    "Drivers",
    "Operations",
    "Plan",
    "card_hour_price",
    "depreciation_profile",
    "make_plan",
    "operations",
    "powers",
    "running_settlement",
]
