"""Standardised risk weights and CCFs of 《商业银行资本管理办法》(2023), and the concentration limits.

Sources: the 2023 rules (国家金融监督管理总局令2023年第4号) 权重法 and its off-balance-sheet annex, as
summarised in REFERENCE.md §2; Basel III (BCBS d424) CRE20.47 (SME 85%), CRE20.52–53 (project finance
130/100/80%), CRE20.95–101 (CCFs 40/10/50/100%); 《商业银行大额风险暴露管理办法》(2018) for the 10%/15%/20%
limits (Xinhua, 2018-05-05). Each table row must name an article and a source.
"""

from __future__ import annotations

import pytest

from computecredit.facilities.capital import (
    ccf_items,
    credit_conversion_factor,
    exposure_classes,
    standardised_risk_weight,
)
from computecredit.reference import load_yaml


@pytest.mark.parametrize(
    ("key", "weight"),
    [
        ("corporate_general", 1.00),
        ("corporate_investment_grade", 0.75),
        ("corporate_sme", 0.85),
        ("project_finance_pre_operational", 1.30),
        ("project_finance_operational", 1.00),
        ("project_finance_high_quality_operational", 0.80),
    ],
)
def test_risk_weights(key: str, weight: float) -> None:
    assert standardised_risk_weight(key).value == weight


@pytest.mark.parametrize(
    ("key", "ccf"),
    [
        ("financial_guarantee", 1.00),
        ("performance_guarantee", 0.50),
        ("commitment_other", 0.40),
        ("commitment_unconditionally_cancellable", 0.10),
    ],
)
def test_ccfs(key: str, ccf: float) -> None:
    assert credit_conversion_factor(key).value == ccf


def test_every_row_names_article_and_source() -> None:
    entries = [standardised_risk_weight(k) for k in exposure_classes()] + [
        credit_conversion_factor(k) for k in ccf_items()
    ]
    for entry in entries:
        assert entry.article and entry.source and entry.verified, entry.key


def test_concentration_limits() -> None:
    limits = {
        row["key"]: (row["limit"], row["base"])
        for row in load_yaml("regulatory_parameters.yaml")["concentration"]["limits"]
    }
    assert limits == {
        "single_customer_loans": (0.10, "net_capital"),
        "single_customer_exposure": (0.15, "tier1_net_capital"),
        "connected_group_exposure": (0.20, "tier1_net_capital"),
        "group_credit": (0.15, "net_capital"),
    }
