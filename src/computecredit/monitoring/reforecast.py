"""Re-running a project's model with its actuals to date (the re-rating trigger's second half).

The project engine (:mod:`computecredit.projects`) takes the project's own inputs; the actuals enter as the
engine's scenario drivers, not as edited inputs:

- ``utilization_level``: the average utilisation of the last ``window`` operating reports, flat over the
  remaining life (it replaces the merchant ramp — the reported figure covers the whole cluster);
- ``price_factor``: the average of realised / planned price over the same reports (1 when not reported);
- ``contract_default_month``: an offtake contract whose customer terminated (an ``offtake_terminated``
  event naming it as counterparty) stops paying from the month of the event.

The debt stays as structured (the model's tranche amounts); the result compares the model's min DSCR and
LLCR with those on actuals, and says whether the project defaults in that case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from computecredit.errors import InputError
from computecredit.monitoring.data import Event, EventKind, OperatingReport
from computecredit.projects.engine import base_metrics, make_plan, run_case, solve
from computecredit.projects.model import Drivers
from computecredit.projects.schema import parse_inputs


@dataclass(frozen=True)
class Reforecast:
    project_code: str
    as_of: date
    utilisation: float
    price_factor: float
    terminated_offtakes: tuple[str, ...]
    min_dscr_model: float | None
    min_dscr_actuals: float | None
    llcr_model: float | None
    llcr_actuals: float | None
    defaults_on_actuals: bool


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def reforecast(
    project_code: str,
    inputs: dict[str, object],
    reports: Sequence[OperatingReport],
    events: Sequence[Event],
    as_of: date,
    window: int = 3,
) -> Reforecast | None:
    """The project re-run on its actuals to ``as_of``; ``None`` when its inputs are not a project-engine
    document or no utilisation has been reported yet."""
    try:
        project = parse_inputs(dict(inputs))
    except (InputError, ValueError):
        return None
    recent = [r for r in reports if r.period_end <= as_of and r.utilisation is not None][-window:]
    if not recent:
        return None
    utilisation = float(np.mean([r.utilisation for r in recent]))
    ratios = [r.realised_price / r.planned_price for r in recent if r.realised_price and r.planned_price]
    price_factor = float(np.mean(ratios)) if ratios else 1.0
    plan = make_plan(project)
    model = solve(plan)
    start = project.site.start_date
    stopped = {
        e.counterparty: (e.event_date.year - start.year) * 12 + e.event_date.month - start.month
        for e in events
        if e.kind is EventKind.OFFTAKE_TERMINATED and e.counterparty and e.event_date <= as_of
    }
    customers = [offtake.customer for offtake in project.revenue.offtake]
    default_month = np.array([[float(stopped.get(name, np.inf)) for name in customers]]) if customers else None
    drivers = Drivers.base(
        plan,
        1,
        utilization_level=np.array([utilisation]),
        price_factor=np.array([price_factor]),
        contract_default_month=default_month,
    )
    actual = run_case(plan, model.amounts, drivers=drivers)
    before, after = base_metrics(model), base_metrics(actual)
    return Reforecast(
        project_code=project_code,
        as_of=as_of,
        utilisation=round(utilisation, 4),
        price_factor=round(price_factor, 4),
        terminated_offtakes=tuple(sorted(name for name in customers if name in stopped)),
        min_dscr_model=_round(before["min_dscr"]),
        min_dscr_actuals=_round(after["min_dscr"]),
        llcr_model=_round(before["llcr"]),
        llcr_actuals=_round(after["llcr"]),
        defaults_on_actuals=bool(after["defaulted_in_base_case"]),
    )


__all__ = ["Reforecast", "reforecast"]
