"""Generate the demo bank in ``examples/demo_bank/`` (seeded: the same files every run).

A fictional regional bank (朔方银行, loan book under 1000亿) and 40 fictional compute-chain borrowers across
the seven chain segments and the eight 东数西算 hubs (plus a few outside them), each with three fiscal years
(2022–2024) of statements that balance to the fen, and a book of facilities that includes every deal type
of the news that started the project (REFERENCE.md §1), sized as there.

Statements are built bottom-up in 万元 from a segment profile (margins, turnover days, capital intensity,
leverage): income statement first, then the balance sheet with borrowings as the balancing item (owners
inject equity when growth or losses push leverage far above the segment's target), then a cash-flow statement
whose net change equals the change in cash. Subtotals are computed by :class:`computecredit.domain.statements.FinancialStatement` itself.

Cash is an operating balance (a few weeks of revenue), not a hoard, and non-capital-heavy firms roll over
short-term bank loans, so current ratios land where such firms report them (servers and hardware ≈ 1.2–1.3,
compute leasing ≈ 0.9–1.0, chip design and software higher) and the working-capital need formula of the 2010
流动资金贷款管理暂行办法 supports the news deals' working-capital loans (WC-2025-001, WC-2025-002); firms with
much cash or equity relative to their operating cycle (software, lessors) still get a small or zero limit.

The bank books its customers at two 分行 by region (:data:`BRANCHES`, :data:`BRANCH_OF`): 北京分行 the north
and west, 深圳分行 the south and east, each with one 支行 for its home city; the head office books none.

Run: ``.venv/bin/python scripts/make_demo_bank.py [--out DIR]`` (writes the files; commit them).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

from computecredit.domain import uscc
from computecredit.domain.borrowers import Borrower, ChainSegment, Province, hub_of
from computecredit.domain.statements import FinancialStatement
from computecredit.services import borrowers as borrower_service
from computecredit.services import spreadsheets
from computecredit.services import statements as statement_service

SEED = 20250218
OUT = Path(__file__).resolve().parents[1] / "examples" / "demo_bank"
YEARS = (2022, 2023, 2024)  # the audited years a bank sees in its 2025 credit decisions
AS_OF = "2025-12-31"
CENT = Decimal("0.01")
WAN = Decimal(10_000)


# The demo bank's offices below the head office (HO, which every database has): code, names, level, parent.
BRANCHES = (
    {"code": "BJ", "name_zh": "北京分行", "name_en": "Beijing Branch", "level": "branch", "parent_code": "HO"},
    {
        "code": "BJ-HD",
        "name_zh": "北京海淀支行",
        "name_en": "Beijing Haidian Sub-branch",
        "level": "sub_branch",
        "parent_code": "BJ",
    },
    {"code": "SZ", "name_zh": "深圳分行", "name_en": "Shenzhen Branch", "level": "branch", "parent_code": "HO"},
    {
        "code": "SZ-NS",
        "name_zh": "深圳南山支行",
        "name_en": "Shenzhen Nanshan Sub-branch",
        "level": "sub_branch",
        "parent_code": "SZ",
    },
)
# Which office books a borrower, by its province (管户机构): the 支行 of the home city, else the region's 分行.
BRANCH_OF = {
    Province.BEIJING: "BJ-HD",
    **dict.fromkeys(
        (
            Province.TIANJIN,
            Province.HEBEI,
            Province.INNER_MONGOLIA,
            Province.SHAANXI,
            Province.NINGXIA,
            Province.GANSU,
            Province.QINGHAI,
        ),
        "BJ",
    ),
    Province.GUANGDONG: "SZ-NS",
    **dict.fromkeys(
        (
            Province.SHANGHAI,
            Province.JIANGSU,
            Province.ZHEJIANG,
            Province.ANHUI,
            Province.HUBEI,
            Province.SICHUAN,
            Province.CHONGQING,
            Province.GUIZHOU,
        ),
        "SZ",
    ),
}


def d(x: float) -> Decimal:
    return Decimal(repr(x)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Profile:
    """Segment economics. Ratios to revenue unless named otherwise; days on revenue (AR) or costs."""

    gross_margin: float
    selling: float
    admin: float
    rd: float
    dso: float
    dio: float
    dpo: float
    fixed_to_revenue: float
    cip_to_revenue: float
    intangible_to_revenue: float
    liabilities_to_assets: float
    growth: float
    revenue_per_employee_wan: float
    cash_to_revenue: float  # operating cash on hand
    lease_receivables_to_revenue: float = 0.0
    # liabilities_to_assets: the leverage the owners aim for; equity is injected when growth outruns it


PROFILES = {
    ChainSegment.CHIP_DESIGN: Profile(
        0.46, 0.05, 0.07, 0.24, 95, 160, 60, 0.12, 0.03, 0.18, 0.35, 0.22, 160, 0.08
    ),
    ChainSegment.CHIP_MANUFACTURING: Profile(
        0.30, 0.02, 0.05, 0.08, 60, 95, 70, 1.60, 0.35, 0.10, 0.55, 0.14, 120, 0.10
    ),
    ChainSegment.SERVERS_HARDWARE: Profile(
        0.11, 0.025, 0.025, 0.04, 75, 115, 90, 0.07, 0.02, 0.02, 0.66, 0.32, 450, 0.05
    ),
    ChainSegment.DATACENTER_OPERATOR: Profile(
        0.38, 0.02, 0.06, 0.02, 70, 6, 60, 2.60, 0.55, 0.08, 0.62, 0.28, 260, 0.08
    ),
    ChainSegment.COMPUTE_LEASING_CLOUD: Profile(
        0.34, 0.03, 0.05, 0.03, 120, 5, 45, 2.00, 0.20, 0.04, 0.60, 0.45, 300, 0.05
    ),
    ChainSegment.EQUIPMENT_LEASING: Profile(
        0.48, 0.01, 0.08, 0.0, 20, 0, 20, 0.05, 0.0, 0.01, 0.84, 0.18, 500, 0.04, 7.0
    ),
    ChainSegment.AI_SOFTWARE_SERVICES: Profile(
        0.56, 0.15, 0.10, 0.21, 120, 10, 40, 0.08, 0.0, 0.10, 0.30, 0.30, 90, 0.08
    ),
}

SUFFIX = {
    ChainSegment.CHIP_DESIGN: ("微电子股份有限公司", "Microelectronics Co., Ltd."),
    ChainSegment.CHIP_MANUFACTURING: ("半导体制造有限公司", "Semiconductor Manufacturing Co., Ltd."),
    ChainSegment.SERVERS_HARDWARE: ("计算技术有限公司", "Computing Technology Co., Ltd."),
    ChainSegment.DATACENTER_OPERATOR: ("智算科技有限公司", "AI Computing Centre Co., Ltd."),
    ChainSegment.COMPUTE_LEASING_CLOUD: ("算力云科技有限公司", "Compute Cloud Co., Ltd."),
    ChainSegment.EQUIPMENT_LEASING: ("融资租赁有限公司", "Financial Leasing Co., Ltd."),
    ChainSegment.AI_SOFTWARE_SERVICES: ("智能软件有限公司", "Intelligent Software Co., Ltd."),
}

# Invented brand names (no real company intended).
BRANDS = [
    ("星澜", "Xinglan"),
    ("云岫", "Yunxiu"),
    ("曜川", "Yaochuan"),
    ("青穹", "Qingqiong"),
    ("澄算", "Chengsuan"),
    ("玄枢", "Xuanshu"),
    ("霁光", "Jiguang"),
    ("岚峰", "Lanfeng"),
    ("昊衡", "Haoheng"),
    ("朔元", "Shuoyuan"),
    ("沐辰", "Muchen"),
    ("溯芯", "Suxin"),
    ("翎算", "Lingsuan"),
    ("瀚穹", "Hanqiong"),
    ("砺微", "Liwei"),
    ("启衡", "Qiheng"),
    ("璟云", "Jingyun"),
    ("澈界", "Chejie"),
    ("钧石", "Junshi"),
    ("晟渊", "Shengyuan"),
    ("珩宇", "Hengyu"),
    ("暄和", "Xuanhe"),
    ("熠辉", "Yihui"),
    ("炬阵", "Juzhen"),
    ("蔚澜", "Weilan"),
    ("知遥", "Zhiyao"),
    ("烁核", "Shuohe"),
    ("鸿渐", "Hongjian"),
    ("铂骁", "Boxiao"),
    ("睿垣", "Ruiyuan"),
    ("凌澈", "Lingche"),
    ("皓阙", "Haoque"),
    ("墨衡", "Moheng"),
    ("曦芒", "Ximang"),
    ("弈数", "Yishu"),
    ("萤川", "Yingchuan"),
    ("穹岳", "Qiongyue"),
    ("聿明", "Yuming"),
    ("岱算", "Daisuan"),
    ("泓卢", "Honglu"),
]

# Capital-city division codes (GB/T 2260) for the USCC.
DIVISION = {
    Province.BEIJING: "110108",
    Province.TIANJIN: "120116",
    Province.HEBEI: "130100",
    Province.SHANGHAI: "310115",
    Province.JIANGSU: "320500",
    Province.ZHEJIANG: "330100",
    Province.ANHUI: "340100",
    Province.GUANGDONG: "440300",
    Province.SICHUAN: "510100",
    Province.CHONGQING: "500000",
    Province.INNER_MONGOLIA: "150100",
    Province.GUIZHOU: "520100",
    Province.GANSU: "620100",
    Province.NINGXIA: "640500",
    Province.HUBEI: "420100",
    Province.QINGHAI: "630100",
    Province.SHAANXI: "610100",
}


@dataclass
class Spec:
    """One borrower to generate. ``revenue_wan`` is the first generated year's revenue (FY2022 seed)."""

    key: str
    segment: ChainSegment
    province: Province
    revenue_wan: float
    ownership: str = "private"
    ticker: str | None = None
    group: str | None = None
    loss_making: bool = False
    high_tech: bool = False
    specialised: str = "none"
    audited: bool = True
    overrides: dict[str, float] = field(default_factory=dict)
    profile: Profile | None = None  # this firm's own economics instead of its segment's


