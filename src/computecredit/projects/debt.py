"""Senior debt: draws, interest during construction, repayment schedules, DSRA, and the cash waterfall.

Debt is drawn pro rata with the uses of funds (capex with its input VAT, upfront fees, interest during
construction, the initial DSRA), so sources equal uses month by month; the circularity (interest depends
on draws, draws on uses, uses on interest) is solved by fixed-point iteration. Interest accrues monthly on
the opening balance and is paid on payment dates (every ``payment_frequency_months`` after the first
commissioning). Principal starts at the first payment date on or after ``grace_months`` and ends at
``tenor_months``:

- ``annuity``: equal debt service each repayment period;
- ``equal_principal``: equal principal each repayment period;
- ``sculpted``: debt service = CFADS / target DSCR each period (less the other tranches' service), scaled so
  the tranche is repaid exactly at maturity; DSCR is then the same in every repayment period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from computecredit.projects.model import FloatArray, Operations, Plan
from computecredit.projects.schema import Tranche

TOLERANCE = 0.01  # yuan
SWEPT_OUT = 0.01  # share of the scheduled balance below which DSCR is no longer tested


@dataclass(frozen=True)
class TrancheSchedule:
    """One tranche, month by month (arrays of length ``months``)."""

    name: str
    amount: float
    rate: float
    repayment: str
    draws: FloatArray
    interest_during_construction: FloatArray
    interest_paid: FloatArray
    principal: FloatArray
    balance: FloatArray  # closing balance
    sculpting_capacity: float  # for a sculpted tranche: the debt its target DSCR supports; else nan

    @property
    def debt_service(self) -> FloatArray:
        return self.interest_paid + self.principal


@dataclass(frozen=True)
class DebtSchedule:
    """All tranches together, with the payment calendar, DSRA targets and sources and uses."""

    tranches: list[TrancheSchedule]
    first_cod: int
    payment_months: np.ndarray  # month index of each payment date (the whole horizon)
    period_start: np.ndarray  # first month of the period that each payment date closes
    draws: FloatArray
    interest_during_construction: FloatArray
    interest_paid: FloatArray
    interest_expense: FloatArray  # interest accrued from the first commissioning (tax-deductible)
    principal: FloatArray
    balance: FloatArray
    fees: FloatArray
    dsra_target: FloatArray  # DSRA balance required after each month's payment
    dsra_initial: float
    dsra_month: int
    uses: FloatArray  # capex incl. VAT + fees + interest during construction + initial DSRA
    equity: FloatArray  # uses − draws

    @property
    def amount(self) -> float:
        return float(sum(t.amount for t in self.tranches))

    @property
    def debt_service(self) -> FloatArray:
        return self.interest_paid + self.principal

    @property
    def maturity_month(self) -> int:
        """Last month with principal outstanding before repayment (the final maturity)."""
        paid = np.flatnonzero(self.principal > 0)
        return int(paid[-1]) if paid.size else self.first_cod

    @property
    def average_rate(self) -> float:
        """Amount-weighted all-in rate of the tranches."""
        total = self.amount
        return float(sum(t.rate * t.amount for t in self.tranches) / total) if total > 0 else 0.0


def payment_calendar(plan: Plan, tranches: list[Tranche]) -> tuple[np.ndarray, np.ndarray]:
    """Payment months and the first month of the period each closes.

    Dates fall every ``payment_frequency_months`` from the first commissioning, at each tranche's maturity
    and at the model's last month.
    """
    freq = plan.inputs.financing.payment_frequency_months
    months, first = plan.months, plan.first_cod
    dates = {m for m in range(first, months) if (m - first + 1) % freq == 0}
    dates |= {t.tenor_months - 1 for t in tranches if t.tenor_months - 1 >= first}
    dates.add(months - 1)
    calendar = np.array(sorted(dates), dtype=np.int64)
    starts = np.concatenate([[first], calendar[:-1] + 1])
    return calendar, starts


def _tranche(
    tranche: Tranche,
    amount: float,
    draws: FloatArray,
    first_cod: int,
    calendar: np.ndarray,
    sculpt_service: FloatArray | None,
) -> TrancheSchedule:
    months = draws.size
    rate = tranche.rate
    repay = calendar[(calendar >= tranche.grace_months) & (calendar <= tranche.tenor_months - 1)]
    previous = np.array([calendar[calendar < m].max() if (calendar < m).any() else first_cod - 1 for m in repay])
    period_rate = rate / 12 * (repay - previous)
    discount = np.cumprod(1.0 / (1.0 + period_rate))
    drawn = float(draws.sum())
    capacity = float("nan")
    service: FloatArray | None = None
    if tranche.repayment == "annuity" and repay.size:
        service = np.full(repay.size, drawn / discount.sum())
    elif tranche.repayment == "sculpted" and repay.size and sculpt_service is not None:
        wanted = np.maximum(sculpt_service, 0.0)
        capacity = float(wanted @ discount)
        service = wanted * (drawn / capacity) if capacity > 0 else np.full(repay.size, drawn / discount.sum())
    interest_idc = np.zeros(months)
    interest_paid = np.zeros(months)
    principal = np.zeros(months)
    balance = np.zeros(months)
    due_by_month = dict(zip(repay.tolist(), range(repay.size), strict=True))
    pay_dates = set(calendar.tolist())
    outstanding = 0.0
    unpaid = 0.0
    for t in range(months):
        accrued = outstanding * rate / 12
        outstanding += draws[t]
        if t < first_cod:
            interest_idc[t] = accrued
        else:
            unpaid += accrued
        if t in pay_dates and t >= first_cod:
            interest_paid[t] = unpaid
            unpaid = 0.0
        k = due_by_month.get(t)
        if k is not None:
            if k == repay.size - 1:
                amount_due = outstanding
            elif service is None:  # equal principal
                amount_due = drawn / repay.size
            else:
                amount_due = service[k] - interest_paid[t]
            principal[t] = min(max(amount_due, 0.0), outstanding)
            outstanding -= principal[t]
        balance[t] = outstanding
    return TrancheSchedule(
        name=tranche.name,
        amount=amount,
        rate=rate,
        repayment=tranche.repayment,
        draws=draws,
        interest_during_construction=interest_idc,
        interest_paid=interest_paid,
        principal=principal,
        balance=balance,
        sculpting_capacity=capacity,
    )


def period_sums(values: FloatArray, calendar: np.ndarray, starts: np.ndarray) -> FloatArray:
    """Sum ``values`` (..., months) over each payment period.

    >>> period_sums(np.arange(6.0), np.array([2, 5]), np.array([0, 3]))
    array([ 3., 12.])
    """
    return np.add.reduceat(values[..., starts[0] :], starts - starts[0], axis=-1)[..., : calendar.size]


def build_schedule(plan: Plan, amounts: list[float], cfads: FloatArray) -> DebtSchedule:
    """The debt schedule of tranches with ``amounts``; ``cfads`` (months,) drives sculpted repayment."""
    financing = plan.inputs.financing
    tranches = financing.tranches
    months, first = plan.months, plan.first_cod
    calendar, starts = payment_calendar(plan, tranches)
    base_uses = plan.capex + plan.capex_vat
    fees = np.zeros(months)
    fees[0] = sum(a * t.upfront_fee_share for a, t in zip(amounts, tranches, strict=True))
    total = float(sum(amounts))
    dsra_month = max(first - 1, 0)
    idc = np.zeros(months)
    dsra_initial = 0.0
    order = sorted(range(len(tranches)), key=lambda i: tranches[i].repayment == "sculpted")
    cfads_periods = period_sums(cfads, calendar, starts)
    schedules: list[TrancheSchedule | None] = [None] * len(tranches)
    for _ in range(100):
        uses = base_uses + fees + idc
        uses[dsra_month] += dsra_initial
        share = min(total / uses.sum(), 1.0) if uses.sum() > 0 else 0.0
        other_service = np.zeros(months)
        for i in order:
            tranche = tranches[i]
            draws = uses * share * (amounts[i] / total) if total > 0 else np.zeros(months)
            sculpt = None
            if tranche.repayment == "sculpted":
                repay = calendar[(calendar >= tranche.grace_months) & (calendar <= tranche.tenor_months - 1)]
                index = np.searchsorted(calendar, repay)
                other = period_sums(other_service, calendar, starts)
                sculpt = cfads_periods[index] / tranche.target_dscr - other[index]
            schedules[i] = _tranche(tranche, amounts[i], draws, first, calendar, sculpt)
            other_service += schedules[i].debt_service  # type: ignore[union-attr]
        done = [s for s in schedules if s is not None]
        new_idc = np.sum([s.interest_during_construction for s in done], axis=0)
        service = np.sum([s.debt_service for s in done], axis=0)
        new_dsra = float(service[first : first + financing.dsra_months].sum())
        converged = np.abs(new_idc - idc).max() < TOLERANCE and abs(new_dsra - dsra_initial) < TOLERANCE
        idc, dsra_initial = new_idc, new_dsra
        if converged:
            break
    done = [s for s in schedules if s is not None]
    uses = base_uses + fees + idc
    uses[dsra_month] += dsra_initial
    draws = np.sum([s.draws for s in done], axis=0)
    service = np.sum([s.debt_service for s in done], axis=0)
    ahead = np.concatenate([np.cumsum(service), np.full(financing.dsra_months, service.sum())])
    target = ahead[financing.dsra_months : financing.dsra_months + months] - np.cumsum(service)
    balance = np.sum([s.balance for s in done], axis=0)
    expense = np.zeros(months)
    for s in done:
        opening_balance = np.concatenate([[0.0], s.balance[:-1]])
        expense += np.where(np.arange(months) >= first, opening_balance * s.rate / 12, 0.0)
    return DebtSchedule(
        tranches=done,
        first_cod=first,
        payment_months=calendar,
        period_start=starts,
        draws=draws,
        interest_during_construction=idc,
        interest_paid=np.sum([s.interest_paid for s in done], axis=0),
        interest_expense=expense,
        principal=np.sum([s.principal for s in done], axis=0),
        balance=balance,
        fees=fees,
        dsra_target=np.maximum(target, 0.0),
        dsra_initial=dsra_initial,
        dsra_month=dsra_month,
        uses=uses,
        equity=uses - draws,
    )


@dataclass
class Waterfall:
    """What the cash waterfall did on every path.

    ``dscr`` is (paths, payment periods): CFADS of the period / debt service due, ``nan`` where no debt
    service fell due or the centre was not yet running. Detail arrays (paths, months) only when asked.
    """

    default_month: FloatArray  # first payment month the project could not pay after the DSRA; inf if none
    exposure_at_default: FloatArray  # senior principal outstanding after what was paid that month
    dscr: FloatArray
    equity_flows: FloatArray  # (paths, months): − contributions − support + distributions
    debt_scale: FloatArray  # share of the scheduled balance left after cash sweeps
    debt_service: FloatArray | None = None
    dsra_balance: FloatArray | None = None
    sweep: FloatArray | None = None
    distributions: FloatArray | None = None
    sponsor_support: FloatArray | None = None
    retained_cash: FloatArray | None = None
    locked: FloatArray | None = None


def waterfall(plan: Plan, debt: DebtSchedule, ops: Operations, *, detail: bool = False) -> Waterfall:
    """Run the monthly cash waterfall on every path at once (a loop over months, never over paths).

    Each payment date: debt service from cash, then from the DSRA; a shortfall left is a payment default.
    Then the DSRA is topped up to (or released down to) the next ``dsra_months`` of debt service; the
    lock-up test (period DSCR below ``lockup_dscr``) keeps the cash in the project; ``cash_sweep_share`` of
    what is left prepays the debt pro rata (shrinking every later instalment); the rest is distributed.
    """
    financing = plan.inputs.financing
    paths, months = ops.cfads.shape
    cfads = np.ascontiguousarray(ops.cfads.T)  # month-major: each month's paths are contiguous
    calendar, starts = debt.payment_months, debt.period_start
    is_payment = np.zeros(months, dtype=bool)
    is_payment[calendar] = True
    period_of = {int(m): k for k, m in enumerate(calendar)}
    service = debt.debt_service
    interest = debt.interest_paid
    balance_after = debt.balance
    balance_before = debt.balance + debt.principal
    target = debt.dsra_target
    actual_cod = ops.first_cod

    cash = np.zeros(paths)
    dsra = np.zeros(paths)
    scale = np.ones(paths)
    alive = np.ones(paths, dtype=bool)
    default_month = np.full(paths, np.inf)
    ead = np.zeros(paths)
    period_cfads = np.zeros(paths)
    dscr = np.full((calendar.size, paths), np.nan)
    overrun = np.outer(ops.base_capex, ops.capex_factor - 1.0)  # (months, paths), paid by the sponsor
    equity = -(debt.equity[:, None] + overrun)
    shapes = (paths, months)
    out = {
        name: np.zeros(shapes) if detail else None
        for name in ("debt_service", "dsra", "sweep", "distributions", "support", "retained", "locked")
    }
    for t in range(debt.dsra_month, months):
        if t == debt.dsra_month:
            dsra += debt.dsra_initial
        if t < plan.first_cod:
            continue
        flow = cfads[t] * alive
        cash += flow
        period_cfads += flow
        if is_payment[t]:
            k = period_of[t]
            due = service[t] * scale * alive
            running = starts[k] >= actual_cod
            if financing.completion_support:
                support = np.where(alive & ~running, np.maximum(due - cash, 0.0), 0.0)
                cash += support
                equity[t] -= support
                if detail:
                    out["support"][:, t] = support  # type: ignore[index]
            indebted = (scale * balance_before[t] > TOLERANCE) | (due > 0)
            paid = np.minimum(np.maximum(cash, 0.0), due)
            cash -= paid
            # an operating deficit while debt is outstanding is met from the DSRA like unpaid service
            short = due - paid + np.where(indebted, np.maximum(-cash, 0.0), 0.0)
            drawn = np.minimum(dsra, short)
            dsra -= drawn
            short -= drawn
            cash = np.where(cash < 0, np.minimum(cash + np.maximum(drawn - (due - paid), 0.0), 0.0), cash)
            owed = due > 0
            # a period whose debt service the cash sweep has cut below 1% of the schedule is not tested:
            # its ratio says nothing about coverage
            tested = owed & running & alive & (scale > SWEPT_OUT)
            dscr[k] = np.where(tested, period_cfads / np.where(owed, due, 1.0), np.nan)
            failed = alive & (short > TOLERANCE)
            if failed.any():
                principal_paid = np.maximum(paid + drawn - interest[t] * scale, 0.0)
                ead = np.where(failed, scale * balance_before[t] - principal_paid, ead)
                default_month = np.where(failed, t, default_month)
                alive &= ~failed
                cash = np.where(failed, 0.0, cash)
                dsra = np.where(failed, 0.0, dsra)
            wanted = target[t] * scale * alive
            top_up = np.maximum(np.minimum(wanted - dsra, cash), 0.0)
            dsra += top_up
            cash -= top_up
            release = np.maximum(dsra - wanted, 0.0)
            dsra -= release
            cash += release
            locked = owed & (period_cfads < financing.lockup_dscr * due)
            if financing.cash_sweep_share > 0 and balance_after[t] > 0:
                outstanding = scale * balance_after[t]
                prepay = np.minimum(financing.cash_sweep_share * cash, outstanding) * alive
                cash -= prepay
                scale = scale * (1.0 - prepay / np.maximum(outstanding, TOLERANCE))
                if detail:
                    out["sweep"][:, t] = prepay  # type: ignore[index]
            release_all = t == months - 1
            # once the debt is repaid a deficit is met by the sponsor: a negative distribution
            free = ~locked | release_all | ~indebted
            distribute = np.where(free & alive, cash + (dsra if release_all else 0.0), 0.0)
            if release_all:
                dsra = np.where(alive, 0.0, dsra)
                cash = np.where(alive, 0.0, cash)
            else:
                cash -= distribute
            equity[t] += distribute
            period_cfads[:] = 0.0
            if detail:
                out["debt_service"][:, t] = paid + drawn  # type: ignore[index]
                out["distributions"][:, t] = distribute  # type: ignore[index]
                out["locked"][:, t] = locked  # type: ignore[index]
        if detail:
            out["dsra"][:, t] = dsra  # type: ignore[index]
            out["retained"][:, t] = cash  # type: ignore[index]
    return Waterfall(
        default_month=default_month,
        exposure_at_default=ead,
        dscr=dscr.T,
        equity_flows=equity.T,
        debt_scale=scale,
        debt_service=out["debt_service"],
        dsra_balance=out["dsra"],
        sweep=out["sweep"],
        distributions=out["distributions"],
        sponsor_support=out["support"],
        retained_cash=out["retained"],
        locked=out["locked"],
    )


__all__ = [
    "DebtSchedule",
    "TrancheSchedule",
    "Waterfall",
    "build_schedule",
    "payment_calendar",
    "period_sums",
    "waterfall",
]
