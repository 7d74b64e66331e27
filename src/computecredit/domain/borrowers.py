"""Borrower (借款人): identity, place in the compute chain, location, ownership, size and technology.

>>> b = Borrower(
...     uscc="91640100MA7X00001X", name_zh="宁夏示例算力有限公司", name_en="Ningxia Example Compute Co.",
...     segment="datacenter_operator", province="ningxia", hub="宁夏", ownership="private",
...     employees=180, revenue=Decimal("120000000"), total_assets=Decimal("900000000"))
>>> b.hub.zh, b.sme_industry.value, b.size_class.value
('宁夏', 'information_transmission', 'medium')
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator

from computecredit.domain.amounts import Amount
from computecredit.domain.labels import LabelledEnum, lenient
from computecredit.domain.sme import SizeClass, SmeIndustry, size_class
from computecredit.domain.uscc import Uscc
from computecredit.domain.validation import rule_error


class ChainSegment(LabelledEnum):
    """Where the borrower sits in the AI-compute industry chain."""

    CHIP_DESIGN = "chip_design", "芯片设计", "Chip design"
    CHIP_MANUFACTURING = "chip_manufacturing", "芯片制造与封测", "Chip manufacturing"
    SERVERS_HARDWARE = "servers_hardware", "服务器与硬件", "Servers and hardware"
    DATACENTER_OPERATOR = "datacenter_operator", "数据中心/智算中心运营", "Data-centre / 智算中心 operator"
    COMPUTE_LEASING_CLOUD = "compute_leasing_cloud", "算力租赁与云服务", "Compute leasing and cloud"
    EQUIPMENT_LEASING = "equipment_leasing", "设备融资租赁", "Equipment leasing"
    AI_SOFTWARE_SERVICES = "ai_software_services", "AI软件与服务", "AI software and services"


# The 300号 industry each segment belongs to (GB/T 4754-2017: 6520 IC design and 65xx software are
# 软件和信息技术服务业; 64xx internet data services incl. data centres and cloud are 信息传输业).
SEGMENT_SME_INDUSTRY: dict[ChainSegment, SmeIndustry] = {
    ChainSegment.CHIP_DESIGN: SmeIndustry.SOFTWARE_IT,
    ChainSegment.CHIP_MANUFACTURING: SmeIndustry.INDUSTRIAL,
    ChainSegment.SERVERS_HARDWARE: SmeIndustry.INDUSTRIAL,
    ChainSegment.DATACENTER_OPERATOR: SmeIndustry.INFORMATION_TRANSMISSION,
    ChainSegment.COMPUTE_LEASING_CLOUD: SmeIndustry.INFORMATION_TRANSMISSION,
    ChainSegment.EQUIPMENT_LEASING: SmeIndustry.LEASING_BUSINESS,
    ChainSegment.AI_SOFTWARE_SERVICES: SmeIndustry.SOFTWARE_IT,
}


class Province(LabelledEnum):
    """Provincial-level divisions; ``code`` is the GB/T 2260 two-digit prefix (USCC characters 3–4)."""

    BEIJING = "beijing", "北京", "Beijing"
    TIANJIN = "tianjin", "天津", "Tianjin"
    HEBEI = "hebei", "河北", "Hebei"
    SHANXI = "shanxi", "山西", "Shanxi"
    INNER_MONGOLIA = "inner_mongolia", "内蒙古", "Inner Mongolia"
    LIAONING = "liaoning", "辽宁", "Liaoning"
    JILIN = "jilin", "吉林", "Jilin"
    HEILONGJIANG = "heilongjiang", "黑龙江", "Heilongjiang"
    SHANGHAI = "shanghai", "上海", "Shanghai"
    JIANGSU = "jiangsu", "江苏", "Jiangsu"
    ZHEJIANG = "zhejiang", "浙江", "Zhejiang"
    ANHUI = "anhui", "安徽", "Anhui"
    FUJIAN = "fujian", "福建", "Fujian"
    JIANGXI = "jiangxi", "江西", "Jiangxi"
    SHANDONG = "shandong", "山东", "Shandong"
    HENAN = "henan", "河南", "Henan"
    HUBEI = "hubei", "湖北", "Hubei"
    HUNAN = "hunan", "湖南", "Hunan"
    GUANGDONG = "guangdong", "广东", "Guangdong"
    GUANGXI = "guangxi", "广西", "Guangxi"
    HAINAN = "hainan", "海南", "Hainan"
    CHONGQING = "chongqing", "重庆", "Chongqing"
    SICHUAN = "sichuan", "四川", "Sichuan"
    GUIZHOU = "guizhou", "贵州", "Guizhou"
    YUNNAN = "yunnan", "云南", "Yunnan"
    TIBET = "tibet", "西藏", "Tibet"
    SHAANXI = "shaanxi", "陕西", "Shaanxi"
    GANSU = "gansu", "甘肃", "Gansu"
    QINGHAI = "qinghai", "青海", "Qinghai"
    NINGXIA = "ningxia", "宁夏", "Ningxia"
    XINJIANG = "xinjiang", "新疆", "Xinjiang"
    HONG_KONG = "hong_kong", "香港", "Hong Kong"
    MACAO = "macao", "澳门", "Macao"

    @property
    def code(self) -> str:
        return PROVINCE_CODES[self]


PROVINCE_CODES: dict[Province, str] = dict(
    zip(
        Province,
        [
            "11",
            "12",
            "13",
            "14",
            "15",
            "21",
            "22",
            "23",
            "31",
            "32",
            "33",
            "34",
            "35",
            "36",
            "37",
            "41",
            "42",
            "43",
            "44",
            "45",
            "46",
            "50",
            "51",
            "52",
            "53",
            "54",
            "61",
            "62",
            "63",
            "64",
            "65",
            "81",
            "82",
        ],
        strict=True,
    )
)


class Hub(LabelledEnum):
    """The eight national compute hubs of 东数西算 (NDRC et al., 2022-02)."""

    BEIJING_TIANJIN_HEBEI = "beijing_tianjin_hebei", "京津冀", "Beijing-Tianjin-Hebei"
    YANGTZE_DELTA = "yangtze_delta", "长三角", "Yangtze River Delta"
    GREATER_BAY_AREA = "greater_bay_area", "粤港澳大湾区", "Guangdong-Hong Kong-Macao Greater Bay Area"
    CHENGDU_CHONGQING = "chengdu_chongqing", "成渝", "Chengdu-Chongqing"
    INNER_MONGOLIA = "inner_mongolia", "内蒙古", "Inner Mongolia"
    GUIZHOU = "guizhou", "贵州", "Guizhou"
    GANSU = "gansu", "甘肃", "Gansu"
    NINGXIA = "ningxia", "宁夏", "Ningxia"

    @property
    def provinces(self) -> frozenset[Province]:
        return HUB_PROVINCES[self]


HUB_PROVINCES: dict[Hub, frozenset[Province]] = {
    Hub.BEIJING_TIANJIN_HEBEI: frozenset({Province.BEIJING, Province.TIANJIN, Province.HEBEI}),
    Hub.YANGTZE_DELTA: frozenset({Province.SHANGHAI, Province.JIANGSU, Province.ZHEJIANG, Province.ANHUI}),
    Hub.GREATER_BAY_AREA: frozenset({Province.GUANGDONG, Province.HONG_KONG, Province.MACAO}),
    Hub.CHENGDU_CHONGQING: frozenset({Province.SICHUAN, Province.CHONGQING}),
    Hub.INNER_MONGOLIA: frozenset({Province.INNER_MONGOLIA}),
    Hub.GUIZHOU: frozenset({Province.GUIZHOU}),
    Hub.GANSU: frozenset({Province.GANSU}),
    Hub.NINGXIA: frozenset({Province.NINGXIA}),
}


def hub_of(province: Province) -> Hub | None:
    """The hub whose region contains ``province`` (``None`` outside the eight hubs).

    >>> hub_of(Province.SICHUAN).zh, hub_of(Province.QINGHAI)
    ('成渝', None)
    """
    return next((hub for hub, members in HUB_PROVINCES.items() if province in members), None)


class Ownership(LabelledEnum):
    STATE = "state", "国有", "State-owned"
    PRIVATE = "private", "民营", "Private"
    LISTED = "listed", "上市公司", "Listed"


class SpecialisedLevel(LabelledEnum):
    """专精特新 designation: none, provincial SME, or the national 'little giant' (小巨人)."""

    NONE = "none", "无", "None"
    PROVINCIAL = "provincial", "省级专精特新中小企业", "Provincial specialised SME"
    NATIONAL_LITTLE_GIANT = "national_little_giant", "国家级专精特新'小巨人'", "National 'little giant'"


# A-shares (SH/SZ/BJ, six digits), Hong Kong (four or five digits), US listings (letters).
TICKER = re.compile(r"^(\d{6}\.(SH|SZ|BJ)|\d{4,5}\.HK|[A-Z]{1,5}\.(US|O|N))$")
EXCHANGES: dict[str, tuple[str, str, str]] = {
    "SH": ("SSE", "上海证券交易所", "Shanghai Stock Exchange"),
    "SZ": ("SZSE", "深圳证券交易所", "Shenzhen Stock Exchange"),
    "BJ": ("BSE", "北京证券交易所", "Beijing Stock Exchange"),
    "HK": ("HKEX", "香港交易所", "Hong Kong Exchanges and Clearing"),
    "US": ("US", "美国", "United States"),
    "O": ("NASDAQ", "纳斯达克", "Nasdaq"),
    "N": ("NYSE", "纽约证券交易所", "New York Stock Exchange"),
}
_SUFFIX_OF_EXCHANGE = {"SSE": "SH", "SZSE": "SZ", "BSE": "BJ", "HKEX": "HK", "SEHK": "HK"}


def normal_ticker(text: str) -> str:
    """A stock code as written in many ways, in the form ``688256.SH``: a bare A-share code gets its
    exchange from its first digits (6 → SSE, 0/3 → SZSE, 4/8/92 → BSE), prefixes like ``SH688256`` or
    ``SSE:688256`` and a bare ``HK`` code of 1–5 digits are rewritten; anything else is returned as given
    (upper case) for the format check.

    >>> normal_ticker("688256"), normal_ticker("sz000977"), normal_ticker("SSE:603019"), normal_ticker("700.hk")
    ('688256.SH', '000977.SZ', '603019.SH', '0700.HK')
    >>> normal_ticker("830799"), normal_ticker("HKEX:981")
    ('830799.BJ', '0981.HK')
    """
    code = re.sub(r"\s+", "", text).upper()
    prefixed = re.fullmatch(r"(SH|SZ|BJ|HK|SSE|SZSE|BSE|HKEX|SEHK)[:.]?(\d{1,6})", code)
    if prefixed:
        suffix = _SUFFIX_OF_EXCHANGE.get(prefixed.group(1), prefixed.group(1))
        code = f"{prefixed.group(2)}.{suffix}"
    if re.fullmatch(r"\d{6}", code):
        suffix = "SH" if code[0] == "6" else "SZ" if code[0] in "03" else "BJ" if code[0] in "489" else ""
        return f"{code}.{suffix}" if suffix else code
    hong_kong = re.fullmatch(r"(\d{1,5})\.HK", code)
    if hong_kong:
        return f"{int(hong_kong.group(1)):04d}.HK"
    return code


class TechCredentials(BaseModel):
    """Technology credentials: what banks' 科技金融 scorecards look at when the financials are thin."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    high_tech_enterprise: bool = Field(False, description="高新技术企业 certificate held")
    specialised_level: Annotated[SpecialisedLevel, lenient(SpecialisedLevel)] = SpecialisedLevel.NONE
    invention_patents: int = Field(0, ge=0, description="发明专利 granted")
    patents: int = Field(0, ge=0, description="all granted patents, invention patents included")
    rd_spend: Amount = Field(Decimal(0), ge=0, description="R&D spend of the last year, 元")
    rd_staff: int = Field(0, ge=0, description="R&D staff headcount")

    @model_validator(mode="after")
    def _invention_within_total(self) -> Self:
        if self.invention_patents > self.patents:
            raise rule_error(
                [("invention_patents", self.invention_patents, f"cannot exceed patents ({self.patents})")]
            )
        return self