# The deal borrowers first (their keys are used by the facilities), then the rest of the book.
SPECS = [
    Spec(
        "server_maker", ChainSegment.SERVERS_HARDWARE, Province.HUBEI, 420000, high_tech=True, specialised="none"
    ),
    Spec(
        "ningxia_dc",
        ChainSegment.DATACENTER_OPERATOR,
        Province.NINGXIA,
        9000,
        group="贺兰数科集团",
        high_tech=True,
    ),
    Spec(
        "listed_chip",
        ChainSegment.CHIP_DESIGN,
        Province.SHANGHAI,
        160000,
        ownership="listed",
        ticker="688931.SH",
        high_tech=True,
        specialised="national_little_giant",
    ),
    Spec(
        "platform_builder",
        ChainSegment.DATACENTER_OPERATOR,
        Province.BEIJING,
        260000,
        ownership="state",
        high_tech=True,
    ),
    Spec(
        "listed_supplier",
        ChainSegment.COMPUTE_LEASING_CLOUD,
        Province.HEBEI,
        90000,
        ownership="listed",
        ticker="301977.SZ",
        high_tech=True,
    ),
    Spec(
        "thin_sme",
        ChainSegment.AI_SOFTWARE_SERVICES,
        Province.GUIZHOU,
        1100,
        loss_making=True,
        high_tech=True,
        specialised="provincial",
        audited=False,
    ),
    Spec("qinghai_green", ChainSegment.DATACENTER_OPERATOR, Province.QINGHAI, 6500, ownership="state"),
    Spec("gpu_lessor", ChainSegment.EQUIPMENT_LEASING, Province.SHANGHAI, 30000, group="岚峰控股集团"),
    Spec("leasing_lessee", ChainSegment.COMPUTE_LEASING_CLOUD, Province.GUANGDONG, 26000, group="岚峰控股集团"),
    Spec(
        "troubled_leasing",
        ChainSegment.COMPUTE_LEASING_CLOUD,
        Province.GUANGDONG,
        30000,
        ownership="private",
        loss_making=True,
    ),
    Spec("ningxia_sister", ChainSegment.COMPUTE_LEASING_CLOUD, Province.NINGXIA, 7000, group="贺兰数科集团"),
    Spec(
        "fab_chengdu", ChainSegment.CHIP_MANUFACTURING, Province.SICHUAN, 180000, ownership="state", high_tech=True
    ),
    Spec("fab_wuxi", ChainSegment.CHIP_MANUFACTURING, Province.JIANGSU, 95000, high_tech=True),
    Spec(
        "packaging_cq",
        ChainSegment.CHIP_MANUFACTURING,
        Province.CHONGQING,
        38000,
        high_tech=True,
        specialised="provincial",
    ),
    Spec("fab_anhui", ChainSegment.CHIP_MANUFACTURING, Province.ANHUI, 52000, ownership="state", high_tech=True),
    Spec(
        "npu_design",
        ChainSegment.CHIP_DESIGN,
        Province.BEIJING,
        42000,
        high_tech=True,
        specialised="national_little_giant",
    ),
    Spec(
        "interconnect_design",
        ChainSegment.CHIP_DESIGN,
        Province.GUANGDONG,
        21000,
        high_tech=True,
        specialised="national_little_giant",
    ),
    Spec(
        "asic_hangzhou",
        ChainSegment.CHIP_DESIGN,
        Province.ZHEJIANG,
        8800,
        high_tech=True,
        specialised="provincial",
    ),
    Spec("riscv_chengdu", ChainSegment.CHIP_DESIGN, Province.SICHUAN, 3600, high_tech=True, loss_making=True),
    Spec(
        "power_chip_gz",
        ChainSegment.CHIP_DESIGN,
        Province.GUANGDONG,
        15000,
        ownership="listed",
        ticker="688927.SH",
        high_tech=True,
    ),
    Spec(
        "server_suzhou",
        ChainSegment.SERVERS_HARDWARE,
        Province.JIANGSU,
        230000,
        ownership="listed",
        ticker="603991.SH",
        high_tech=True,
    ),
    Spec(
        "liquid_cooling",
        ChainSegment.SERVERS_HARDWARE,
        Province.GUANGDONG,
        24000,
        high_tech=True,
        specialised="national_little_giant",
    ),
    Spec("optical_modules", ChainSegment.SERVERS_HARDWARE, Province.HUBEI, 68000, high_tech=True),
    Spec("server_tianjin", ChainSegment.SERVERS_HARDWARE, Province.TIANJIN, 56000, ownership="state"),
    Spec(
        "power_supply_sx",
        ChainSegment.SERVERS_HARDWARE,
        Province.SHAANXI,
        12000,
        high_tech=True,
        specialised="provincial",
    ),
    Spec("dc_huailai", ChainSegment.DATACENTER_OPERATOR, Province.HEBEI, 48000, ownership="state"),
    Spec("dc_shaoguan", ChainSegment.DATACENTER_OPERATOR, Province.GUANGDONG, 22000),
    Spec("dc_helinger", ChainSegment.DATACENTER_OPERATOR, Province.INNER_MONGOLIA, 30000, ownership="state"),
    Spec("dc_gui_an", ChainSegment.DATACENTER_OPERATOR, Province.GUIZHOU, 26000, ownership="state"),
    Spec("dc_qingyang", ChainSegment.DATACENTER_OPERATOR, Province.GANSU, 5200, ownership="state"),
    Spec("dc_wuhu", ChainSegment.DATACENTER_OPERATOR, Province.ANHUI, 11000),
    Spec("cloud_chongqing", ChainSegment.COMPUTE_LEASING_CLOUD, Province.CHONGQING, 14000, high_tech=True),
    Spec("cloud_ulanqab", ChainSegment.COMPUTE_LEASING_CLOUD, Province.INNER_MONGOLIA, 9500),
    Spec("cloud_lanzhou", ChainSegment.COMPUTE_LEASING_CLOUD, Province.GANSU, 3200, loss_making=True),
    Spec("lessor_tianjin", ChainSegment.EQUIPMENT_LEASING, Province.TIANJIN, 42000, ownership="state"),
    Spec("lessor_shenzhen", ChainSegment.EQUIPMENT_LEASING, Province.GUANGDONG, 16000),
    Spec(
        "llm_beijing",
        ChainSegment.AI_SOFTWARE_SERVICES,
        Province.BEIJING,
        36000,
        high_tech=True,
        specialised="national_little_giant",
    ),
    Spec(
        "vision_hz",
        ChainSegment.AI_SOFTWARE_SERVICES,
        Province.ZHEJIANG,
        12000,
        ownership="listed",
        ticker="300989.SZ",
        high_tech=True,
    ),
    Spec(
        "mlops_chengdu",
        ChainSegment.AI_SOFTWARE_SERVICES,
        Province.SICHUAN,
        2400,
        high_tech=True,
        specialised="provincial",
    ),
    Spec("data_label_gy", ChainSegment.AI_SOFTWARE_SERVICES, Province.GUIZHOU, 3800, high_tech=True),
]


