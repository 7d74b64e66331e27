"""Working-capital loan need (流动资金贷款需求量测算), the formula of the 2010 办法's appendix.

    营运资金量 = 上年度销售收入 × (1 − 上年度销售利润率) × (1 + 预计销售收入年增长率) / 营运资金周转次数
    营运资金周转次数 = 360 / (存货周转天数 + 应收账款周转天数 − 应付账款周转天数
                              + 预付账款周转天数 − 预收账款周转天数)
    周转天数 = 360 × 平均余额 / 周转额  (receivables and advances received turn on 销售收入;
                                         inventory, prepayments and payables on 销售成本)
    新增流动资金贷款额度 = 营运资金量 − 借款人自有资金 − 现有流动资金贷款 − 其他渠道提供的营运资金

Source: 《流动资金贷款管理暂行办法》(银监会令2010年第1号) 附件. Its 2024 successor leaves the method to
each bank; banks still use this one as the reference method.

>>> need = working_capital_need(WorkingCapitalInputs(
...     revenue="1亿", cost_of_sales="8000万", profit_margin=0.10, growth=0.20,
...     avg_inventory="2000万", avg_receivables="2500万", avg_prepayments="400万",
...     avg_payables="1600万", avg_advances_received="500万",
...     own_funds="1000万", existing_wc_loans="1200万", other_wc_funding="240万"))
>>> need.turnover_times, need.working_capital_need, need.new_wc_loan_limit
(Decimal('3.3333'), Decimal('32400000.00'), Decimal('8000000.00'))
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from computecredit.errors import InputError, from_validation_error
from computecredit.money import parse_amount, to_cents
from computecredit.reference import load_yaml

INPUT_FIELDS = (
    "revenue",
    "cost_of_sales",
    "profit_margin",
    "growth",
    "avg_inventory",
    "avg_receivables",
    "avg_prepayments",
    "avg_payables",
    "avg_advances_received",
    "own_funds",
    "existing_wc_loans",
    "other_wc_funding",
)
_AMOUNTS = tuple(f for f in INPUT_FIELDS if f not in ("profit_margin", "growth"))


class WorkingCapitalInputs(BaseModel):
    """The figures the formula needs, amounts in 元 (or with a unit: "2.8亿"), rates as fractions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    revenue: Decimal = Field(gt=0, description="上年度销售收入 (元)")
    cost_of_sales: Decimal = Field(ge=0, description="上年度销售成本 (元)")
    profit_margin: Decimal = Field(gt=-1, lt=1, description="上年度销售利润率 (fraction)")
    growth: Decimal = Field(gt=-1, le=5, description="预计销售收入年增长率 (fraction)")
    avg_inventory: Decimal = Field(ge=0)
    avg_receivables: Decimal = Field(ge=0)
    avg_prepayments: Decimal = Field(ge=0)
    avg_payables: Decimal = Field(ge=0)
    avg_advances_received: Decimal = Field(ge=0)
    own_funds: Decimal = Field(ge=0, description="借款人自有资金 (元)")
    existing_wc_loans: Decimal = Field(ge=0, description="现有流动资金贷款 (元)")
    other_wc_funding: Decimal = Field(ge=0, description="其他渠道提供的营运资金 (元)")

    @field_validator(*_AMOUNTS, mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return parse_amount(value)
            except InputError as exc:
                raise ValueError(exc.problems[0].rule) from None
        return value

    @field_validator("profit_margin", "growth", mode="before")
    @classmethod
    def _rate(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().endswith("%"):
            try:
                return Decimal(value.strip()[:-1]) / 100
            except ArithmeticError:
                raise ValueError("must be a fraction such as 0.08 or a percentage such as 8%") from None
        return value


def parse_inputs(data: Any, *, source: str | None = None) -> WorkingCapitalInputs:
    """Validate a mapping (e.g. a YAML document) into inputs; errors name the file and the field.

    >>> parse_inputs({"revenue": 1}, source="wc.yaml")
    Traceback (most recent call last):
    ...
    computecredit.errors.InputError: wc.yaml: field 'cost_of_sales' = None: required key is missing; ...
    """
    if not isinstance(data, dict):
        raise InputError(
            "(root)", data, "must be a mapping with the keys " + ", ".join(INPUT_FIELDS), source=source
        )
    missing = [
        InputError(name, None, "required key is missing", source=source).problems[0]
        for name in INPUT_FIELDS
        if name not in data
    ]
    if missing:
        raise InputError(problems=missing)
    try:
        inputs = WorkingCapitalInputs.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, source=source) from None
    balances_on_cost = inputs.avg_inventory + inputs.avg_prepayments + inputs.avg_payables
    if inputs.cost_of_sales == 0 and balances_on_cost > 0:
        raise InputError(
            "cost_of_sales", 0, "must be positive when inventory, prepayments or payables are", source=source
        )
    return inputs


@dataclass(frozen=True)
class TurnoverItem:
    """One working-capital item: its average balance, the flow it turns on, times per year and days."""

    key: str
    label_zh: str
    average_balance: Decimal
    base: str
    times: Decimal | None
    days: Decimal
    sign: int


@dataclass(frozen=True)
class WorkingCapitalNeed:
    """Result of the formula; ``turnover_times`` is None when the cycle is not positive (no need)."""

    turnover: list[TurnoverItem]
    cycle_days: Decimal
    turnover_times: Decimal | None
    working_capital_need: Decimal
    funding_available: Decimal
    new_wc_loan_limit: Decimal
    days_in_year: int
    source: str


_ITEMS = (
    ("inventory", "存货", "avg_inventory", "cost_of_sales", 1),
    ("receivables", "应收账款", "avg_receivables", "revenue", 1),
    ("payables", "应付账款", "avg_payables", "cost_of_sales", -1),
    ("prepayments", "预付账款", "avg_prepayments", "cost_of_sales", 1),
    ("advances_received", "预收账款", "avg_advances_received", "revenue", -1),
)
_TIMES = Decimal("0.0001")
_DAYS = Decimal("0.01")


def working_capital_need(inputs: WorkingCapitalInputs) -> WorkingCapitalNeed:
    """Apply the formula; each turnover figure is shown, and the new-loan limit is floored at zero."""
    params = load_yaml("regulatory_parameters.yaml")["working_capital"]
    days_in_year = int(params["days_in_year"])
    year = Decimal(days_in_year)
    items = []
    cycle = Decimal(0)
    for key, label, balance_field, base_field, sign in _ITEMS:
        balance: Decimal = getattr(inputs, balance_field)
        flow: Decimal = getattr(inputs, base_field)
        days = year * balance / flow if flow > 0 else Decimal(0)
        times = flow / balance if balance > 0 else None
        cycle += sign * days
        items.append(
            TurnoverItem(
                key=key,
                label_zh=label,
                average_balance=balance,
                base=base_field,
                times=None if times is None else times.quantize(_TIMES, ROUND_HALF_UP),
                days=days.quantize(_DAYS, ROUND_HALF_UP),
                sign=sign,
            )
        )
    funding = inputs.own_funds + inputs.existing_wc_loans + inputs.other_wc_funding
    if cycle <= 0:
        # Suppliers and customers finance the whole cycle: the formula gives no working-capital need.
        need = Decimal(0)
        turnover_times = None
    else:
        turnover = year / cycle
        need = inputs.revenue * (1 - inputs.profit_margin) * (1 + inputs.growth) / turnover
        turnover_times = turnover.quantize(_TIMES, ROUND_HALF_UP)
    return WorkingCapitalNeed(
        turnover=items,
        cycle_days=cycle.quantize(_DAYS, ROUND_HALF_UP),
        turnover_times=turnover_times,
        working_capital_need=to_cents(need),
        funding_available=to_cents(funding),
        new_wc_loan_limit=to_cents(max(need - funding, Decimal(0))),
        days_in_year=days_in_year,
        source=str(params["source"]),
    )


__all__ = [
    "INPUT_FIELDS",
    "TurnoverItem",
    "WorkingCapitalInputs",
    "WorkingCapitalNeed",
    "parse_inputs",
    "working_capital_need",
]
