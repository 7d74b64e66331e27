from __future__ import annotations

from decimal import Decimal

import pytest

from computecredit.facilities.concentration import (
    BankCapital,
    BankLimit,
    Position,
    ProposedExposure,
    check_concentration,
    loan_headroom,
)
from computecredit.facilities.covenants import Covenant, check_covenant, check_covenants

YI = Decimal("1e8")


def test_ningxia_case_uses_net_capital_not_the_loan_book() -> None:
    """2.8亿 at a regional bank with a loan book < 1000亿: measured against 资本净额, not the loan book."""
    bank = BankCapital("regional bank", net_capital=125 * YI, tier1_net_capital=105 * YI, loan_book=950 * YI)
    proposal = ProposedExposure(loans=Decimal("2.8") * YI, exposure=Decimal("2.8") * YI)
    checks = {c.key: c for c in check_concentration(bank, Position(), proposal)}
    single = checks["single_customer_loans"]
    assert single.base_name == "net_capital" and single.base_amount == 125 * YI
    assert single.ratio == pytest.approx(2.8 / 125)
    assert single.headroom == Decimal("12.5") * YI - Decimal("2.8") * YI
    assert checks["single_customer_exposure"].ratio == pytest.approx(2.8 / 105)
    assert not any(c.breach for c in checks.values())


def test_small_bank_breaches_and_shows_headroom() -> None:
    bank = BankCapital("rural bank", net_capital=25 * YI, tier1_net_capital=21 * YI, loan_book=180 * YI)
    proposal = ProposedExposure(loans=Decimal("2.8") * YI, exposure=Decimal("2.8") * YI)
    checks = {c.key: c for c in check_concentration(bank, Position(), proposal)}
    single = checks["single_customer_loans"]
    assert single.breach and single.headroom == Decimal("-0.3") * YI
    assert loan_headroom(list(checks.values()), proposal) == Decimal("-0.3") * YI


def test_existing_group_exposure_counts() -> None:
    bank = BankCapital("bank", net_capital=100 * YI, tier1_net_capital=80 * YI, loan_book=800 * YI)
    position = Position(customer_exposure=2 * YI, group_exposure=14 * YI, group_credit=14 * YI)
    checks = {
        c.key: c for c in check_concentration(bank, position, ProposedExposure(loans=3 * YI, exposure=3 * YI))
    }
    assert checks["connected_group_exposure"].breach  # 17亿 > 20% × 80亿 = 16亿
    assert checks["group_credit"].breach  # 17亿 > 15% × 100亿


def test_sector_and_hub_limits_are_the_banks_own() -> None:
    bank = BankCapital(
        "bank",
        net_capital=100 * YI,
        tier1_net_capital=80 * YI,
        loan_book=800 * YI,
        sector_limits={"compute": BankLimit("compute", 0.02)},
        hub_limits={"ningxia": BankLimit("ningxia", 0.5, "net_capital")},
    )
    position = Position(sector_loans={"compute": 15 * YI}, hub_loans={"ningxia": 10 * YI})
    checks = {
        c.key: c
        for c in check_concentration(
            bank, position, ProposedExposure(loans=2 * YI, exposure=2 * YI, sector="compute", hub="ningxia")
        )
    }
    assert checks["sector:compute"].breach and checks["sector:compute"].limit_amount == 16 * YI
    assert not checks["hub:ningxia"].breach


def test_guarantee_uses_ccf_exposure_for_exposure_limits() -> None:
    bank = BankCapital("bank", net_capital=100 * YI, tier1_net_capital=80 * YI, loan_book=800 * YI)
    proposal = ProposedExposure(loans=Decimal(0), exposure=5 * YI, credit=10 * YI)
    checks = {c.key: c for c in check_concentration(bank, Position(), proposal)}
    assert checks["single_customer_loans"].amount_after == 0
    assert checks["single_customer_exposure"].amount_after == 5 * YI
    assert loan_headroom(list(checks.values()), proposal) == 5 * YI  # group credit 15亿 − 10亿


@pytest.mark.parametrize(
    ("bound", "threshold", "value", "status"),
    [
        ("min", 1.2, 1.5, "pass"),
        ("min", 1.2, 1.25, "warning"),
        ("min", 1.2, 1.19, "breach"),
        ("max", 3.5, 3.0, "pass"),
        ("max", 3.5, 3.4, "warning"),
        ("max", 3.5, 3.6, "breach"),
    ],
)
def test_covenant_status(bound: str, threshold: float, value: float, status: str) -> None:
    metric = "dscr" if bound == "min" else "leverage"
    assert (
        check_covenant(Covenant(key="c", metric=metric, bound=bound, threshold=threshold), value).status == status
    )


def test_information_covenant_and_missing_values() -> None:
    covenants = [
        Covenant(key="statements", metric="statements_delay_days", bound="max", threshold=120),
        Covenant(key="util", metric="utilisation", bound="min", threshold=0.6),
    ]
    results = check_covenants(covenants, {"statements_delay_days": 150})
    assert results[0].status == "breach" and results[0].kind == "information"
    assert results[1].status == "missing"


def test_malformed_metric_is_rejected_and_unknown_metric_labelled_by_name() -> None:
    with pytest.raises(ValueError, match="metric"):
        Covenant(key="x", metric="Vibes!", bound="min", threshold=1)
    assert Covenant(key="x", metric="quick_ratio", bound="min", threshold=1).label_en == "quick_ratio"


def test_large_exposure_threshold_is_on_tier1() -> None:
    from computecredit.facilities.concentration import large_exposure

    bank = BankCapital("bank", net_capital=100 * YI, tier1_net_capital=80 * YI, loan_book=800 * YI)
    assert large_exposure(bank, Position(), ProposedExposure(exposure=Decimal("1.9") * YI)).is_large is False
    flagged = large_exposure(bank, Position(customer_exposure=YI), ProposedExposure(exposure=YI))
    assert flagged.is_large and flagged.threshold == 2 * YI