@dataclass
class Year:
    values: dict[str, Decimal]
    cash: Decimal
    retained: Decimal
    surplus: Decimal
    debt: Decimal
    fixed: Decimal
    receivables: Decimal
    inventories: Decimal
    payables: Decimal


def generate(
    spec: Spec, rng: random.Random, health: Sequence[float] = (0.0, 0.0, 0.0, 0.0)
) -> tuple[list[dict[str, Decimal]], int]:
    """Statements for as many years as ``health`` has values (the first only seeds opening balances);
    returns all but the first, and the staff count.

    ``health`` is a financial-health value per year, 0 for the segment's usual economics (the demo bank).
    ``scripts/make_default_history.py`` drifts it: below 0, revenue grows slower or shrinks, gross margins
    thin, customers pay later, and below -1 the owners stop injecting equity, so losses pile up as debt.
    """
    p = spec.profile or PROFILES[spec.segment]
    jitter = lambda: rng.uniform(0.9, 1.1)  # noqa: E731
    revenue = spec.revenue_wan
    employees = max(8, round(revenue / p.revenue_per_employee_wan * jitter()))
    paid_in = capital_reserve = Decimal(0)
    previous: Year | None = None
    years: list[dict[str, Decimal]] = []
    for index, h in enumerate(health):
        if index:
            growth = p.growth * rng.uniform(0.6, 1.3) + 0.2 * h
            if spec.loss_making and index == 3:
                growth = -0.25  # the year the business model was tested
            revenue *= 1 + max(growth, -0.6)
        margin = min(0.9, p.gross_margin * jitter() * (0.55 if spec.loss_making else 1.0) * max(0.1, 1 + 0.3 * h))
        costs = revenue * (1 - margin)
        v: dict[str, Decimal] = {}
        v["operating_revenue"] = d(revenue)
        v["operating_costs"] = d(costs)
        v["taxes_and_surcharges"] = d(revenue * 0.006)
        v["selling_expenses"] = d(revenue * p.selling * jitter())
        v["administrative_expenses"] = d(revenue * p.admin * jitter() * (1.6 if spec.loss_making else 1.0))
        v["rd_expenses"] = d(revenue * p.rd * jitter() * (1.5 if spec.loss_making else 1.0))
        fixed = d(revenue * p.fixed_to_revenue * jitter())
        prior_debt = (
            previous.debt if previous else d(revenue * (p.fixed_to_revenue + 0.5) * p.liabilities_to_assets * 0.5)
        )
        rate = 0.038 if spec.ownership in ("state", "listed") else 0.048
        interest = prior_debt * Decimal(repr(rate))
        opening_cash = previous.cash if previous else d(revenue * 0.12)
        interest_income = opening_cash * Decimal("0.006")
        v["interest_expense"] = d(float(interest))
        v["interest_income"] = d(float(interest_income))
        v["financial_expenses"] = v["interest_expense"] - v["interest_income"]
        v["other_income"] = d(revenue * 0.008 * jitter())
        v["investment_income"] = d(revenue * rng.uniform(-0.002, 0.006))
        receivables = d(revenue * p.dso / 365 * jitter() * math.exp(-0.2 * h))
        v["credit_impairment_losses"] = -d(float(receivables) * 0.012)
        v["asset_impairment_losses"] = -d(costs * 0.004) if p.dio > 30 else Decimal(0)
        v["non_operating_income"] = d(revenue * 0.001)
        v["non_operating_expenses"] = d(revenue * 0.0006)
        operating_profit = (
            v["operating_revenue"]
            - v["operating_costs"]
            - v["taxes_and_surcharges"]
            - v["selling_expenses"]
            - v["administrative_expenses"]
            - v["rd_expenses"]
            - v["financial_expenses"]
            + v["other_income"]
            + v["investment_income"]
            + v["credit_impairment_losses"]
            + v["asset_impairment_losses"]
        )
        total_profit = operating_profit + v["non_operating_income"] - v["non_operating_expenses"]
        tax_rate = Decimal("0.15") if spec.high_tech else Decimal("0.25")
        v["income_tax_expense"] = d(float(max(total_profit, Decimal(0)) * tax_rate))
        net_profit = total_profit - v["income_tax_expense"]
        v["net_profit_attributable_to_parent"] = net_profit

        # Balance sheet (cash is the balancing item).
        v["accounts_receivable"] = receivables
        v["notes_receivable"] = d(revenue * 0.02)
        v["prepayments"] = d(costs * 0.03)
        v["other_receivables"] = d(revenue * 0.01)
        v["inventories"] = d(costs * p.dio / 365 * jitter())
        v["other_current_assets"] = d(revenue * 0.015)
        if p.lease_receivables_to_revenue:
            lease = d(revenue * p.lease_receivables_to_revenue * jitter())
            v["long_term_receivables"] = d(float(lease) * 0.65)
            v["non_current_assets_due_within_one_year"] = lease - v["long_term_receivables"]
        v["fixed_assets"] = fixed
        v["construction_in_progress"] = d(revenue * p.cip_to_revenue * jitter())
        v["right_of_use_assets"] = d(revenue * 0.01)
        v["intangible_assets"] = d(revenue * p.intangible_to_revenue * jitter())
        v["deferred_tax_assets"] = d(revenue * 0.004)
        non_cash_assets = sum(
            (
                v[k]
                for k in (
                    "accounts_receivable",
                    "notes_receivable",
                    "prepayments",
                    "other_receivables",
                    "inventories",
                    "other_current_assets",
                    "fixed_assets",
                    "construction_in_progress",
                    "right_of_use_assets",
                    "intangible_assets",
                    "deferred_tax_assets",
                    "long_term_receivables",
                    "non_current_assets_due_within_one_year",
                )
                if k in v
            ),
            Decimal(0),
        )
        v["accounts_payable"] = d(costs * p.dpo / 365 * jitter())
        v["notes_payable"] = d(costs * 0.03)
        v["contract_liabilities"] = d(revenue * 0.03)
        v["employee_benefits_payable"] = d(employees * 1.6)
        v["taxes_payable"] = d(float(v["income_tax_expense"]) * 0.3 + revenue * 0.002)
        v["other_payables"] = d(revenue * 0.012)
        v["lease_liabilities"] = d(revenue * 0.008)
        v["deferred_income"] = d(revenue * 0.004)
        other_liabilities = sum(
            (
                v[k]
                for k in (
                    "accounts_payable",
                    "notes_payable",
                    "contract_liabilities",
                    "employee_benefits_payable",
                    "taxes_payable",
                    "other_payables",
                    "lease_liabilities",
                    "deferred_income",
                )
            ),
            Decimal(0),
        )
        cash = d(revenue * p.cash_to_revenue * jitter())
        total_assets = non_cash_assets + cash
        target = Decimal(repr(p.liabilities_to_assets))
        dividends = d(float(net_profit) * 0.2) if net_profit > 0 and spec.ownership != "private" else Decimal(0)
        to_surplus = d(float(net_profit) * 0.1) if net_profit > 0 else Decimal(0)
        if previous is None:
            equity = d(float(total_assets * (1 - target)))
            paid_in = d(float(equity) * 0.4)
            capital_reserve = d(float(equity) * 0.4)
            surplus = d(float(equity) * 0.05)
            retained = equity - paid_in - capital_reserve - surplus
        else:
            surplus = previous.surplus + to_surplus
            retained = previous.retained + net_profit - dividends - to_surplus
        equity = paid_in + capital_reserve + surplus + retained
        ceiling = min(target + Decimal("0.12"), Decimal("0.9"))
        if equity < total_assets * (1 - ceiling) and h > -1:
            # growth (or losses) outran the owners' equity: they inject capital, as such firms do
            capital_reserve += total_assets * (1 - target - Decimal("0.05")) - equity
            capital_reserve = capital_reserve.quantize(CENT)
            equity = paid_in + capital_reserve + surplus + retained
        v["paid_in_capital"] = paid_in
        v["capital_reserve"] = capital_reserve
        v["surplus_reserve"] = surplus
        v["retained_earnings"] = retained
        total_debt = total_assets - equity - other_liabilities
        if total_debt < 0:
            cash -= total_debt  # more equity than assets need: it sits in the bank
            total_debt = Decimal(0)
        # Capital-heavy firms borrow on amortising project loans (a slice falls due each year); lessors fund
        # their lease book with term loans and bonds; the others roll over short-term bank loans, with a few
        # two- to three-year term loans falling due.
        if p.fixed_to_revenue > 1:
            long_share, current_share = Decimal("0.80"), Decimal("0.11")
        elif spec.segment is ChainSegment.EQUIPMENT_LEASING:
            long_share, current_share = Decimal("0.35"), Decimal("0.14")
        else:
            long_share, current_share = Decimal("0.15"), Decimal("0.14")
        v["long_term_borrowings"] = (total_debt * long_share).quantize(CENT)
        v["non_current_liabilities_due_within_one_year"] = (total_debt * current_share).quantize(CENT)
        if spec.segment is ChainSegment.EQUIPMENT_LEASING:
            v["bonds_payable"] = (total_debt * Decimal("0.2")).quantize(CENT)
            v["long_term_borrowings"] -= v["bonds_payable"]
        v["short_term_borrowings"] = (
            total_debt
            - v["long_term_borrowings"]
            - v["non_current_liabilities_due_within_one_year"]
            - v.get("bonds_payable", Decimal(0))
        )
        v["cash"] = cash
        for code in ("asset_impairment_losses",):
            if v[code] == 0:
                del v[code]

        # Cash flow: operating and investing from the income statement and balance-sheet moves;
        # financing takes the rest, so the net change equals the change in cash.
        depreciation = d(float(fixed) * 0.14 + float(v["right_of_use_assets"]) * 0.3)
        v["depreciation_and_amortisation"] = depreciation
        if previous is not None:
            delta_wc = (
                (receivables - previous.receivables)
                + (v["inventories"] - previous.inventories)
                - (v["accounts_payable"] - previous.payables)
            )
            operating = net_profit + depreciation - delta_wc
            capex = max(
                fixed - previous.fixed + depreciation + v["construction_in_progress"] * Decimal("0.3"), Decimal(0)
            )
            capex = capex.quantize(CENT)
            v["cash_received_from_sales"] = d(revenue * 1.08) - (receivables - previous.receivables)
            v["tax_refunds_received"] = d(revenue * 0.004)
            v["other_operating_cash_received"] = d(revenue * 0.01)
            v["cash_paid_to_employees"] = d(employees * 19.5)
            v["taxes_paid"] = d(revenue * 0.025) + v["income_tax_expense"]
            v["other_operating_cash_paid"] = d(revenue * 0.03)
            paid_for_goods = (
                v["cash_received_from_sales"]
                + v["tax_refunds_received"]
                + v["other_operating_cash_received"]
                - v["cash_paid_to_employees"]
                - v["taxes_paid"]
                - v["other_operating_cash_paid"]
                - operating
            )
            if paid_for_goods < 0:  # tiny firms: book the difference as other operating receipts
                v["other_operating_cash_received"] -= paid_for_goods
                paid_for_goods = Decimal(0)
            v["cash_paid_for_goods"] = paid_for_goods
            v["long_term_asset_disposal_proceeds"] = d(revenue * 0.001)
            v["investment_income_received"] = max(v["investment_income"], Decimal(0))
            v["purchase_of_long_term_assets"] = capex
            v["cash_paid_for_investments"] = d(revenue * 0.004)
            investing = (
                v["long_term_asset_disposal_proceeds"]
                + v["investment_income_received"]
                - v["purchase_of_long_term_assets"]
                - v["cash_paid_for_investments"]
            )
            financing = (cash - previous.cash) - operating - investing
            v["dividends_and_interest_paid"] = dividends + v["interest_expense"]
            v["other_financing_cash_paid"] = d(revenue * 0.003)
            rollover = d(float(previous.debt) * 0.5)
            net_new = financing + v["dividends_and_interest_paid"] + v["other_financing_cash_paid"]
            v["cash_from_borrowings"] = rollover + max(net_new, Decimal(0))
            v["repayment_of_borrowings"] = rollover + max(-net_new, Decimal(0))
            v["cash_at_beginning"] = previous.cash
            v["cash_at_end"] = cash
        years.append(v)
        previous = Year(
            v,
            cash,
            v["retained_earnings"],
            v["surplus_reserve"],
            total_debt,
            fixed,
            receivables,
            v["inventories"],
            v["accounts_payable"],
        )
    return years[1:], employees


