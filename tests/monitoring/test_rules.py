"""Every rule family, with data that should trigger it and data that should not."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from computecredit.domain import Covenant
from computecredit.errors import InputError
from computecredit.monitoring import Event, MarketData, MarketObservation, evaluate, load_rules
from computecredit.services.monitoring import check_facility_covenant

from .conftest import MONTHS, USCC, book, loan, payment, project, report, statement

AS_OF = date(2025, 6, 30)


def fired(signals, rule_id: str) -> list:
    return [s for s in signals if s.rule_id == rule_id]


def run(rules, the_book, market=None, as_of=AS_OF, covenant_test=check_facility_covenant):
    return evaluate([the_book], market or MarketData(), rules, as_of, covenant_test)


# --- financial -------------------------------------------------------------------------------------


def test_statement_ratios_trigger_after_the_reporting_lag(rules) -> None:
    weak = book(statements=(statement(2024, 1000, 900, 200),))  # interest cover (1000-900-200+200)/200 = 0.5
    assert fired(run(rules, weak, as_of=date(2025, 4, 29)), "FIN-INTEREST-COVER") == []  # not yet reported
    signal = fired(run(rules, weak, as_of=date(2025, 5, 1)), "FIN-INTEREST-COVER")[0]
    assert signal.family == "financial" and signal.data["value"] == pytest.approx(0.5)
    assert "interest_cover = 0.5" in signal.evidence_en
    sound = book(statements=(statement(2024, 3000, 1500, 200),))
    assert fired(run(rules, sound, as_of=date(2025, 5, 1)), "FIN-INTEREST-COVER") == []


def test_revenue_fall_compares_with_the_previous_year(rules) -> None:
    falling = book(statements=(statement(2023, 3000, 1500, 200), statement(2024, 2000, 1000, 200)))
    assert fired(run(rules, falling), "FIN-REVENUE-FALL")[0].data["value"] == pytest.approx(-1 / 3, abs=1e-6)
    steady = book(statements=(statement(2023, 3000, 1500, 200), statement(2024, 2900, 1400, 200)))
    assert fired(run(rules, steady), "FIN-REVENUE-FALL") == []


def test_covenant_headroom_and_breach_use_the_covenant_test(rules) -> None:
    def with_covenant(threshold: str):
        return book(
            facilities=(loan(covenants=[{"metric": "utilisation", "operator": ">=", "threshold": threshold}]),),
            operating=(report(MONTHS[-1], utilisation=0.62),),
        )

    assert fired(run(rules, with_covenant("0.70")), "FIN-COVENANT-BREACH")[0].data["status"] == "breach"
    warning = fired(run(rules, with_covenant("0.60")), "FIN-COVENANT-HEADROOM")[0]
    assert warning.data["headroom"] == pytest.approx(0.0333, abs=1e-3)
    quiet = run(rules, with_covenant("0.40"))
    assert fired(quiet, "FIN-COVENANT-BREACH") == fired(quiet, "FIN-COVENANT-HEADROOM") == []
    # Without a covenant test (none wired) the covenant rules stay silent rather than guess.
    assert fired(run(rules, with_covenant("0.70"), covenant_test=None), "FIN-COVENANT-BREACH") == []


def test_covenant_test_on_the_domain_rule() -> None:
    cov = Covenant(metric="dscr", operator=">=", threshold=Decimal("1.2"))
    assert check_facility_covenant(cov, 1.1).status == "breach"
    assert check_facility_covenant(cov, 1.25).status == "warning"
    assert check_facility_covenant(cov, 1.5).status == "pass"


def test_days_past_due_grades_and_technical_delay(rules) -> None:
    signals = run(rules, book(payments=(payment(AS_OF, 95),)))
    assert {s.rule_id for s in signals if s.rule_id.startswith("FIN-DPD")} == {
        "FIN-DPD-1",
        "FIN-DPD-30",
        "FIN-DPD-90",
    }
    assert fired(run(rules, book(payments=(payment(AS_OF, 20),))), "FIN-DPD-30") == []
    technical = book(payments=(payment(AS_OF, 3, technical_delay=True),))
    assert fired(run(rules, technical), "FIN-DPD-1") == []
    assert fired(run(rules, book(payments=(payment(AS_OF, 0),))), "FIN-DPD-1") == []


# --- operational -----------------------------------------------------------------------------------


def test_utilisation_below_plan_needs_two_periods(rules) -> None:
    two = book(
        operating=(
            report(MONTHS[4], utilisation=0.40, planned_utilisation=0.60),
            report(MONTHS[5], utilisation=0.41, planned_utilisation=0.63),
        )
    )
    signal = fired(run(rules, two), "OPS-UTIL-BELOW-PLAN")[0]
    assert signal.family == "operational" and signal.data["actual"] == [0.40, 0.41]
    one = book(
        operating=(
            report(MONTHS[4], utilisation=0.55, planned_utilisation=0.60),
            report(MONTHS[5], utilisation=0.41, planned_utilisation=0.63),
        )
    )
    assert fired(run(rules, one), "OPS-UTIL-BELOW-PLAN") == []


def test_plan_falls_back_on_the_project_inputs(rules) -> None:
    planned = book(
        projects=(project(plan={"planned_utilisation": {"2025": 0.7}}),),
        operating=(report(MONTHS[4], utilisation=0.4), report(MONTHS[5], utilisation=0.4)),
    )
    assert fired(run(rules, planned), "OPS-UTIL-BELOW-PLAN")[0].data["plan"] == [0.7, 0.7]


def test_utilisation_stall_and_ramp(rules) -> None:
    stalled = book(
        operating=tuple(
            report(m, utilisation=u) for m, u in zip(MONTHS[2:], (0.40, 0.41, 0.40, 0.40), strict=True)
        )
    )
    assert fired(run(rules, stalled), "OPS-UTIL-STALL")
    ramping = book(
        operating=tuple(
            report(m, utilisation=u) for m, u in zip(MONTHS[2:], (0.40, 0.45, 0.50, 0.55), strict=True)
        )
    )
    assert fired(run(rules, ramping), "OPS-UTIL-STALL") == []


def test_contracted_share_drop(rules) -> None:
    dropped = book(operating=(report(MONTHS[4], contracted_share=0.85), report(MONTHS[5], contracted_share=0.15)))
    assert fired(run(rules, dropped), "OPS-CONTRACTED-DROP")[0].data["after"] == 0.15
    steady = book(operating=(report(MONTHS[4], contracted_share=0.85), report(MONTHS[5], contracted_share=0.80)))
    assert fired(run(rules, steady), "OPS-CONTRACTED-DROP") == []


def test_realised_price_below_the_model_path(rules) -> None:
    below = book(
        operating=(
            report(MONTHS[4], realised_price=10.0, planned_price=13.0),
            report(MONTHS[5], realised_price=10.5, planned_price=13.0),
        )
    )
    assert fired(run(rules, below), "OPS-PRICE-BELOW-PATH")
    close = book(
        operating=(
            report(MONTHS[4], realised_price=12.0, planned_price=13.0),
            report(MONTHS[5], realised_price=12.5, planned_price=13.0),
        )
    )
    assert fired(run(rules, close), "OPS-PRICE-BELOW-PATH") == []


def test_pue_against_the_hub_rule(rules) -> None:
    assert fired(run(rules, book(operating=(report(AS_OF, pue=1.31),))), "OPS-PUE-HUB")[0].data["limit"] == 1.25
    assert fired(run(rules, book(operating=(report(AS_OF, pue=1.22),))), "OPS-PUE-HUB") == []
    outside = book(projects=(project().model_copy(update={"hub": None}),), operating=(report(AS_OF, pue=1.31),))
    assert fired(run(rules, outside), "OPS-PUE-HUB") == []  # national limit 1.5


# --- market and events -----------------------------------------------------------------------------


def index(values: list[float], key: str = "H100") -> MarketData:
    months = [date(2025, m, 28) for m in range(1, len(values) + 1)]
    return MarketData.of(
        MarketObservation(
            series="gpu_rental_index", key=key, period_end=d, value=v, unit="CNY/GPU-hour", source="t"
        )
        for d, v in zip(months, values, strict=True)
    )


def test_rental_price_slide_for_the_borrowers_chip(rules) -> None:
    sliding = index([15, 15, 14.5, 14, 13.4, 12.8, 11.5])
    signals = run(rules, book(), sliding, as_of=date(2025, 7, 31))
    assert fired(signals, "MKT-RENTAL-SLIDE")[0].data["change"] == pytest.approx(11.5 / 15 - 1, abs=1e-6)
    assert fired(signals, "MKT-RENTAL-SLIDE")[0].family == "market_event"
    assert fired(run(rules, book(), index([15] * 7), as_of=date(2025, 7, 31)), "MKT-RENTAL-SLIDE") == []
    other_chip = index([15, 15, 14.5, 14, 13.4, 12.8, 11.5], key="H20")
    assert fired(run(rules, book(), other_chip, as_of=date(2025, 7, 31)), "MKT-RENTAL-SLIDE") == []


def test_tariff_rise(rules) -> None:
    months = [date(2024 + (m // 12), m % 12 + 1, 28) for m in range(13)]

    def tariffs(last: float) -> MarketData:
        return MarketData.of(
            MarketObservation(
                series="electricity_tariff",
                key="ningxia",
                period_end=d,
                value=last if i == 12 else 0.30,
                unit="CNY/kWh",
                source="t",
            )
            for i, d in enumerate(months)
        )

    assert fired(run(rules, book(), tariffs(0.36), as_of=date(2025, 1, 31)), "MKT-TARIFF-RISE")
    assert fired(run(rules, book(), tariffs(0.32), as_of=date(2025, 1, 31)), "MKT-TARIFF-RISE") == []


def event(kind: str, on: str = "2025-05-10", **values: object) -> Event:
    return Event(borrower_uscc=USCC, event_date=on, kind=kind, description="test", source="test", **values)


def test_offtake_termination_is_critical_and_expires(rules) -> None:
    terminated = book(events=(event("offtake_terminated", counterparty="某客户", amount="36.9亿"),))
    signal = fired(run(rules, terminated), "EVT-OFFTAKE-TERMINATED")[0]
    assert signal.severity == "critical" and signal.data["amount"] == Decimal("3690000000")
    assert fired(run(rules, terminated, as_of=date(2025, 5, 9)), "EVT-OFFTAKE-TERMINATED") == []  # not yet
    assert fired(run(rules, terminated, as_of=date(2026, 6, 1)), "EVT-OFFTAKE-TERMINATED") == []  # > 365 days
    assert fired(run(rules, book(events=(event("offtake_signed"),))), "EVT-OFFTAKE-TERMINATED") == []


def test_export_control_must_touch_the_borrowers_chips(rules) -> None:
    assert fired(run(rules, book(events=(event("export_control", chips="H100;H800"),))), "EVT-EXPORT-CONTROL")
    assert fired(run(rules, book(events=(event("export_control", chips="H20"),))), "EVT-EXPORT-CONTROL") == []


def test_equity_pledge_uses_the_latest_ratio(rules) -> None:
    rising = book(events=(event("equity_pledge", "2025-01-10", ratio=0.4), event("equity_pledge", ratio=0.85)))
    assert {s.rule_id for s in run(rules, rising)} >= {"EVT-PLEDGE-HIGH", "EVT-PLEDGE-CRITICAL"}
    falling = book(events=(event("equity_pledge", "2025-01-10", ratio=0.85), event("equity_pledge", ratio=0.3)))
    assert not {s.rule_id for s in run(rules, falling)} & {"EVT-PLEDGE-HIGH", "EVT-PLEDGE-CRITICAL"}


def test_litigation_relative_to_total_assets(rules) -> None:
    assert fired(run(rules, book(events=(event("litigation", amount="2亿"),))), "EVT-LITIGATION")  # 10% of 20亿
    assert fired(run(rules, book(events=(event("litigation", amount="800万"),))), "EVT-LITIGATION") == []


def test_evaluation_is_deterministic(rules) -> None:
    the_book = book(payments=(payment(AS_OF, 40),), events=(event("offtake_terminated"),))
    assert run(rules, the_book) == run(rules, the_book)


def test_a_bad_rule_table_is_refused_with_its_field() -> None:
    document = {
        **load_rules().model_dump(mode="json"),
        "rules": [
            {
                "id": "X-1",
                "family": "financial",
                "check": "metric_level",
                "severity": "high",
                "zh": "测试",
                "en": "test",
                "source": "bank policy",
            }
        ],
    }
    with pytest.raises(InputError) as caught:
        load_rules(document, source="my_rules.yaml")
    assert "my_rules.yaml" in str(caught.value) and "needs metric, operator, threshold" in str(caught.value)


def test_alert_owners_must_be_roles() -> None:
    document = load_rules().model_dump(mode="json")
    document["alerts"]["owners"]["financial"] = "risk"  # a user name, not a role
    with pytest.raises(InputError) as caught:
        load_rules(document, source="my_rules.yaml")
    assert "alerts.owners.financial" in str(caught.value) and "risk_manager" in str(caught.value)