class Borrower(BaseModel):
    """A compute-chain borrower. Amounts in 元; ``revenue`` and ``total_assets`` are of the last fiscal year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    uscc: Uscc = Field(description="统一社会信用代码 (GB 32100-2015)")
    name_zh: str = Field(min_length=2, max_length=200)
    name_en: str = Field(min_length=2, max_length=200)
    segment: Annotated[ChainSegment, lenient(ChainSegment)]
    province: Annotated[Province, lenient(Province)]
    hub: Annotated[Hub | None, lenient(Hub)] = None
    group_name: str | None = Field(None, max_length=200, description="集团客户: the group the borrower belongs to")
    ownership: Annotated[Ownership, lenient(Ownership)]
    ticker: str | None = Field(None, description="stock code, e.g. 688256.SH (SSE), 000977.SZ, 830799.BJ, 0700.HK")
    established: date | None = None
    employees: int | None = Field(
        None, ge=1, description="从业人员; when unknown the size class follows revenue (assets for leasing)"
    )
    revenue: Amount = Field(ge=0, description="operating revenue of the last fiscal year, 元")
    total_assets: Amount = Field(gt=0, description="total assets at the last year end, 元")
    sme_industry_override: Annotated[SmeIndustry | None, lenient(SmeIndustry)] = Field(
        None, description="300号 industry when the segment's default does not fit"
    )
    credentials: TechCredentials = Field(default_factory=TechCredentials)

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: object) -> object:
        # A dumped borrower carries its computed fields; reading it back recomputes them.
        if isinstance(data, dict) and ("size_class" in data or "sme_industry" in data):
            return {k: v for k, v in data.items() if k not in ("size_class", "sme_industry")}
        return data

    @field_validator("name_zh", "name_en", "group_name", "ticker", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("ticker")
    @classmethod
    def _ticker_format(cls, value: str | None) -> str | None:
        if value is not None:
            value = normal_ticker(value)
        if value is not None and not TICKER.match(value):
            raise ValueError("ticker must look like 688256.SH, 000977.SZ, 830799.BJ, 0700.HK or NVDA.O")
        return value

    @model_validator(mode="after")
    def _consistency(self) -> Self:
        problems: list[tuple[str, object, str]] = []
        if self.ownership is Ownership.LISTED and self.ticker is None:
            problems.append(("ticker", None, "a listed borrower needs its ticker"))
        if self.ownership is not Ownership.LISTED and self.ticker is not None:
            problems.append(
                (
                    "ticker",
                    self.ticker,
                    f"only listed borrowers have a ticker; ownership is {self.ownership.value}",
                )
            )
        if self.employees is not None and self.credentials.rd_staff > self.employees:
            problems.append(
                ("credentials.rd_staff", self.credentials.rd_staff, f"cannot exceed employees ({self.employees})")
            )
        if problems:
            raise rule_error(problems)
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def sme_industry(self) -> SmeIndustry:
        """The 300号 industry used for the size class."""
        return self.sme_industry_override or SEGMENT_SME_INDUSTRY[self.segment]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def size_class(self) -> SizeClass:
        """MIIT size class (工信部联企业〔2011〕300号) from employees, revenue and total assets."""
        return size_class(
            self.sme_industry, employees=self.employees, revenue=self.revenue, total_assets=self.total_assets
        )

    @property
    def exchange(self) -> str | None:
        """The exchange of the listing (SSE, SZSE, BSE, HKEX, …), from the ticker's suffix.

        >>> Borrower.model_validate({**_EXAMPLE, "ownership": "listed", "ticker": "688256"}).exchange
        'SSE'
        """
        return EXCHANGES[self.ticker.rsplit(".", 1)[1]][0] if self.ticker else None

    @property
    def is_sme(self) -> bool:
        return self.size_class is not SizeClass.LARGE


_EXAMPLE = {  # for the doctests
    "uscc": "91640100MA7X00001X",
    "name_zh": "宁夏示例算力有限公司",
    "name_en": "Ningxia Example Compute Co.",
    "segment": "datacenter_operator",
    "province": "ningxia",
    "ownership": "private",
    "revenue": 120000000,
    "total_assets": 900000000,
}

__all__ = [
    "EXCHANGES",
    "HUB_PROVINCES",
    "PROVINCE_CODES",
    "SEGMENT_SME_INDUSTRY",
    "Borrower",
    "ChainSegment",
    "Hub",
    "Ownership",
    "Province",
    "SpecialisedLevel",
    "TechCredentials",
    "hub_of",
    "normal_ticker",
]