def make_uscc(province: Province, rng: random.Random) -> str:
    body = "91" + DIVISION[province] + "MA" + "".join(rng.choice(uscc.ALPHABET) for _ in range(7))
    return uscc.complete(body)


def main(out: Path = OUT) -> None:
    rng = random.Random(SEED)
    borrowers: list[Borrower] = []
    statements: list[FinancialStatement] = []
    keys: dict[str, Borrower] = {}
    for spec, (brand_zh, brand_en) in zip(SPECS, BRANDS, strict=True):
        years, employees = generate(spec, rng)
        code = make_uscc(spec.province, rng)
        suffix_zh, suffix_en = SUFFIX[spec.segment]
        if spec.ownership != "listed":
            suffix_zh = suffix_zh.replace("股份有限公司", "有限公司")
        latest = years[-1]
        total_assets_wan = sum((value for key, value in latest.items() if key in _ASSET_INPUTS), Decimal(0))
        patents = (
            0 if not spec.high_tech else rng.randint(12, 60) if spec.revenue_wan > 5000 else rng.randint(5, 15)
        )
        borrower = Borrower(
            uscc=code,
            name_zh=f"{spec.province.zh}{brand_zh}{suffix_zh}",
            name_en=f"{spec.province.en} {brand_en} {suffix_en}",
            segment=spec.segment,
            province=spec.province,
            hub=hub_of(spec.province),
            group_name=spec.group,
            ownership=spec.ownership,
            ticker=spec.ticker,
            established=f"{rng.randint(2008, 2021)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            employees=employees,
            revenue=latest["operating_revenue"] * WAN,
            total_assets=total_assets_wan * WAN,
            credentials={
                "high_tech_enterprise": spec.high_tech,
                "specialised_level": spec.specialised,
                "patents": patents,
                "invention_patents": patents // 3,
                "rd_spend": latest["rd_expenses"] * WAN,
                "rd_staff": round(employees * (0.35 if spec.segment in _RD_HEAVY else 0.08)),
            },
        )
        borrowers.append(borrower)
        keys[spec.key] = borrower
        for year, values in zip(YEARS, years, strict=True):
            statements.append(
                FinancialStatement(
                    borrower_uscc=code,
                    fiscal_year=year,
                    unit="万元",
                    audited=spec.audited,
                    auditor="示例会计师事务所（特殊普通合伙）" if spec.audited else None,
                    consolidated=spec.revenue_wan > 20000,
                    values=values,
                )
            )
    out.mkdir(parents=True, exist_ok=True)
    columns = (*borrower_service.COLUMNS, borrower_service.BRANCH)
    spreadsheets.write_rows(
        out / "borrowers.csv",
        columns,
        [
            {**borrower_service.borrower_to_row(b), borrower_service.BRANCH: BRANCH_OF[b.province]}
            for b in borrowers
        ],
        labels=[borrower_service.LABELS[c] for c in columns],
    )
    statement_service.write_csv(out / "statements.csv", statements)
    write_bank(keys, out)
    write_facilities(keys, borrowers, rng, out)
    print(f"wrote {len(borrowers)} borrowers, {len(statements)} statements to {out}")


