"""Enterprise size class per the MIIT rules 《中小企业划型标准规定》 (工信部联企业〔2011〕300号).

The rules set, per industry, the thresholds of employees (从业人员) and operating revenue (营业收入) or
total assets (资产总额). Article 4 of the rules: large, medium and small enterprises must meet the lower
bound of *every* listed indicator, otherwise they drop one class; a micro enterprise needs to meet only one
(大型、中型和小型企业须同时满足所列指标的下限，否则下划一档；微型企业只须满足所列指标中的一项即可).

Thresholds used here (amounts in 万元), for the industries of the compute chain:

| industry (300号 item) | indicator | large ≥ | medium ≥ | small ≥ | else micro |
|---|---|---|---|---|---|
| 工业 industrial (item 2) | employees / revenue | 1000 / 40000 | 300 / 2000 | 20 / 300 | |
| 信息传输业 information transmission (item 9) | employees / revenue | 2000 / 100000 | 100 / 1000 | 10 / 100 | |
| 软件和信息技术服务业 software & IT services (item 10) | employees / revenue | 300 / 10000 | 100 / 1000 | 10 / 50 | |
| 租赁和商务服务业 leasing & business services (item 14) | employees / total assets | 300 / 120000 | 100 / 8000 | 10 / 100 | |

The same thresholds are used by the statistical rules (国统字〔2017〕213号) for these industries.

>>> size_class(SmeIndustry.INDUSTRIAL, employees=350, revenue=Decimal("250000000"))
<SizeClass.MEDIUM: 'medium'>
>>> size_class(SmeIndustry.SOFTWARE_IT, employees=40, revenue=Decimal("30000000"))
<SizeClass.SMALL: 'small'>

When the headcount is unknown (a statement source does not give it), the class follows the money
indicator alone — revenue, or total assets for leasing — as if the headcount bound were met. This errs
towards the larger class, which is the conservative side here: the SME-only technology-innovation uplift
of the expert model then applies less often.

>>> size_class(SmeIndustry.SOFTWARE_IT, employees=None, revenue=Decimal("30000000"))
<SizeClass.MEDIUM: 'medium'>
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from computecredit.domain.labels import LabelledEnum

SOURCE = "《中小企业划型标准规定》(工信部联企业〔2011〕300号), 2011-06-18"
WAN = Decimal(10_000)


class SmeIndustry(LabelledEnum):
    """Industries of the 300号 rules that the compute chain falls into."""

    INDUSTRIAL = "industrial", "工业", "Industrial"
    INFORMATION_TRANSMISSION = "information_transmission", "信息传输业", "Information transmission"
    SOFTWARE_IT = "software_it", "软件和信息技术服务业", "Software and IT services"
    LEASING_BUSINESS = "leasing_business", "租赁和商务服务业", "Leasing and business services"


class SizeClass(LabelledEnum):
    LARGE = "large", "大型", "Large"
    MEDIUM = "medium", "中型", "Medium"
    SMALL = "small", "小型", "Small"
    MICRO = "micro", "微型", "Micro"


@dataclass(frozen=True)
class Thresholds:
    """Lower bounds for one class: employees and a money indicator in 万元."""

    employees: int
    money_wan: Decimal


# (large, medium, small) lower bounds per industry; the money indicator is revenue except for leasing (assets).
THRESHOLDS: dict[SmeIndustry, tuple[Thresholds, Thresholds, Thresholds]] = {
    SmeIndustry.INDUSTRIAL: (
        Thresholds(1000, Decimal(40000)),
        Thresholds(300, Decimal(2000)),
        Thresholds(20, Decimal(300)),
    ),
    SmeIndustry.INFORMATION_TRANSMISSION: (
        Thresholds(2000, Decimal(100000)),
        Thresholds(100, Decimal(1000)),
        Thresholds(10, Decimal(100)),
    ),
    SmeIndustry.SOFTWARE_IT: (
        Thresholds(300, Decimal(10000)),
        Thresholds(100, Decimal(1000)),
        Thresholds(10, Decimal(50)),
    ),
    SmeIndustry.LEASING_BUSINESS: (
        Thresholds(300, Decimal(120000)),
        Thresholds(100, Decimal(8000)),
        Thresholds(10, Decimal(100)),
    ),
}

USES_TOTAL_ASSETS = frozenset({SmeIndustry.LEASING_BUSINESS})


def size_class(
    industry: SmeIndustry,
    *,
    employees: int | None,
    revenue: Decimal | None = None,
    total_assets: Decimal | None = None,
) -> SizeClass:
    """Size class from employees and revenue (or total assets for leasing), amounts in 元; with
    ``employees=None`` from the money indicator alone (see the module docstring).

    >>> size_class(SmeIndustry.LEASING_BUSINESS, employees=120, total_assets=Decimal("2000000000"))
    <SizeClass.MEDIUM: 'medium'>
    >>> size_class(SmeIndustry.INDUSTRIAL, employees=5000, revenue=Decimal("100000000"))
    <SizeClass.MEDIUM: 'medium'>
    """
    if industry in USES_TOTAL_ASSETS:
        if total_assets is None:
            raise ValueError(f"{industry.en} is classed by total assets, which are missing")
        money_wan = total_assets / WAN
    else:
        if revenue is None:
            raise ValueError(f"{industry.en} is classed by operating revenue, which is missing")
        money_wan = revenue / WAN
    for bounds, cls in zip(
        THRESHOLDS[industry], (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL), strict=True
    ):
        if (employees is None or employees >= bounds.employees) and money_wan >= bounds.money_wan:
            return cls
    return SizeClass.MICRO


__all__ = ["SOURCE", "THRESHOLDS", "SizeClass", "SmeIndustry", "Thresholds", "size_class"]
