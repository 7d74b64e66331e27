"""Facilities (授信/融资) and their terms: product, amount, tenor, rate, repayment, collateral, guarantors, covenants.

The interest rate is ``base + spread``: the 1- or 5-year Loan Prime Rate plus a spread in basis points, or a
fixed rate written entirely as the spread (``base="fixed"``). For guarantees the "rate" is the annual fee.

>>> f = Facility(reference="CL-2025-001", borrower_uscc="91640100MA7X00001X", product="credit_line",
...     amount="5亿", tenor_months=24, rate={"base": "lpr_1y", "spread_bp": 45}, repayment="revolving")
>>> f.amount, f.product.zh, f.rate.describe()
(Decimal('500000000'), '授信额度', 'LPR1Y + 45bp')
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from computecredit.domain.amounts import Amount
from computecredit.domain.labels import LabelledEnum, lenient
from computecredit.domain.uscc import Uscc
from computecredit.domain.validation import rule_error


class ProductType(LabelledEnum):
    CREDIT_LINE = "credit_line", "授信额度", "Credit line"
    WORKING_CAPITAL_LOAN = "working_capital_loan", "流动资金贷款", "Working-capital loan"
    FIXED_ASSET_PROJECT_LOAN = "fixed_asset_project_loan", "固定资产/项目贷款", "Fixed-asset / project loan"
    SHARE_BUYBACK_LOAN = "share_buyback_loan", "股票回购增持贷款", "Share-buyback loan"
    ADVANCE_PAYMENT_GUARANTEE = "advance_payment_guarantee", "预付款保函", "Advance-payment guarantee"
    PERFORMANCE_GUARANTEE = "performance_guarantee", "履约保函", "Performance guarantee"
    FINANCE_LEASE = "finance_lease", "融资租赁", "Finance lease"


GUARANTEES = frozenset({ProductType.ADVANCE_PAYMENT_GUARANTEE, ProductType.PERFORMANCE_GUARANTEE})


class RateBase(LabelledEnum):
    LPR_1Y = "lpr_1y", "一年期LPR", "LPR1Y"
    LPR_5Y = "lpr_5y", "五年期以上LPR", "LPR5Y"
    FIXED = "fixed", "固定利率", "Fixed"


class RepaymentType(LabelledEnum):
    BULLET = "bullet", "到期一次还本", "Bullet"
    EQUAL_INSTALMENT = "equal_instalment", "等额本息", "Equal instalments"
    EQUAL_PRINCIPAL = "equal_principal", "等额本金", "Equal principal"
    SCHEDULED = "scheduled", "按计划分期还款", "Custom schedule"
    REVOLVING = "revolving", "循环使用", "Revolving"


class CollateralType(LabelledEnum):
    GPU_SERVERS = "gpu_servers", "GPU服务器抵押", "GPU servers"
    PROPERTY = "property", "房地产抵押", "Property"
    RECEIVABLES = "receivables", "应收账款质押", "Receivables"
    EQUITY_PLEDGE = "equity_pledge", "股权质押", "Equity pledge"
    DEPOSIT = "deposit", "保证金/存单质押", "Cash deposit"
    IP_PLEDGE = "ip_pledge", "知识产权质押", "Intellectual-property pledge"


class IPKind(LabelledEnum):
    """What an intellectual-property pledge is valued as (``details["ip_kind"]`` of an ``ip_pledge`` item)."""

    INVENTION_PATENT = "invention_patent", "发明专利", "Invention patent"
    UTILITY_MODEL = "utility_model", "实用新型专利", "Utility-model patent"
    TRADEMARK = "trademark", "注册商标专用权", "Registered trademark"
    SOFTWARE_COPYRIGHT = "software_copyright", "计算机软件著作权", "Software copyright"


class GuarantorKind(LabelledEnum):
    CORPORATE = "corporate", "企业保证", "Corporate"
    INDIVIDUAL = "individual", "个人保证", "Individual"
    GUARANTEE_COMPANY = "guarantee_company", "融资担保公司", "Guarantee company"
    # The national 政府性融资担保 scheme (国办发〔2019〕6号): a government guarantee institution backed by
    # provincial re-guarantee and the 国家融资担保基金; the bank keeps a share of each loss (≥ 20%).
    GOVERNMENT_FUND = "government_fund", "政府性融资担保机构", "Government financing guarantee"
    # A fiscal pool (风险补偿资金池) that repays the bank a share of its loss on an eligible loan; not a guarantee.
    RISK_SHARING_FUND = "risk_sharing_fund", "风险补偿资金池", "Government risk-compensation fund"


class CovenantOperator(LabelledEnum):
    MAX = "<=", "不高于", "at most"
    MIN = ">=", "不低于", "at least"


class FacilityStatus(LabelledEnum):
    PROPOSED = "proposed", "拟授信", "Proposed"
    APPROVED = "approved", "已批准", "Approved"
    ACTIVE = "active", "已放款/生效", "Active"
    CLOSED = "closed", "已结清", "Closed"


class Rate(BaseModel):
    """``base`` plus ``spread_bp`` basis points; a negative spread is allowed (LPR − 75bp)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base: Annotated[RateBase, lenient(RateBase)]
    spread_bp: Decimal = Field(ge=-500, le=3000)

    @model_validator(mode="after")
    def _fixed_positive(self) -> Self:
        if self.base is RateBase.FIXED and self.spread_bp < 0:
            raise rule_error([("spread_bp", str(self.spread_bp), "a fixed rate cannot be negative")])
        return self

    def describe(self) -> str:
        if self.base is RateBase.FIXED:
            return f"{self.spread_bp / 100}%"
        sign = "+" if self.spread_bp >= 0 else "-"
        return f"{self.base.en} {sign} {abs(self.spread_bp)}bp"

    def annual_rate(self, lpr: Decimal) -> Decimal:
        """The rate as a fraction given the applicable LPR (a fraction too; ignored when fixed).

        >>> Rate(base="lpr_1y", spread_bp=-75).annual_rate(Decimal("0.030"))
        Decimal('0.0225')
        """
        base = Decimal(0) if self.base is RateBase.FIXED else lpr
        return base + self.spread_bp / Decimal(10_000)