_ASSET_INPUTS = {
    "cash",
    "accounts_receivable",
    "notes_receivable",
    "prepayments",
    "other_receivables",
    "inventories",
    "other_current_assets",
    "fixed_assets",
    "construction_in_progress",
    "right_of_use_assets",
    "intangible_assets",
    "deferred_tax_assets",
    "long_term_receivables",
    "non_current_assets_due_within_one_year",
}
_RD_HEAVY = {ChainSegment.CHIP_DESIGN, ChainSegment.AI_SOFTWARE_SERVICES}


def write_bank(keys: dict[str, Borrower], out: Path) -> None:
    manifest = {
        "source": "fictional; generated by scripts/make_demo_bank.py",
        "bank": {
            "name_zh": "朔方银行股份有限公司（虚构）",
            "name_en": "Shuofang Bank Co., Ltd. (fictional)",
            "as_of": AS_OF,
            # A regional bank with a loan book under 1000亿 (REFERENCE.md §1): CAR ≈ 13%, tier-1 ≈ 11%.
            "net_capital": "108.6亿",
            "tier1_net_capital": "91.2亿",
            "loan_book": "824.5亿",
            "hurdle_rate": "0.11",
        },
        "branches": list(BRANCHES),
        "users": [
            {
                "username": "analyst",
                "display_name": "李晓雯 (信贷分析师 Analyst)",
                "role": "analyst",
                "branch_code": "BJ",
            },
            {
                "username": "branch_analyst",
                "display_name": "张浩然 (信贷分析师 Analyst)",
                "role": "analyst",
                "branch_code": "SZ",
            },
            {
                "username": "branch_approver",
                "display_name": "刘倩 (分行审批人 Branch approver)",
                "role": "approver",
                "branch_code": "BJ",
            },
            {
                "username": "approver",
                "display_name": "王建国 (审批人 Approver)",
                "role": "approver",
                "branch_code": "HO",
            },
            {
                "username": "risk",
                "display_name": "陈思远 (风险经理 Risk manager)",
                "role": "risk_manager",
                "branch_code": "HO",
            },
            {"username": "admin", "display_name": "系统管理员 Admin", "role": "admin", "branch_code": "HO"},
        ],
        "projects": {
            "ningxia_phase1": {
                "borrower_uscc": keys["ningxia_dc"].uscc,
                "name": "贺兰智算中心一期 Helan AI computing centre, phase 1",
                "hub": "ningxia",
                "province": "ningxia",
            },
            "inner_mongolia_merchant": {
                "borrower_uscc": keys["dc_helinger"].uscc,
                "name": "和林格尔智算中心（市场化运营） Horinger merchant compute centre",
                "hub": "inner_mongolia",
                "province": "inner_mongolia",
            },
            "yangtze_h20_offtake": {
                "borrower_uscc": keys["dc_wuhu"].uscc,
                "name": "芜湖智算集群 Wuhu compute cluster (offtake)",
                "hub": "yangtze_delta",
                "province": "anhui",
            },
        },
    }
    _yaml_dump(out / "bank.yaml", manifest)


