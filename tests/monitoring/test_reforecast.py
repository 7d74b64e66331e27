"""The project engine re-run on actuals: lower utilisation and a terminated offtake lower the coverage."""

from __future__ import annotations

from datetime import date

import yaml

from computecredit.monitoring import Event, OperatingReport
from computecredit.monitoring.reforecast import reforecast
from computecredit.projects.examples import example_path

from .conftest import USCC

INPUTS = yaml.safe_load(example_path("ningxia_phase1").read_text(encoding="utf-8"))
CUSTOMER = INPUTS["revenue"]["offtake"][0]["customer"]
REPORTS = [
    OperatingReport(
        project_code="nx", period_end=date(2026, m, 28), utilisation=0.35, realised_price=7.2, planned_price=9.0
    )
    for m in (1, 2, 3)
]


def test_actuals_lower_the_coverage() -> None:
    found = reforecast("nx", INPUTS, REPORTS, [], date(2026, 3, 31))
    assert found is not None
    assert found.utilisation == 0.35 and found.price_factor == 0.8
    assert found.min_dscr_actuals < found.min_dscr_model
    assert found.terminated_offtakes == ()


def test_terminated_offtake_stops_its_revenue() -> None:
    kept = reforecast("nx", INPUTS, REPORTS, [], date(2026, 3, 31))
    ended = Event(
        borrower_uscc=USCC,
        event_date=date(2026, 1, 15),
        kind="offtake_terminated",
        counterparty=CUSTOMER,
        description="terminated",
        source="test",
    )
    lost = reforecast("nx", INPUTS, REPORTS, [ended], date(2026, 3, 31))
    assert kept is not None and lost is not None
    assert lost.terminated_offtakes == (CUSTOMER,)
    assert lost.min_dscr_actuals < kept.min_dscr_actuals


def test_not_a_project_engine_document() -> None:
    assert reforecast("nx", {"gpu_model": "H100"}, REPORTS, [], date(2026, 3, 31)) is None
    assert reforecast("nx", INPUTS, [], [], date(2026, 3, 31)) is None