class CollateralItem(BaseModel):
    """One item of collateral with its value in 元 and whatever details fit its type (as data).

    An IP pledge may name its kind in ``details["ip_kind"]`` (an :class:`IPKind`, or its label); the haircut
    table then has a row for that kind (``haircut_key``), else the pledge takes the row for IP of unnamed kind.

    >>> item = CollateralItem(type="ip_pledge", description="ZL2021xxxx 等12项", value="800万",
    ...                       details={"ip_kind": "发明专利"})
    >>> item.ip_kind, item.haircut_key
    (<IPKind.INVENTION_PATENT: 'invention_patent'>, 'ip_pledge.invention_patent')
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Annotated[CollateralType, lenient(CollateralType)]
    description: str = Field(min_length=1, max_length=500)
    value: Amount = Field(gt=0, description="appraised value, 元")
    valuation_date: date | None = None
    details: dict[str, Any] = Field(
        default_factory=dict, description="e.g. {'gpu_model': 'H20', 'count': 512}; an IP pledge: {'ip_kind': ...}"
    )

    @model_validator(mode="after")
    def _ip_kind(self) -> Self:
        kind = self.details.get("ip_kind")
        if kind is None:
            return self
        if self.type is not CollateralType.IP_PLEDGE:
            raise rule_error([("details.ip_kind", kind, "only an ip_pledge names an IP kind")])
        if IPKind.parse(kind) is None:
            raise rule_error([("details.ip_kind", kind, f"unknown IP kind; known: {IPKind.choices()}")])
        return self

    @property
    def ip_kind(self) -> IPKind | None:
        """The kind of IP pledged (named by code or label), when the item is an IP pledge that names it."""
        kind = self.details.get("ip_kind")
        return None if kind is None else IPKind.parse(kind)

    @property
    def haircut_key(self) -> str:
        """The row of the collateral haircut table this item takes: its type, or ``ip_pledge.<kind>``."""
        kind = self.ip_kind
        return self.type.value if kind is None else f"{self.type.value}.{kind.value}"


class Guarantor(BaseModel):
    """A guarantor, or a party that shares the bank's loss.

    ``covered_share`` is the share of the bank's loss the guarantor bears (0 < share ≤ 1), up to ``amount``;
    left out, the facilities engine takes the documented share of its kind (``risk_sharing.yaml``: 80% for a
    government financing guarantee, 30% for a risk-compensation fund) or, for other kinds, the whole loss.

    >>> Guarantor(name="某市科技信贷风险补偿资金池", kind="风险补偿资金池", covered_share="0.5").covered_share
    Decimal('0.5')
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=2, max_length=200)
    kind: Annotated[GuarantorKind, lenient(GuarantorKind)]
    uscc: Uscc | None = None
    amount: Amount | None = Field(None, gt=0, description="guaranteed amount, 元; None = the whole facility")
    covered_share: Decimal | None = Field(
        None, gt=0, le=1, description="share of the bank's loss borne; None = the documented share of the kind"
    )


