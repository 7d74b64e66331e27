"""Borrower validation: every rule, each with a bad value, and the MIIT size classes (工信部联企业〔2011〕300号)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from computecredit.domain import Borrower, ChainSegment, Hub, Province, SizeClass, SmeIndustry, hub_of, parse
from computecredit.domain.sme import size_class
from computecredit.errors import InputError

GOOD: dict[str, Any] = {
    "uscc": "91640100MA7X00001X",
    "name_zh": "宁夏示例算力有限公司",
    "name_en": "Ningxia Example Compute Co., Ltd.",
    "segment": "datacenter_operator",
    "province": "ningxia",
    "hub": "ningxia",
    "ownership": "private",
    "employees": 180,
    "revenue": "1.2亿",
    "total_assets": "9亿",
    "credentials": {"high_tech_enterprise": True, "patents": 10, "invention_patents": 3, "rd_staff": 20},
}


def test_a_good_borrower_reads_labels_and_amounts() -> None:
    b = parse(Borrower, {**GOOD, "segment": "数据中心/智算中心运营", "hub": "Ningxia"})
    assert b.segment is ChainSegment.DATACENTER_OPERATOR and b.hub is Hub.NINGXIA
    assert b.revenue == Decimal("120000000")
    assert b.sme_industry is SmeIndustry.INFORMATION_TRANSMISSION
    assert b.size_class is SizeClass.MEDIUM


def test_a_dumped_borrower_reads_back_equal() -> None:
    b = parse(Borrower, GOOD)
    assert Borrower.model_validate(b.model_dump()) == b
    assert Borrower.model_validate_json(b.model_dump_json()) == b


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"uscc": "91640100MA7X00001A"}, "uscc", "check character must be 'X'"),
        ({"uscc": "123"}, "uscc", "18 characters"),
        ({"name_zh": "宁"}, "name_zh", "at least 2"),
        ({"name_en": ""}, "name_en", "valid string"),
        ({"segment": "bakery"}, "segment", "Input should be"),
        ({"province": "atlantis"}, "province", "Input should be"),
        ({"hub": "qinghai"}, "hub", "Input should be"),
        ({"ownership": "mutual"}, "ownership", "Input should be"),
        ({"ownership": "listed"}, "ticker", "a listed borrower needs its ticker"),
        ({"ticker": "688256.SH"}, "ticker", "only listed borrowers have a ticker"),
        ({"ownership": "listed", "ticker": "68825"}, "ticker", "ticker must look like"),
        ({"employees": 0}, "employees", "greater than or equal to 1"),
        ({"revenue": "-5万"}, "revenue", "greater than or equal to 0"),
        ({"revenue": "lots"}, "revenue", "must be a number"),
        ({"total_assets": 0}, "total_assets", "greater than 0"),
        ({"sme_industry_override": "farming"}, "sme_industry_override", "Input should be"),
        ({"established": "2019-13-01"}, "established", "valid date"),
        ({"credentials": {"patents": -1}}, "credentials.patents", "greater than or equal to 0"),
        ({"credentials": {"rd_spend": "-1"}}, "credentials.rd_spend", "greater than or equal to 0"),
        (
            {"credentials": {"patents": 2, "invention_patents": 3}},
            "credentials.invention_patents",
            "cannot exceed patents (2)",
        ),
        ({"credentials": {"specialised_level": "world"}}, "credentials.specialised_level", "Input should be"),
        ({"credentials": {"rd_staff": 500}}, "credentials.rd_staff", "cannot exceed employees (180)"),
        ({"colour": "blue"}, "colour", "Extra inputs are not permitted"),
    ],
)
def test_each_rule_refuses_its_bad_value(change: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(InputError) as caught:
        parse(Borrower, {**GOOD, **change}, source="borrowers.csv", row=3)
    problem = caught.value.problems[0]
    assert (problem.field, problem.source, problem.row) == (field, "borrowers.csv", 3)
    assert rule in problem.rule


def test_every_hub_has_its_provinces_and_labels() -> None:
    assert [h.zh for h in Hub] == ["京津冀", "长三角", "粤港澳大湾区", "成渝", "内蒙古", "贵州", "甘肃", "宁夏"]
    assert all(hub_of(p) is hub for hub in Hub for p in hub.provinces)
    assert hub_of(Province.QINGHAI) is None
    assert Province.NINGXIA.code == "64" and Province.BEIJING.code == "11"


# 300号 thresholds: (industry, employees, revenue or assets in 万元, expected class)
CASES = [
    (SmeIndustry.INDUSTRIAL, 1000, 40000, SizeClass.LARGE),
    (SmeIndustry.INDUSTRIAL, 999, 400000, SizeClass.MEDIUM),  # both lower bounds, else one class down
    (SmeIndustry.INDUSTRIAL, 300, 2000, SizeClass.MEDIUM),
    (SmeIndustry.INDUSTRIAL, 300, 1999, SizeClass.SMALL),
    (SmeIndustry.INDUSTRIAL, 20, 300, SizeClass.SMALL),
    (SmeIndustry.INDUSTRIAL, 19, 5000, SizeClass.MICRO),  # micro needs only one indicator
    (SmeIndustry.SOFTWARE_IT, 300, 10000, SizeClass.LARGE),
    (SmeIndustry.SOFTWARE_IT, 100, 1000, SizeClass.MEDIUM),
    (SmeIndustry.SOFTWARE_IT, 10, 50, SizeClass.SMALL),
    (SmeIndustry.SOFTWARE_IT, 10, 49, SizeClass.MICRO),
    (SmeIndustry.INFORMATION_TRANSMISSION, 2000, 100000, SizeClass.LARGE),
    (SmeIndustry.INFORMATION_TRANSMISSION, 1999, 100000, SizeClass.MEDIUM),
    (SmeIndustry.INFORMATION_TRANSMISSION, 10, 100, SizeClass.SMALL),
    (SmeIndustry.INFORMATION_TRANSMISSION, 9, 100, SizeClass.MICRO),
]


@pytest.mark.parametrize(("industry", "employees", "wan", "expected"), CASES)
def test_size_class_by_revenue(industry: SmeIndustry, employees: int, wan: int, expected: SizeClass) -> None:
    assert size_class(industry, employees=employees, revenue=Decimal(wan) * 10_000) is expected


@pytest.mark.parametrize(
    ("employees", "assets_wan", "expected"),
    [
        (300, 120000, SizeClass.LARGE),
        (300, 119999, SizeClass.MEDIUM),
        (100, 8000, SizeClass.MEDIUM),
        (99, 8000, SizeClass.SMALL),
        (10, 100, SizeClass.SMALL),
        (10, 99, SizeClass.MICRO),
    ],
)
def test_leasing_is_classed_by_total_assets(employees: int, assets_wan: int, expected: SizeClass) -> None:
    got = size_class(SmeIndustry.LEASING_BUSINESS, employees=employees, total_assets=Decimal(assets_wan) * 10_000)
    assert got is expected


def test_segment_decides_the_industry_unless_overridden() -> None:
    lessor = parse(Borrower, {**GOOD, "segment": "equipment_leasing", "employees": 120, "total_assets": "20亿"})
    assert (lessor.sme_industry, lessor.size_class) == (SmeIndustry.LEASING_BUSINESS, SizeClass.MEDIUM)
    as_software = parse(Borrower, {**GOOD, "sme_industry_override": "software_it"})
    assert as_software.sme_industry is SmeIndustry.SOFTWARE_IT
    assert as_software.size_class is SizeClass.MEDIUM  # 180 staff, 1.2亿 revenue: medium under software too


def test_stock_codes_are_normalised_with_their_exchange() -> None:
    for given, ticker, exchange in [
        ("688256", "688256.SH", "SSE"),
        ("sz000977", "000977.SZ", "SZSE"),
        ("830799.BJ", "830799.BJ", "BSE"),
        ("HKEX:981", "0981.HK", "HKEX"),
    ]:
        borrower = Borrower.model_validate({**GOOD, "ownership": "listed", "ticker": given})
        assert (borrower.ticker, borrower.exchange) == (ticker, exchange)
    assert Borrower.model_validate(GOOD).exchange is None


def test_unknown_staff_classes_by_revenue_alone() -> None:
    without = {k: v for k, v in GOOD.items() if k != "employees"}
    borrower = Borrower.model_validate(without)
    assert borrower.employees is None
    expected = size_class(borrower.sme_industry, employees=None, revenue=borrower.revenue)
    assert borrower.size_class is expected
    # the headcount bound counts as met: never a smaller class than with a known headcount
    small_staff = Borrower.model_validate({**without, "employees": 50})
    assert list(SizeClass).index(borrower.size_class) <= list(SizeClass).index(small_staff.size_class)