def write_facilities(keys: dict[str, Borrower], borrowers: list[Borrower], rng: random.Random, out: Path) -> None:
    k = {name: b.uscc for name, b in keys.items()}
    deals = [
        # REFERENCE §1: a 5亿 two-year line to a server maker that began with a 5000万 working-capital loan.
        {
            "reference": "CL-2025-001",
            "borrower_uscc": k["server_maker"],
            "product": "credit_line",
            "amount": "5亿",
            "tenor_months": 24,
            "start_date": "2025-02-10",
            "rate": {"base": "lpr_1y", "spread_bp": 35},
            "repayment": "revolving",
            "status": "active",
            "purpose": "综合授信（鲲鹏生态服务器生产）; line raised from 1亿 (2022) to 5亿",
            "covenants": [
                {"metric": "debt_to_assets", "operator": "<=", "threshold": "0.75"},
                {"metric": "current_ratio", "operator": ">=", "threshold": "1.1"},
            ],
        },
        {
            "reference": "WC-2025-001",
            "borrower_uscc": k["server_maker"],
            "product": "working_capital_loan",
            "amount": "5000万",
            "tenor_months": 12,
            "start_date": "2025-02-18",
            "parent_reference": "CL-2025-001",
            "rate": {"base": "lpr_1y", "spread_bp": 35},
            "repayment": "bullet",
            "status": "active",
            "purpose": "首笔流动资金贷款：采购服务器主板与GPU模组",
        },
        # REFERENCE §1: a 2.8亿 project loan for a Ningxia 智算中心 phase 1.
        {
            "reference": "PL-2025-NX-001",
            "borrower_uscc": k["ningxia_dc"],
            "product": "fixed_asset_project_loan",
            "amount": "2.8亿",
            "tenor_months": 96,
            "start_date": "2025-03-01",
            "rate": {"base": "lpr_5y", "spread_bp": 20},
            "repayment": "scheduled",
            "status": "active",
            "green": True,
            "green_category": "data_centre_energy_efficiency",
            "purpose": "贺兰智算中心一期（PUE ≤ 1.2）建设及GPU服务器采购",
            "project_code": "ningxia_phase1",
            "collateral": [
                {
                    "type": "gpu_servers",
                    "description": "一期 AI 服务器（8卡）抵押",
                    "value": "3.1亿",
                    "valuation_date": "2025-02-20",
                    "details": {"accelerator": "Ascend 910B", "servers": 256, "cards": 2048},
                },
                {
                    "type": "receivables",
                    "description": "算力服务合同项下应收账款质押",
                    "value": "1.2亿",
                    "valuation_date": "2025-02-20",
                    "details": {"contracts": 3, "tenor_years": 3},
                },
            ],
            "guarantors": [{"name": "贺兰数科集团有限公司", "kind": "corporate"}],
            "covenants": [
                {"metric": "dscr", "operator": ">=", "threshold": "1.2"},
                {"metric": "utilisation", "operator": ">=", "threshold": "0.5", "frequency": "quarterly"},
                {"metric": "debt_to_assets", "operator": "<=", "threshold": "0.7"},
            ],
        },
        # REFERENCE §1 / §2: a 1.5–2亿 share-buyback loan; ≤ 90% of the buyback, rate ≤ 2.25%, tenor ≤ 3 years.
        {
            "reference": "SB-2025-001",
            "borrower_uscc": k["listed_chip"],
            "product": "share_buyback_loan",
            "amount": "1.8亿",
            "tenor_months": 36,
            "start_date": "2025-01-20",
            "rate": {"base": "lpr_1y", "spread_bp": -75},
            "repayment": "bullet",
            "status": "active",
            "purpose": "股票回购专项贷款：回购计划2亿元，贷款占90%",
            "structuring": {"buyback_amount": "2亿"},
            "collateral": [
                {
                    "type": "equity_pledge",
                    "description": "控股股东所持公司股份质押",
                    "value": "3.6亿",
                    "valuation_date": "2025-01-15",
                    "details": {"shares": 12000000},
                }
            ],
        },
        # REFERENCE §1: a 10亿+ advance-payment guarantee for a regional compute platform (issued electronically).
        {
            "reference": "APG-2025-001",
            "borrower_uscc": k["platform_builder"],
            "product": "advance_payment_guarantee",
            "amount": "10.2亿",
            "tenor_months": 18,
            "start_date": "2025-02-25",
            "rate": {"base": "fixed", "spread_bp": 40},
            "repayment": "bullet",
            "status": "active",
            "beneficiary": "京畿区域人工智能算力平台建设单位（虚构）",
            "purpose": "区域AI算力平台建设项目预付款保函（电子保函）",
            "collateral": [{"type": "deposit", "description": "10% 保证金", "value": "1.02亿"}],
        },
        # REFERENCE §1: a 1亿 innovation loan to a listed compute supplier.
        {
            "reference": "WC-2025-002",
            "borrower_uscc": k["listed_supplier"],
            "product": "working_capital_loan",
            "amount": "1亿",
            "tenor_months": 12,
            "start_date": "2025-02-12",
            "rate": {"base": "lpr_1y", "spread_bp": 25},
            "repayment": "bullet",
            "status": "active",
            "purpose": "科技创新贷款：为大模型客户扩容算力服务",
        },
        # A small tech SME with thin financials: 科技易贷 with a government guarantee fund behind it.
        {
            "reference": "WC-2025-SME-001",
            "borrower_uscc": k["thin_sme"],
            "product": "working_capital_loan",
            "amount": "300万",
            "tenor_months": 12,
            "start_date": "2025-04-01",
            "rate": {"base": "lpr_1y", "spread_bp": 90},
            "repayment": "equal_principal",
            "status": "active",
            "purpose": "科技易贷：知识产权+政府风险补偿",
            "guarantors": [
                {"name": "贵州省中小企业融资担保基金（示例）", "kind": "government_fund", "amount": "240万"},
                {"name": "创始人 张某", "kind": "individual"},
            ],
        },
        # REFERENCE §1 later cases: a 5560万 fixed-asset loan for a green compute base in Qinghai.
        {
            "reference": "FA-2025-QH-001",
            "borrower_uscc": k["qinghai_green"],
            "product": "fixed_asset_project_loan",
            "amount": "5560万",
            "tenor_months": 84,
            "start_date": "2025-05-10",
            "rate": {"base": "lpr_5y", "spread_bp": 10},
            "repayment": "equal_principal",
            "status": "active",
            "green": True,
            "green_category": "green_power_data_centre",
            "purpose": "绿色算力基地（绿电直供）",
            "collateral": [
                {
                    "type": "property",
                    "description": "机房土地及房产抵押",
                    "value": "8200万",
                    "valuation_date": "2025-04-20",
                }
            ],
        },
        # Finance lease of GPU servers, and a performance guarantee for a server delivery.
        {
            "reference": "FL-2025-001",
            "borrower_uscc": k["leasing_lessee"],
            "product": "finance_lease",
            "amount": "1.2亿",
            "tenor_months": 60,
            "start_date": "2025-06-15",
            "rate": {"base": "lpr_5y", "spread_bp": 120},
            "repayment": "equal_instalment",
            "status": "active",
            "purpose": "GPU服务器售后回租",
            "collateral": [
                {
                    "type": "gpu_servers",
                    "description": "租赁物：AI 服务器 96 台",
                    "value": "1.45亿",
                    "details": {"accelerator": "H20", "servers": 96, "cards": 768},
                }
            ],
            "guarantors": [{"name": "岚峰控股集团有限公司", "kind": "corporate"}],
        },
        {
            "reference": "PG-2025-001",
            "borrower_uscc": k["server_suzhou"],
            "product": "performance_guarantee",
            "amount": "3000万",
            "tenor_months": 12,
            "start_date": "2025-07-01",
            "rate": {"base": "fixed", "spread_bp": 80},
            "repayment": "bullet",
            "status": "active",
            "beneficiary": "西部某智算中心业主（虚构）",
            "purpose": "AI 服务器供货合同履约保函",
        },
        # The troubled one: a compute-service offtake terminated without orders (cf. REFERENCE §1, 2025-09).
        {
            "reference": "WC-2024-009",
            "borrower_uscc": k["troubled_leasing"],
            "product": "working_capital_loan",
            "amount": "8000万",
            "tenor_months": 24,
            "start_date": "2024-11-01",
            "rate": {"base": "lpr_1y", "spread_bp": 110},
            "repayment": "bullet",
            "status": "active",
            "purpose": "算力服务合同履约备货",
            "collateral": [
                {"type": "receivables", "description": "五年期算力服务合同应收账款（已终止）", "value": "1.1亿"}
            ],
        },
    ]
    used = {deal["borrower_uscc"] for deal in deals}
    number = 100
    for borrower in borrowers:
        if borrower.uscc in used:
            continue
        number += 1
        revenue_wan = borrower.revenue / WAN
        size = max(Decimal(200), (revenue_wan * Decimal(rng.uniform(0.04, 0.10))).quantize(Decimal(100)))
        capital_heavy = borrower.segment in (ChainSegment.DATACENTER_OPERATOR, ChainSegment.CHIP_MANUFACTURING)
        product = "fixed_asset_project_loan" if capital_heavy else "working_capital_loan"
        deal = {
            "reference": f"{'FA' if capital_heavy else 'WC'}-2025-{number}",
            "borrower_uscc": borrower.uscc,
            "product": product,
            "amount": f"{size}万",
            "tenor_months": 60 if capital_heavy else 12,
            "start_date": f"2025-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
            "rate": {
                "base": "lpr_5y" if capital_heavy else "lpr_1y",
                "spread_bp": rng.choice([10, 20, 35, 50, 80]),
            },
            "repayment": "equal_principal" if capital_heavy else "bullet",
            "status": "active",
            "purpose": "设备购置" if capital_heavy else "日常经营周转",
        }
        deals.append(deal)
    _yaml_dump(
        out / "facilities.yaml",
        {"source": "fictional; generated by scripts/make_demo_bank.py", "facilities": deals},
    )
    write_exposures(deals, out)