class Covenant(BaseModel):
    """A financial covenant as data: ``metric operator threshold``, tested every ``frequency``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="e.g. debt_to_assets, dscr, utilisation")
    operator: Annotated[CovenantOperator, lenient(CovenantOperator)]
    threshold: Decimal
    frequency: str = Field("annual", pattern=r"^(monthly|quarterly|semiannual|annual)$")
    description: str = ""

    def holds(self, value: Decimal) -> bool:
        """Whether ``value`` of the metric satisfies the covenant.

        >>> Covenant(metric="debt_to_assets", operator="<=", threshold=Decimal("0.7")).holds(Decimal("0.65"))
        True
        """
        return value <= self.threshold if self.operator is CovenantOperator.MAX else value >= self.threshold


class OverrideKey(LabelledEnum):
    PD = "pd", "违约概率", "PD"
    LIMIT = "limit", "授信额度", "limit"
    HAIRCUT = "haircut", "押品折扣率", "collateral haircut"


class AnalystOverride(BaseModel):
    """An analyst's deliberate change of an engine's figure, with the reason on record and in the memo.

    ``pd`` replaces the borrower's rated PD (a fraction), ``limit`` the engine's recommended limit (元),
    ``haircut`` the haircut of collateral item ``collateral_index`` (a fraction).

    >>> AnalystOverride(key="haircut", value="0.3", collateral_index=0, reason="buy-back agreement with the vendor").key.zh
    '押品折扣率'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[OverrideKey, lenient(OverrideKey)]
    value: Decimal
    reason: str = Field(min_length=4, max_length=1000)
    collateral_index: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _range(self) -> Self:
        problems: list[tuple[str, Any, str]] = []
        if self.key is OverrideKey.PD and not 0 < self.value < 1:
            problems.append(("value", str(self.value), "a PD override lies strictly between 0 and 1"))
        if self.key is OverrideKey.HAIRCUT:
            if not 0 <= self.value <= 1:
                problems.append(("value", str(self.value), "a haircut lies in [0, 1]"))
            if self.collateral_index is None:
                problems.append(("collateral_index", None, "a haircut override names its collateral item"))
        if self.key is OverrideKey.LIMIT and self.value <= 0:
            problems.append(("value", str(self.value), "a limit override is a positive amount in 元"))
        if problems:
            raise rule_error(problems)
        return self


class Facility(BaseModel):
    """A facility granted (or proposed) to a borrower. ``parent_reference`` links a loan to its credit line;
    ``project_code`` to the stored project it finances; ``overrides`` are the analyst's, as approved;
    ``structuring`` keeps the deal's sizing terms (e.g. ``buyback_amount``) as the facilities engine reads them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{1,63}$")
    borrower_uscc: Uscc
    product: Annotated[ProductType, lenient(ProductType)]
    amount: Amount = Field(gt=0, description="元 (in ``currency``)")
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    tenor_months: int = Field(gt=0, le=360)
    start_date: date | None = None
    rate: Rate
    repayment: Annotated[RepaymentType, lenient(RepaymentType)] = RepaymentType.BULLET
    green: bool = Field(False, description="绿色贷款 tag")
    green_category: str | None = None
    purpose: str = ""
    parent_reference: str | None = None
    beneficiary: str | None = Field(None, description="beneficiary of a guarantee (保函受益人)")
    status: Annotated[FacilityStatus, lenient(FacilityStatus)] = FacilityStatus.PROPOSED
    collateral: list[CollateralItem] = Field(default_factory=list)
    guarantors: list[Guarantor] = Field(default_factory=list)
    covenants: list[Covenant] = Field(default_factory=list)
    project_code: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9_\-]{1,63}$")
    overrides: list[AnalystOverride] = Field(default_factory=list)
    structuring: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _product_rules(self) -> Self:
        problems: list[tuple[str, Any, str]] = []
        if self.product is ProductType.CREDIT_LINE and self.repayment is not RepaymentType.REVOLVING:
            problems.append(("repayment", self.repayment.value, "a credit line is revolving"))
        if self.product is not ProductType.CREDIT_LINE and self.repayment is RepaymentType.REVOLVING:
            problems.append(
                ("repayment", self.repayment.value, f"only a credit line revolves, not a {self.product.en}")
            )
        if self.product in GUARANTEES:
            if not self.beneficiary:
                problems.append(("beneficiary", self.beneficiary, f"a {self.product.en} names its beneficiary"))
            if self.rate.base is not RateBase.FIXED:
                problems.append(("rate.base", self.rate.base.value, "a guarantee's fee is a fixed rate"))
        elif self.beneficiary:
            problems.append(("beneficiary", self.beneficiary, "only guarantees have a beneficiary"))
        if self.green_category and not self.green:
            problems.append(
                ("green_category", self.green_category, "only a green-tagged facility has a green category")
            )
        for index, override in enumerate(self.overrides):
            if override.collateral_index is not None and override.collateral_index >= len(self.collateral):
                problems.append(
                    (f"overrides[{index}].collateral_index", override.collateral_index, "no such collateral item")
                )
        if self.parent_reference == self.reference:
            problems.append(("parent_reference", self.parent_reference, "a facility cannot be its own parent"))
        if problems:
            raise rule_error(problems)
        return self

    @property
    def is_guarantee(self) -> bool:
        return self.product in GUARANTEES

    @property
    def collateral_value(self) -> Decimal:
        return sum((item.value for item in self.collateral), Decimal(0))


__all__ = [
    "GUARANTEES",
    "AnalystOverride",
    "CollateralItem",
    "CollateralType",
    "Covenant",
    "CovenantOperator",
    "Facility",
    "FacilityStatus",
    "Guarantor",
    "GuarantorKind",
    "IPKind",
    "OverrideKey",
    "ProductType",
    "Rate",
    "RateBase",
    "RepaymentType",
]
