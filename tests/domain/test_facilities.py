"""Facility, exposure, rating, bank, user and project validation: every rule, each with a bad value."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from computecredit.domain import (
    Bank,
    Exposure,
    Facility,
    ProductType,
    Project,
    RatingRecord,
    User,
    hash_password,
    parse,
    verify_password,
)
from computecredit.domain.facilities import Covenant, Rate
from computecredit.errors import InputError

USCC = "91640100MA7X00001X"
LOAN: dict[str, Any] = {
    "reference": "WC-2025-001",
    "borrower_uscc": USCC,
    "product": "working_capital_loan",
    "amount": "5000万",
    "tenor_months": 12,
    "rate": {"base": "lpr_1y", "spread_bp": 35},
}
GUARANTEE: dict[str, Any] = {
    **LOAN,
    "reference": "APG-1",
    "product": "advance_payment_guarantee",
    "amount": "10.2亿",
    "rate": {"base": "fixed", "spread_bp": 40},
    "beneficiary": "平台业主",
}


def first_problem(model: type, data: dict[str, Any]):  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        parse(model, data, source="deals.yaml", row=4)
    return caught.value.problems[0]


def test_every_product_type_is_there_with_labels() -> None:
    assert {p.value for p in ProductType} >= {
        "credit_line",
        "working_capital_loan",
        "fixed_asset_project_loan",
        "share_buyback_loan",
        "advance_payment_guarantee",
        "performance_guarantee",
        "finance_lease",
    }
    assert ProductType.SHARE_BUYBACK_LOAN.zh == "股票回购增持贷款"


def test_a_good_loan_and_guarantee() -> None:
    loan = parse(Facility, LOAN)
    assert loan.amount == Decimal(50_000_000) and not loan.is_guarantee
    assert loan.rate.annual_rate(Decimal("0.03")) == Decimal("0.0335")
    assert parse(Facility, GUARANTEE).is_guarantee


def test_share_buyback_rate_below_lpr() -> None:
    rate = Rate(base="lpr_1y", spread_bp=-75)
    assert rate.annual_rate(Decimal("0.030")) == Decimal("0.0225")
    assert rate.describe() == "LPR1Y - 75bp"


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"reference": "x"}, "reference", "should match pattern"),
        ({"amount": 0}, "amount", "greater than 0"),
        ({"amount": "五千万"}, "amount", "must be a number"),
        ({"currency": "yuan"}, "currency", "should match pattern"),
        ({"tenor_months": 0}, "tenor_months", "greater than 0"),
        ({"tenor_months": 361}, "tenor_months", "less than or equal to 360"),
        ({"product": "payday_loan"}, "product", "Input should be"),
        ({"rate": {"base": "shibor", "spread_bp": 10}}, "rate.base", "Input should be"),
        ({"rate": {"base": "lpr_1y", "spread_bp": 5000}}, "rate.spread_bp", "less than or equal to 3000"),
        ({"rate": {"base": "fixed", "spread_bp": -10}}, "rate.spread_bp", "a fixed rate cannot be negative"),
        ({"repayment": "revolving"}, "repayment", "only a credit line revolves"),
        ({"product": "credit_line"}, "repayment", "a credit line is revolving"),
        ({"beneficiary": "someone"}, "beneficiary", "only guarantees have a beneficiary"),
        ({"green_category": "solar"}, "green_category", "only a green-tagged facility"),
        ({"parent_reference": "WC-2025-001"}, "parent_reference", "cannot be its own parent"),
        ({"borrower_uscc": "91640100MA7X00001Z"}, "borrower_uscc", "not allowed"),
        (
            {"collateral": [{"type": "gold", "description": "x", "value": 1}]},
            "collateral.0.type",
            "Input should be",
        ),
        (
            {"collateral": [{"type": "property", "description": "x", "value": 0}]},
            "collateral.0.value",
            "greater than 0",
        ),
        (
            {"guarantors": [{"name": "集团", "kind": "corporate", "uscc": "123"}]},
            "guarantors.0.uscc",
            "18 characters",
        ),
        ({"guarantors": [{"name": "集团", "kind": "friend"}]}, "guarantors.0.kind", "Input should be"),
        ({"covenants": [{"metric": "DSCR!", "operator": ">=", "threshold": 1}]}, "covenants.0.metric", "pattern"),
        (
            {"covenants": [{"metric": "dscr", "operator": "==", "threshold": 1}]},
            "covenants.0.operator",
            "Input should",
        ),
        (
            {"covenants": [{"metric": "dscr", "operator": ">=", "threshold": 1, "frequency": "daily"}]},
            "covenants.0.frequency",
            "pattern",
        ),
        ({"status": "dreaming"}, "status", "Input should be"),
    ],
)
def test_facility_rules(changes: dict[str, Any], field: str, rule: str) -> None:
    p = first_problem(Facility, {**LOAN, **changes})
    assert (p.field, p.source, p.row) == (field, "deals.yaml", 4)
    assert rule in p.rule


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"beneficiary": None}, "beneficiary", "names its beneficiary"),
        ({"rate": {"base": "lpr_1y", "spread_bp": 40}}, "rate.base", "a guarantee's fee is a fixed rate"),
    ],
)
def test_guarantee_rules(changes: dict[str, Any], field: str, rule: str) -> None:
    p = first_problem(Facility, {**GUARANTEE, **changes})
    assert p.field == field and rule in p.rule


def test_covenant_direction() -> None:
    at_least = Covenant(metric="dscr", operator=">=", threshold=Decimal("1.2"))
    assert at_least.holds(Decimal("1.2")) and not at_least.holds(Decimal("1.19"))


EXPOSURE = {"facility_reference": "WC-2025-001", "as_of": "2025-12-31", "drawn": "5000万", "undrawn": 0}


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"drawn": -1}, "drawn", "greater than or equal to 0"),
        ({"undrawn": "-1万"}, "undrawn", "greater than or equal to 0"),
        ({"as_of": "yesterday"}, "as_of", "valid date"),
        ({"classification": "fine"}, "classification", "Input should be"),
        ({"days_past_due": -2}, "days_past_due", "greater than or equal to 0"),
        ({"ecl_stage": 4}, "ecl_stage", "less than or equal to 3"),
        ({"classification": "次级", "ecl_stage": 2}, "ecl_stage", "credit-impaired (stage 3)"),
        ({"days_past_due": 91}, "classification", "more than 90 days past due"),
    ],
)
def test_exposure_rules(changes: dict[str, Any], field: str, rule: str) -> None:
    p = first_problem(Exposure, {**EXPOSURE, **changes})
    assert p.field == field and rule in p.rule


RATING = {
    "borrower_uscc": USCC,
    "model_id": "expert_compute",
    "model_version": "1.0",
    "inputs": {"debt_to_assets": 0.6},
    "grade": "BB",
    "pd": "0.012",
    "rated_by": "analyst",
}


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"pd": 0}, "pd", "greater than 0"),
        ({"borrower_uscc": "9164010OMA7X00001X"}, "borrower_uscc", "not allowed"),
        ({"pd": "1.5"}, "pd", "less than or equal to 1"),
        ({"model_id": "Expert Model"}, "model_id", "pattern"),
        ({"model_version": ""}, "model_version", "at least 1"),
        ({"grade": ""}, "grade", "at least 1"),
        ({"override": {"grade": "BBB", "reason": "short", "user": "approver"}}, "override.reason", "at least 10"),
        (
            {"override": {"grade": "BB", "reason": "same grade as the model", "user": "x"}},
            "override.grade",
            "must change the grade",
        ),
        ({"override": {"grade": "BBB", "reason": "a reason long enough"}}, "override.user", "Field required"),
    ],
)
def test_rating_rules(changes: dict[str, Any], field: str, rule: str) -> None:
    p = first_problem(RatingRecord, {**RATING, **changes})
    assert p.field == field and rule in p.rule


def test_an_override_gives_the_final_grade_and_pd() -> None:
    record = parse(
        RatingRecord,
        {
            **RATING,
            "override": {"grade": "BBB", "pd": "0.005", "reason": "state-owned offtaker", "user": "approver"},
        },
    )
    assert (record.final_grade, record.final_pd) == ("BBB", Decimal("0.005"))


BANK = {
    "name_zh": "朔方银行",
    "name_en": "Shuofang Bank",
    "net_capital": "108.6亿",
    "tier1_net_capital": "91.2亿",
    "loan_book": "824.5亿",
    "hurdle_rate": "0.11",
}


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"tier1_net_capital": "120亿"}, "tier1_net_capital", "cannot exceed net_capital"),
        ({"net_capital": 0}, "net_capital", "greater than 0"),
        ({"loan_book": "-1"}, "loan_book", "greater than 0"),
        ({"hurdle_rate": "12"}, "hurdle_rate", "less than 1"),
        ({"hurdle_rate": 0}, "hurdle_rate", "greater than 0"),
        ({"name_en": "B"}, "name_en", "at least 2"),
    ],
)
def test_bank_rules(changes: dict[str, Any], field: str, rule: str) -> None:
    p = first_problem(Bank, {**BANK, **changes})
    assert p.field == field and rule in p.rule


def test_bank_limit_is_ten_percent_of_net_capital() -> None:
    assert parse(Bank, BANK).single_customer_loan_limit == Decimal("1086000000.0")


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"username": "Analyst"}, "username", "pattern"),
        ({"username": "a"}, "username", "pattern"),
        ({"role": "superuser"}, "role", "Input should be"),
        ({"display_name": ""}, "display_name", "at least 1"),
    ],
)
def test_user_rules(changes: dict[str, Any], field: str, rule: str) -> None:
    p = first_problem(User, {"username": "analyst", "display_name": "分析师", "role": "analyst", **changes})
    assert p.field == field and rule in p.rule


def test_passwords_are_argon2_hashed_and_need_eight_characters() -> None:
    hashed = hash_password("long enough")
    assert hashed.startswith("$argon2id$") and verify_password(hashed, "long enough")
    assert not verify_password(hashed, "long enougH") and not verify_password("not a hash", "x")
    with pytest.raises(ValueError, match="at least 8"):
        hash_password("short")


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"code": "Ningxia Phase 1"}, "code", "pattern"),
        ({"hub": "mars"}, "hub", "Input should be"),
        ({"inputs": [1, 2]}, "inputs", "valid dictionary"),
        ({"borrower_uscc": "91640100MA7X00001Y"}, "borrower_uscc", "check character"),
    ],
)
def test_project_rules(changes: dict[str, Any], field: str, rule: str) -> None:
    data = {"code": "ningxia_phase1", "name": "宁夏一期", "borrower_uscc": USCC, **changes}
    p = first_problem(Project, data)
    assert p.field == field and rule in p.rule