def write_exposures(deals: list[dict], out: Path) -> None:
    from computecredit.money import parse_amount

    children: dict[str, Decimal] = {}
    for deal in deals:
        if deal.get("parent_reference"):
            children[deal["parent_reference"]] = children.get(deal["parent_reference"], Decimal(0)) + parse_amount(
                deal["amount"]
            )
    rows = []
    for deal in deals:
        amount = parse_amount(deal["amount"])
        row = {
            "facility_reference": deal["reference"],
            "as_of": AS_OF,
            "classification": "normal",
            "days_past_due": 0,
            "ecl_stage": 1,
        }
        if deal["product"] == "credit_line":
            row.update(drawn=Decimal(0), undrawn=amount - children.get(deal["reference"], Decimal(0)))
        elif deal["product"] == "fixed_asset_project_loan" and deal["reference"].startswith("PL"):
            row.update(drawn=amount * Decimal("0.75"), undrawn=amount * Decimal("0.25"))  # phase-1 draws so far
        elif deal["repayment"] in ("equal_principal", "equal_instalment"):
            row.update(drawn=_amortised(amount, deal["start_date"], deal["tenor_months"]), undrawn=Decimal(0))
        else:
            row.update(drawn=amount, undrawn=Decimal(0))  # guarantees: the issued amount outstanding
        if deal["reference"] == "WC-2025-SME-001":
            row.update(classification="special_mention", days_past_due=35, ecl_stage=2)
        if deal["reference"] == "WC-2024-009":
            row.update(classification="substandard", days_past_due=96, ecl_stage=3)
        rows.append(row)
    columns = ["facility_reference", "as_of", "drawn", "undrawn", "classification", "days_past_due", "ecl_stage"]
    spreadsheets.write_rows(out / "exposures.csv", columns, rows)


def _amortised(amount: Decimal, start: str, tenor_months: int) -> Decimal:
    """Principal left at AS_OF after monthly principal repayments (a straight line, to the fen)."""
    start_year, start_month = int(start[:4]), int(start[5:7])
    end_year, end_month = int(AS_OF[:4]), int(AS_OF[5:7])
    elapsed = (end_year - start_year) * 12 + end_month - start_month
    left = max(tenor_months - elapsed, 0)
    return (amount * left / tenor_months).quantize(CENT)


def _yaml_dump(path: Path, document: dict) -> None:
    header = "# Generated by scripts/make_demo_bank.py — fictional data; edit the script, not this file.\n"
    path.write_text(
        header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8"
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write (default: examples/demo_bank)")
    main(parser.parse_args().out)
