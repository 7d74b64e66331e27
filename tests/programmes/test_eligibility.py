"""Each eligibility rule with a passing and a failing case, and the rules' bookkeeping."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from computecredit.domain.borrowers import Borrower
from computecredit.domain.facilities import Facility
from computecredit.domain.programmes import Eligibility, Programme
from computecredit.programmes import Candidate, failures, quota_left
from computecredit.programmes.eligibility import RULE_FIELDS, RULES, evaluate

BORROWER = Borrower.model_validate(
    {
        "uscc": "91520100MADMJQ00GN",
        "name_zh": "贵州玄枢智能软件有限公司",
        "name_en": "Guizhou Xuanshu Intelligent Software",
        "segment": "ai_software_services",
        "province": "guizhou",
        "hub": "guizhou",
        "ownership": "private",
        "employees": 13,
        "revenue": "1358万",
        "total_assets": "969万",
        "credentials": {
            "high_tech_enterprise": True,
            "specialised_level": "provincial",
            "invention_patents": 3,
            "patents": 10,
            "rd_spend": "396万",
        },
    }
)
FACILITY = Facility.model_validate(
    {
        "reference": "WC-T-1",
        "borrower_uscc": BORROWER.uscc,
        "product": "working_capital_loan",
        "amount": "300万",
        "tenor_months": 12,
        "rate": {"base": "lpr_1y", "spread_bp": 90},
        "repayment": "equal_principal",
    }
)
BASE = Candidate(
    borrower=BORROWER,
    facility=FACILITY,
    amount=Decimal("3e6"),
    rate=0.039,
    purpose_amount=Decimal("4e6"),
    grade="BB",
    rd_intensity=0.29,
    steady_cash_flow=False,
    innovation_score=62.0,
)


def changed(model: Any, **changes: Any) -> Any:
    """A validated copy of a domain model with ``changes`` (labels become enum members)."""
    return type(model).model_validate({**model.model_dump(), **changes})


LISTED = changed(BORROWER, ownership="listed", ticker="688931.SH")
LARGE = changed(BORROWER, employees=2000, revenue=Decimal("5e9"))
NO_CREDENTIALS = changed(
    BORROWER,
    credentials={
        **BORROWER.credentials.model_dump(),
        "high_tech_enterprise": False,
        "specialised_level": "none",
        "invention_patents": 0,
    },
)

# rule: (eligibility, what passes, what fails), the changes applied to BASE
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    "listed": ({"listed_only": True}, {"borrower": LISTED}, {}),
    "segment": (
        {"segments": ["ai_software_services"]},
        {},
        {"borrower": changed(BORROWER, segment="chip_design")},
    ),
    "product": (
        {"products": ["working_capital_loan"]},
        {},
        {"facility": changed(FACILITY, product="fixed_asset_project_loan")},
    ),
    "hub": ({"hubs": ["guizhou"]}, {}, {"borrower": changed(BORROWER, hub="ningxia")}),
    "sme": ({"sme_only": True}, {}, {"borrower": LARGE}),
    "high_tech": ({"high_tech_required": True}, {}, {"borrower": NO_CREDENTIALS}),
    "specialised_level": ({"min_specialised_level": "provincial"}, {}, {"borrower": NO_CREDENTIALS}),
    "invention_patents": ({"min_invention_patents": 3}, {}, {"borrower": NO_CREDENTIALS}),
    "rd_intensity": ({"min_rd_intensity": 0.05}, {}, {"rd_intensity": 0.02}),
    "rate_cap": ({"max_rate": "0.0225"}, {"rate": 0.0225}, {"rate": 0.0235}),
    "purpose_share": ({"max_purpose_share": "0.9"}, {"amount": Decimal("3.6e6")}, {"amount": Decimal("3.61e6")}),
    "tenor": ({"max_tenor_months": 12}, {}, {"facility": changed(FACILITY, tenor_months=13)}),
    "facility_amount": (
        {"max_facility_amount": "1000万"},
        {"amount": Decimal("1e7")},
        {"amount": Decimal("1.1e7")},
    ),
    "grade": ({"worst_grade": "B"}, {"grade": "B"}, {"grade": "B-"}),
    "cash_flow_or_innovation": ({"min_innovation_score": 60}, {}, {"innovation_score": 55.0}),
}


def programme(rules: dict[str, Any]) -> Programme:
    return Programme(
        code="T-PROG",
        kind="product_line",
        name_zh="测试产品",
        name_en="Test line",
        amount=Decimal("5e8"),
        start=date(2025, 1, 1),
        end=date(2027, 12, 31),
        eligibility=Eligibility.model_validate(rules),
    )


def test_every_rule_has_a_case_and_a_field() -> None:
    assert set(CASES) == {rule.key for rule in RULES} == set(RULE_FIELDS)
    assert set(RULE_FIELDS.values()) <= set(Eligibility.model_fields)


@pytest.mark.parametrize("key", sorted(CASES))
def test_rule_passes_and_fails(key: str) -> None:
    rules, passing, failing = CASES[key]
    p = programme(rules)
    assert [f.rule for f in evaluate(p, BASE)] == [key]  # only the rule the programme sets applies
    assert failures(p, replace(BASE, **passing)) == []
    (refused,) = failures(p, replace(BASE, **failing))
    assert refused.rule == key and refused.zh and refused.en


def test_steady_cash_flow_admits_without_the_innovation_score() -> None:
    p = programme({"min_innovation_score": 60})
    assert failures(p, replace(BASE, steady_cash_flow=True, innovation_score=None)) == []
    (refused,) = failures(p, replace(BASE, innovation_score=None))
    assert "unknown" in refused.en


def test_purpose_share_needs_the_purpose_amount() -> None:
    (refused,) = failures(programme({"max_purpose_share": "0.9"}), replace(BASE, purpose_amount=None))
    assert "not recorded" in refused.en


def test_all_rules_together_name_each_failure() -> None:
    rules = {k: v for case in CASES.values() for k, v in case[0].items()}
    found = {f.rule for f in failures(programme(rules), replace(BASE, rate=0.05, grade="CCC", rd_intensity=None))}
    assert found == {"listed", "rate_cap", "grade", "rd_intensity"}


def test_quota_left_never_negative() -> None:
    p = programme({})
    assert quota_left(p, Decimal("4e8")) == Decimal("1e8")
    assert quota_left(p, Decimal("6e8")) == 0
