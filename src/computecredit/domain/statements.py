"""Financial statements (财务报表) with the line items of Chinese Accounting Standards, defined once as data.

:data:`LINE_ITEMS` is the single list of line items: a stable snake_case ``code``, the statement it belongs
to, Chinese and English labels, a sign rule and, for subtotals, the formula over earlier items. The layout
follows the general-enterprise formats of 财政部《关于修订印发2019年度一般企业财务报表格式的通知》
(财会〔2019〕6号). Every importer, exporter, template and engine uses these codes.

Rules a :class:`FinancialStatement` enforces:

- only known codes; items with sign ``+`` are never negative (expenses are entered as positive numbers;
  impairment losses follow the CAS format, "losses entered with a minus sign");
- a missing subtotal is computed from its parts (missing parts count as zero, except for the closing cash,
  which needs the opening cash); a computed subtotal that cannot be negative is never negative; a subtotal
  that is given while any of its parts is given must equal their sum within the tolerance;
- a **headline-only** statement (``headline_only``: the source prints totals and a few lines, as a data
  vendor or a press release does) puts what the source does not itemise into the explicit "not itemised"
  lines (``unitemised_*``, 未逐项列示): the gap of each given subtotal goes to the line of
  :data:`ABSORBERS`, conservatively placed (unitemised assets are non-current, unitemised liabilities
  current, unitemised costs operating). The lines are stored and shown as such;
- the balance sheet balances: ``total_assets`` = ``total_liabilities`` + ``total_equity`` within
  :data:`BALANCE_TOLERANCE` of total assets (at least 1 元), else the statement is refused with the gap.

>>> s = FinancialStatement(borrower_uscc="91640100MA7X00001X", fiscal_year=2024, unit="万元",
...     values={"cash": 500, "fixed_assets": 1500, "short_term_borrowings": 800, "paid_in_capital": 1000,
...             "retained_earnings": 200, "operating_revenue": 3000, "operating_costs": 2400})
>>> s.values["total_assets"], s.yuan("total_assets")
(Decimal('2000'), Decimal('20000000'))
>>> s.values["net_profit"]
Decimal('600')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from computecredit.domain.amounts import Amount
from computecredit.domain.uscc import Uscc
from computecredit.domain.validation import rule_error


class StatementKind(StrEnum):
    BALANCE_SHEET = "balance_sheet"
    INCOME_STATEMENT = "income_statement"
    CASH_FLOW = "cash_flow"


STATEMENT_LABELS: dict[StatementKind, tuple[str, str]] = {
    StatementKind.BALANCE_SHEET: ("资产负债表", "Balance sheet"),
    StatementKind.INCOME_STATEMENT: ("利润表", "Income statement"),
    StatementKind.CASH_FLOW: ("现金流量表", "Cash-flow statement"),
}


@dataclass(frozen=True)
class LineItem:
    """One line of a statement. ``formula`` is empty for inputs, else ``(code, ±1)`` terms of earlier items."""

    code: str
    statement: StatementKind
    zh: str
    en: str
    sign: Literal["+", "±"]
    formula: tuple[tuple[str, int], ...] = ()
    memo: bool = False  # an "of which" line: shown, never summed

    @property
    def is_subtotal(self) -> bool:
        return bool(self.formula)

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en


BS, IS, CF = StatementKind.BALANCE_SHEET, StatementKind.INCOME_STATEMENT, StatementKind.CASH_FLOW

# code, statement, zh, en, sign, formula ("a + b - c"; empty for an input), memo
_TABLE: tuple[tuple[str, StatementKind, str, str, str, str], ...] = (
    # --- balance sheet: assets
    ("cash", BS, "货币资金", "Cash and bank balances", "+", ""),
    ("trading_financial_assets", BS, "交易性金融资产", "Trading financial assets", "+", ""),
    ("notes_receivable", BS, "应收票据", "Notes receivable", "+", ""),
    ("accounts_receivable", BS, "应收账款", "Accounts receivable", "+", ""),
    ("receivables_financing", BS, "应收款项融资", "Receivables financing", "+", ""),
    ("prepayments", BS, "预付款项", "Prepayments", "+", ""),
    ("other_receivables", BS, "其他应收款", "Other receivables", "+", ""),
    ("inventories", BS, "存货", "Inventories", "+", ""),
    ("contract_assets", BS, "合同资产", "Contract assets", "+", ""),
    (
        "non_current_assets_due_within_one_year",
        BS,
        "一年内到期的非流动资产",
        "Non-current assets due within one year",
        "+",
        "",
    ),
    ("other_current_assets", BS, "其他流动资产", "Other current assets", "+", ""),
    (
        "unitemised_current_assets",
        BS,
        "其他流动资产项目（未逐项列示）",
        "Current assets not itemised by the source",
        "+",
        "",
    ),
    (
        "total_current_assets",
        BS,
        "流动资产合计",
        "Total current assets",
        "+",
        "cash + trading_financial_assets + notes_receivable + accounts_receivable + receivables_financing"
        " + prepayments + other_receivables + inventories + contract_assets"
        " + non_current_assets_due_within_one_year + other_current_assets + unitemised_current_assets",
    ),
    ("long_term_receivables", BS, "长期应收款", "Long-term receivables", "+", ""),
    ("long_term_equity_investments", BS, "长期股权投资", "Long-term equity investments", "+", ""),
    (
        "other_non_current_financial_assets",
        BS,
        "其他非流动金融资产",
        "Other non-current financial assets",
        "+",
        "",
    ),
    ("investment_property", BS, "投资性房地产", "Investment property", "+", ""),
    ("fixed_assets", BS, "固定资产", "Fixed assets", "+", ""),
    ("construction_in_progress", BS, "在建工程", "Construction in progress", "+", ""),
    ("right_of_use_assets", BS, "使用权资产", "Right-of-use assets", "+", ""),
    ("intangible_assets", BS, "无形资产", "Intangible assets", "+", ""),
    ("development_expenditure", BS, "开发支出", "Development expenditure", "+", ""),
    ("goodwill", BS, "商誉", "Goodwill", "+", ""),
    ("long_term_prepaid_expenses", BS, "长期待摊费用", "Long-term prepaid expenses", "+", ""),
    ("deferred_tax_assets", BS, "递延所得税资产", "Deferred tax assets", "+", ""),
    ("other_non_current_assets", BS, "其他非流动资产", "Other non-current assets", "+", ""),
    (
        "unitemised_non_current_assets",
        BS,
        "其他非流动资产项目（未逐项列示）",
        "Non-current assets not itemised by the source",
        "+",
        "",
    ),
    (
        "total_non_current_assets",
        BS,
        "非流动资产合计",
        "Total non-current assets",
        "+",
        "long_term_receivables + long_term_equity_investments + other_non_current_financial_assets"
        " + investment_property + fixed_assets + construction_in_progress + right_of_use_assets"
        " + intangible_assets + development_expenditure + goodwill + long_term_prepaid_expenses"
        " + deferred_tax_assets + other_non_current_assets + unitemised_non_current_assets",
    ),
    ("total_assets", BS, "资产总计", "Total assets", "+", "total_current_assets + total_non_current_assets"),
    # --- balance sheet: liabilities
    ("short_term_borrowings", BS, "短期借款", "Short-term borrowings", "+", ""),
    ("trading_financial_liabilities", BS, "交易性金融负债", "Trading financial liabilities", "+", ""),
    ("notes_payable", BS, "应付票据", "Notes payable", "+", ""),
    ("accounts_payable", BS, "应付账款", "Accounts payable", "+", ""),
    ("advances_from_customers", BS, "预收款项", "Advances from customers", "+", ""),
    ("contract_liabilities", BS, "合同负债", "Contract liabilities", "+", ""),
    ("employee_benefits_payable", BS, "应付职工薪酬", "Employee benefits payable", "+", ""),
    ("taxes_payable", BS, "应交税费", "Taxes payable", "±", ""),
    ("other_payables", BS, "其他应付款", "Other payables", "+", ""),
    (
        "non_current_liabilities_due_within_one_year",
        BS,
        "一年内到期的非流动负债",
        "Non-current liabilities due within one year",
        "+",
        "",
    ),
    ("other_current_liabilities", BS, "其他流动负债", "Other current liabilities", "+", ""),
    (
        "unitemised_current_liabilities",
        BS,
        "其他流动负债项目（未逐项列示）",
        "Current liabilities not itemised by the source",
        "+",
        "",
    ),
    (
        "total_current_liabilities",
        BS,
        "流动负债合计",
        "Total current liabilities",
        "+",
        "short_term_borrowings + trading_financial_liabilities + notes_payable + accounts_payable"
        " + advances_from_customers + contract_liabilities + employee_benefits_payable + taxes_payable"
        " + other_payables + non_current_liabilities_due_within_one_year + other_current_liabilities"
        " + unitemised_current_liabilities",
    ),
    ("long_term_borrowings", BS, "长期借款", "Long-term borrowings", "+", ""),
    ("bonds_payable", BS, "应付债券", "Bonds payable", "+", ""),
    ("lease_liabilities", BS, "租赁负债", "Lease liabilities", "+", ""),
    ("long_term_payables", BS, "长期应付款", "Long-term payables", "+", ""),
    ("provisions", BS, "预计负债", "Provisions", "+", ""),
    ("deferred_income", BS, "递延收益", "Deferred income", "+", ""),
    ("deferred_tax_liabilities", BS, "递延所得税负债", "Deferred tax liabilities", "+", ""),
    ("other_non_current_liabilities", BS, "其他非流动负债", "Other non-current liabilities", "+", ""),
    (
        "unitemised_non_current_liabilities",
        BS,
        "其他非流动负债项目（未逐项列示）",
        "Non-current liabilities not itemised by the source",
        "+",
        "",
    ),
    (
        "total_non_current_liabilities",
        BS,
        "非流动负债合计",
        "Total non-current liabilities",
        "+",
        "long_term_borrowings + bonds_payable + lease_liabilities + long_term_payables + provisions"
        " + deferred_income + deferred_tax_liabilities + other_non_current_liabilities"
        " + unitemised_non_current_liabilities",
    ),
    (
        "total_liabilities",
        BS,
        "负债合计",
        "Total liabilities",
        "+",
        "total_current_liabilities + total_non_current_liabilities",
    ),
    # --- balance sheet: equity
    ("paid_in_capital", BS, "实收资本（或股本）", "Paid-in capital (share capital)", "+", ""),
    ("other_equity_instruments", BS, "其他权益工具", "Other equity instruments", "+", ""),
    ("capital_reserve", BS, "资本公积", "Capital reserve", "+", ""),
    ("treasury_stock", BS, "减：库存股", "Less: treasury stock", "+", ""),
    ("other_comprehensive_income", BS, "其他综合收益", "Other comprehensive income", "±", ""),
    ("surplus_reserve", BS, "盈余公积", "Surplus reserve", "+", ""),
    ("retained_earnings", BS, "未分配利润", "Retained earnings", "±", ""),
    (
        "unitemised_equity",
        BS,
        "其他权益项目（未逐项列示）",
        "Equity items not itemised by the source",
        "±",
        "",
    ),
    (
        "equity_attributable_to_parent",
        BS,
        "归属于母公司所有者权益合计",
        "Equity attributable to owners of the parent",
        "±",
        "paid_in_capital + other_equity_instruments + capital_reserve - treasury_stock"
        " + other_comprehensive_income + surplus_reserve + retained_earnings + unitemised_equity",
    ),
    ("minority_interests", BS, "少数股东权益", "Minority interests", "±", ""),
    (
        "total_equity",
        BS,
        "所有者权益（或股东权益）合计",
        "Total equity",
        "±",
        "equity_attributable_to_parent + minority_interests",
    ),
    (
        "total_liabilities_and_equity",
        BS,
        "负债和所有者权益（或股东权益）总计",
        "Total liabilities and equity",
        "+",
        "total_liabilities + total_equity",
    ),
    # --- income statement
    ("operating_revenue", IS, "营业收入", "Operating revenue", "+", ""),
    ("operating_costs", IS, "营业成本", "Operating costs", "+", ""),
    ("taxes_and_surcharges", IS, "税金及附加", "Taxes and surcharges", "+", ""),
    ("selling_expenses", IS, "销售费用", "Selling expenses", "+", ""),
    ("administrative_expenses", IS, "管理费用", "Administrative expenses", "+", ""),
    ("rd_expenses", IS, "研发费用", "R&D expenses", "+", ""),
    ("financial_expenses", IS, "财务费用", "Financial expenses", "±", ""),
    ("interest_expense", IS, "其中：利息费用", "of which: interest expense", "+", "memo"),
    ("interest_income", IS, "利息收入", "of which: interest income", "+", "memo"),
    ("other_income", IS, "其他收益", "Other income", "±", ""),
    ("investment_income", IS, "投资收益", "Investment income", "±", ""),
    ("fair_value_change_gains", IS, "公允价值变动收益", "Gains on fair-value changes", "±", ""),
    (
        "credit_impairment_losses",
        IS,
        "信用减值损失（损失以“-”号填列）",
        "Credit impairment losses (losses negative)",
        "±",
        "",
    ),
    (
        "asset_impairment_losses",
        IS,
        "资产减值损失（损失以“-”号填列）",
        "Asset impairment losses (losses negative)",
        "±",
        "",
    ),
    ("asset_disposal_gains", IS, "资产处置收益", "Gains on disposal of assets", "±", ""),
    (
        "unitemised_operating_items",
        IS,
        "其他经营损益（未逐项列示，损失以“-”号填列）",
        "Operating items not itemised by the source (net; losses negative)",
        "±",
        "",
    ),
    (
        "operating_profit",
        IS,
        "营业利润",
        "Operating profit",
        "±",
        "operating_revenue - operating_costs - taxes_and_surcharges - selling_expenses - administrative_expenses"
        " - rd_expenses - financial_expenses + other_income + investment_income + fair_value_change_gains"
        " + credit_impairment_losses + asset_impairment_losses + asset_disposal_gains + unitemised_operating_items",
    ),
    ("non_operating_income", IS, "营业外收入", "Non-operating income", "+", ""),
    ("non_operating_expenses", IS, "营业外支出", "Non-operating expenses", "+", ""),
    (
        "unitemised_non_operating_items",
        IS,
        "其他营业外收支（未逐项列示，净损失以“-”号填列）",
        "Non-operating items not itemised by the source (net; losses negative)",
        "±",
        "",
    ),
    (
        "total_profit",
        IS,
        "利润总额",
        "Total profit",
        "±",
        "operating_profit + non_operating_income - non_operating_expenses + unitemised_non_operating_items",
    ),
    ("income_tax_expense", IS, "所得税费用", "Income tax expense", "±", ""),
    ("net_profit", IS, "净利润", "Net profit", "±", "total_profit - income_tax_expense"),
    (
        "net_profit_attributable_to_parent",
        IS,
        "归属于母公司股东的净利润",
        "Net profit attributable to owners of the parent",
        "±",
        "memo",
    ),
    # --- cash-flow statement
    (
        "cash_received_from_sales",
        CF,
        "销售商品、提供劳务收到的现金",
        "Cash received from sales of goods and services",
        "+",
        "",
    ),
    ("tax_refunds_received", CF, "收到的税费返还", "Tax refunds received", "+", ""),
    (
        "other_operating_cash_received",
        CF,
        "收到其他与经营活动有关的现金",
        "Other cash received from operating activities",
        "+",
        "",
    ),
    (
        "operating_cash_inflows",
        CF,
        "经营活动现金流入小计",
        "Operating cash inflows",
        "+",
        "cash_received_from_sales + tax_refunds_received + other_operating_cash_received",
    ),
    ("cash_paid_for_goods", CF, "购买商品、接受劳务支付的现金", "Cash paid for goods and services", "+", ""),
    ("cash_paid_to_employees", CF, "支付给职工以及为职工支付的现金", "Cash paid to and for employees", "+", ""),
    ("taxes_paid", CF, "支付的各项税费", "Taxes paid", "+", ""),
    (
        "other_operating_cash_paid",
        CF,
        "支付其他与经营活动有关的现金",
        "Other cash paid for operating activities",
        "+",
        "",
    ),
    (
        "operating_cash_outflows",
        CF,
        "经营活动现金流出小计",
        "Operating cash outflows",
        "+",
        "cash_paid_for_goods + cash_paid_to_employees + taxes_paid + other_operating_cash_paid",
    ),
    (
        "net_operating_cash_flow",
        CF,
        "经营活动产生的现金流量净额",
        "Net cash flow from operating activities",
        "±",
        "operating_cash_inflows - operating_cash_outflows",
    ),
    (
        "cash_from_investment_recovery",
        CF,
        "收回投资收到的现金",
        "Cash received from recovery of investments",
        "+",
        "",
    ),
    ("investment_income_received", CF, "取得投资收益收到的现金", "Cash received from investment income", "+", ""),
    (
        "long_term_asset_disposal_proceeds",
        CF,
        "处置固定资产、无形资产和其他长期资产收回的现金净额",
        "Net proceeds from disposal of long-term assets",
        "+",
        "",
    ),
    (
        "other_investing_cash_received",
        CF,
        "收到其他与投资活动有关的现金",
        "Other cash received from investing activities",
        "+",
        "",
    ),
    (
        "investing_cash_inflows",
        CF,
        "投资活动现金流入小计",
        "Investing cash inflows",
        "+",
        "cash_from_investment_recovery + investment_income_received + long_term_asset_disposal_proceeds"
        " + other_investing_cash_received",
    ),
    (
        "purchase_of_long_term_assets",
        CF,
        "购建固定资产、无形资产和其他长期资产支付的现金",
        "Cash paid for long-term assets (capex)",
        "+",
        "",
    ),
    ("cash_paid_for_investments", CF, "投资支付的现金", "Cash paid for investments", "+", ""),
    (
        "other_investing_cash_paid",
        CF,
        "支付其他与投资活动有关的现金",
        "Other cash paid for investing activities",
        "+",
        "",
    ),
    (
        "investing_cash_outflows",
        CF,
        "投资活动现金流出小计",
        "Investing cash outflows",
        "+",
        "purchase_of_long_term_assets + cash_paid_for_investments + other_investing_cash_paid",
    ),
    (
        "net_investing_cash_flow",
        CF,
        "投资活动产生的现金流量净额",
        "Net cash flow from investing activities",
        "±",
        "investing_cash_inflows - investing_cash_outflows",
    ),
    (
        "cash_from_capital_contributions",
        CF,
        "吸收投资收到的现金",
        "Cash received from capital contributions",
        "+",
        "",
    ),
    ("cash_from_borrowings", CF, "取得借款收到的现金", "Cash received from borrowings", "+", ""),
    (
        "other_financing_cash_received",
        CF,
        "收到其他与筹资活动有关的现金",
        "Other cash received from financing activities",
        "+",
        "",
    ),
    (
        "financing_cash_inflows",
        CF,
        "筹资活动现金流入小计",
        "Financing cash inflows",
        "+",
        "cash_from_capital_contributions + cash_from_borrowings + other_financing_cash_received",
    ),
    ("repayment_of_borrowings", CF, "偿还债务支付的现金", "Cash repayments of borrowings", "+", ""),
    (
        "dividends_and_interest_paid",
        CF,
        "分配股利、利润或偿付利息支付的现金",
        "Cash paid for dividends, profit distributions and interest",
        "+",
        "",
    ),
    (
        "other_financing_cash_paid",
        CF,
        "支付其他与筹资活动有关的现金",
        "Other cash paid for financing activities (incl. share buybacks, leases)",
        "+",
        "",
    ),
    (
        "financing_cash_outflows",
        CF,
        "筹资活动现金流出小计",
        "Financing cash outflows",
        "+",
        "repayment_of_borrowings + dividends_and_interest_paid + other_financing_cash_paid",
    ),
    (
        "net_financing_cash_flow",
        CF,
        "筹资活动产生的现金流量净额",
        "Net cash flow from financing activities",
        "±",
        "financing_cash_inflows - financing_cash_outflows",
    ),
    (
        "fx_effect_on_cash",
        CF,
        "汇率变动对现金及现金等价物的影响",
        "Effect of exchange-rate changes on cash",
        "±",
        "",
    ),
    (
        "unitemised_cash_flows",
        CF,
        "其他现金流量净额（未逐项列示）",
        "Cash flows not itemised by the source (net)",
        "±",
        "",
    ),
    (
        "net_increase_in_cash",
        CF,
        "现金及现金等价物净增加额",
        "Net increase in cash and cash equivalents",
        "±",
        "net_operating_cash_flow + net_investing_cash_flow + net_financing_cash_flow + fx_effect_on_cash"
        " + unitemised_cash_flows",
    ),
    ("cash_at_beginning", CF, "期初现金及现金等价物余额", "Cash and cash equivalents at the beginning", "+", ""),
    (
        "cash_at_end",
        CF,
        "期末现金及现金等价物余额",
        "Cash and cash equivalents at the end",
        "+",
        "cash_at_beginning + net_increase_in_cash",
    ),
    (
        "depreciation_and_amortisation",
        CF,
        "补充资料：固定资产折旧、使用权资产折旧及无形资产摊销",
        "Supplement: depreciation and amortisation",
        "+",
        "memo",
    ),
)


def _parse_formula(text: str) -> tuple[tuple[str, int], ...]:
    tokens = text.replace("+", " + ").replace(" - ", " - ").split()
    terms: list[tuple[str, int]] = []
    sign = 1
    for token in tokens:
        if token in "+-":
            sign = 1 if token == "+" else -1
        else:
            terms.append((token, sign))
    return tuple(terms)


def _build() -> tuple[LineItem, ...]:
    items: list[LineItem] = []
    seen: set[str] = set()
    for code, statement, zh, en, sign, formula in _TABLE:
        memo = formula == "memo"
        terms = () if memo or not formula else _parse_formula(formula)
        unknown = [term for term, _ in terms if term not in seen]
        if code in seen or unknown:  # the table is data; fail loudly at import if it is inconsistent
            raise RuntimeError(f"line item {code}: duplicate or refers to later/unknown items {unknown}")
        seen.add(code)
        items.append(LineItem(code, statement, zh, en, "±" if sign == "±" else "+", terms, memo))
    return tuple(items)


LINE_ITEMS: tuple[LineItem, ...] = _build()
ITEMS: dict[str, LineItem] = {item.code: item for item in LINE_ITEMS}
REQUIRED: tuple[str, ...] = (
    "total_assets",
    "total_liabilities",
    "total_equity",
    "operating_revenue",
    "net_profit",
)

# Where the gap of a given subtotal goes in a headline-only statement: the first candidate that the source
# did not give; a candidate subtotal passes the gap on to its own candidates.
ABSORBERS: dict[str, tuple[str, ...]] = {
    "total_current_assets": ("unitemised_current_assets",),
    "total_non_current_assets": ("unitemised_non_current_assets",),
    "total_assets": ("total_non_current_assets", "total_current_assets"),
    "total_current_liabilities": ("unitemised_current_liabilities",),
    "total_non_current_liabilities": ("unitemised_non_current_liabilities",),
    "total_liabilities": ("total_current_liabilities", "total_non_current_liabilities"),
    "equity_attributable_to_parent": ("unitemised_equity",),
    "total_equity": ("equity_attributable_to_parent",),
    "operating_profit": ("unitemised_operating_items",),
    "total_profit": ("operating_profit", "unitemised_non_operating_items"),
    "net_profit": ("total_profit", "income_tax_expense"),
    "net_increase_in_cash": ("unitemised_cash_flows",),
}
# Subtotals computed only when every part is given (a balance, not a sum of flows).
NEEDS_ALL_PARTS = frozenset({"cash_at_end"})

BALANCE_TOLERANCE = Decimal("0.0001")  # 0.01% of total assets, and never less than 1 元
MIN_TOLERANCE_YUAN = Decimal(1)

UNITS: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1_000),
    "万元": Decimal(10_000),
    "百万元": Decimal(1_000_000),
    "亿元": Decimal(100_000_000),
}
StatementUnit = Literal["元", "千元", "万元", "百万元", "亿元"]
Currency = Literal["CNY", "USD", "HKD", "EUR"]


# Line names as A-share annual reports print them (合并资产负债表, 合并利润表, 合并现金流量表) where they differ
# from the CAS format's names above; numbering, "其中：/加：/减：" and "（损失以“－”号填列）" are ignored anyway.
PRINTED_ALIASES: dict[str, str] = {
    "股本": "paid_in_capital",
    "实收资本": "paid_in_capital",
    "所有者权益合计": "total_equity",
    "股东权益合计": "total_equity",
    "负债和所有者权益总计": "total_liabilities_and_equity",
    "负债和股东权益总计": "total_liabilities_and_equity",
    "归属于母公司所有者权益合计": "equity_attributable_to_parent",
    "归属于母公司股东权益合计": "equity_attributable_to_parent",
    "归属于母公司所有者的净利润": "net_profit_attributable_to_parent",
    "归属于母公司股东的净利润": "net_profit_attributable_to_parent",
    "利息费用": "interest_expense",
    "营业总收入": "operating_revenue",  # non-financial firms: equal to 营业收入 (read once, see below)
    "现金及现金等价物净增加额": "net_increase_in_cash",
    "期初现金及现金等价物余额": "cash_at_beginning",
    "期末现金及现金等价物余额": "cash_at_end",
    "固定资产折旧、使用权资产折旧及无形资产摊销": "depreciation_and_amortisation",
}
# Printed lines that are sums of lines read separately: recognised and skipped.
PRINTED_SUMS = frozenset({"营业总成本"})
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])")
_PREFIXES = ("其中：", "其中:", "加：", "加:", "减：", "减:", "补充资料：")
_FILLING_NOTE = re.compile(r"[（(][^（()）]*(?:填列|号)[^（()）]*[)）]")


def normal_label(text: str) -> str:
    """A printed line name without numbering, ``其中：/加：/减：`` prefixes, filling notes and spaces.

    >>> normal_label(" 四、净利润（净亏损以“－”号填列）"), normal_label("减：所得税费用")
    ('净利润', '所得税费用')
    """
    label = re.sub(r"\s+", "", str(text)).replace("(", "（").replace(")", "）")
    label = _FILLING_NOTE.sub("", label)
    label = _NUMBERING.sub("", label)
    for prefix in _PREFIXES:
        label = label.removeprefix(prefix)
    return _FILLING_NOTE.sub("", label).replace("（或股东权益）", "").replace("（或股本）", "")


_BY_LABEL: dict[str, str] = {
    **{normal_label(item.zh): item.code for item in LINE_ITEMS},
    **{normal_label(item.en).lower(): item.code for item in LINE_ITEMS},
    **PRINTED_ALIASES,
}


def code_for_label(text: str) -> str | None:
    """The line-item code of a line name as printed in an annual report (or its English label), ``""`` for
    a printed sum that is read from its parts, ``None`` when unknown.

    >>> code_for_label("一、营业收入"), code_for_label("加：期初现金及现金等价物余额"), code_for_label("营业总成本")
    ('operating_revenue', 'cash_at_beginning', '')
    >>> code_for_label("信用减值损失（损失以“－”号填列）"), code_for_label("Total assets"), code_for_label("结算备付金")
    ('credit_impairment_losses', 'total_assets', None)
    """
    label = normal_label(text)
    if label in PRINTED_SUMS:
        return ""
    return _BY_LABEL.get(label) or _BY_LABEL.get(label.lower())


def items_of(statement: StatementKind) -> tuple[LineItem, ...]:
    """The line items of one statement, in presentation order.

    >>> [i.code for i in items_of(StatementKind.INCOME_STATEMENT)][:3]
    ['operating_revenue', 'operating_costs', 'taxes_and_surcharges']
    """
    return tuple(item for item in LINE_ITEMS if item.statement is statement)


def _drop_blanks(values: Any) -> Any:
    # Blank cells mean "not reported": they are left out, not read as zero.
    if isinstance(values, dict):
        return {
            str(code).strip(): v
            for code, v in values.items()
            if v is not None and not (isinstance(v, str) and not v.strip())
        }
    return values


class FinancialStatement(BaseModel):
    """One fiscal year of one borrower: balance sheet, income statement and cash flow, in ``unit``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    borrower_uscc: Uscc
    fiscal_year: int = Field(ge=1990, le=2100)
    period_end: date | None = Field(None, description="defaults to 31 December of the fiscal year")
    period_months: int = Field(12, ge=1, le=12)
    consolidated: bool = True
    audited: bool = False
    auditor: str | None = Field(None, max_length=200)
    unit: StatementUnit = "元"
    currency: Currency = "CNY"
    headline_only: bool = Field(
        False, description="仅主要项目: what the source does not itemise goes to the 'not itemised' lines"
    )
    values: Annotated[dict[str, Amount], BeforeValidator(_drop_blanks)] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _accounting(self) -> Self:
        if self.period_end is None:
            object.__setattr__(self, "period_end", date(self.fiscal_year, 12, 31))
        elif self.period_end.year != self.fiscal_year:
            raise rule_error(
                [("period_end", self.period_end.isoformat(), f"must fall in fiscal year {self.fiscal_year}")]
            )
        completed, problems = complete_values(self.values, self.unit, headline_only=self.headline_only)
        if problems:
            raise rule_error(problems)
        object.__setattr__(self, "values", completed)
        return self

    @property
    def multiplier(self) -> Decimal:
        return UNITS[self.unit]

    def get(self, code: str) -> Decimal | None:
        """The value of ``code`` in the statement's unit, ``None`` when not reported."""
        if code not in ITEMS:
            raise KeyError(f"unknown line item {code!r}")
        return self.values.get(code)

    def yuan(self, code: str, default: Decimal | None = Decimal(0)) -> Decimal | None:
        """The value of ``code`` in 元 (``default`` when not reported)."""
        value = self.get(code)
        return default if value is None else value * self.multiplier

    def in_unit(self, unit: StatementUnit) -> FinancialStatement:
        """The same statement expressed in another unit (exact: Decimal arithmetic)."""
        factor = UNITS[self.unit] / UNITS[unit]
        values = {code: _normal(value * factor) for code, value in self.values.items()}
        return self.model_copy(update={"unit": unit, "values": values})


def _normal(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def tolerance(total_assets: Decimal | None, unit: str) -> Decimal:
    """The balance tolerance in ``unit``: 0.01% of total assets, at least 1 元.

    >>> tolerance(Decimal(100000), "万元")
    Decimal('10.0000')
    """
    floor = MIN_TOLERANCE_YUAN / UNITS[unit]
    return max(floor, abs(total_assets or Decimal(0)) * BALANCE_TOLERANCE)


def complete_values(
    values: dict[str, Decimal], unit: str, *, headline_only: bool = False
) -> tuple[dict[str, Decimal], list[tuple[str, Any, str]]]:
    """Check signs and subtotals, fill missing subtotals; return the values and the problems found.

    >>> vals, problems = complete_values({"cash": Decimal(5), "total_current_assets": Decimal(7)}, "元")
    >>> problems[0]
    ('values.total_current_assets', '7', 'must equal the sum of its parts, 5 (gap 2 元, tolerance 1 元); if the source does not itemise the rest, mark the statement headline_only')
    >>> vals, _ = complete_values({"cash": Decimal(5), "total_current_assets": Decimal(7)}, "元", headline_only=True)
    >>> vals["unitemised_current_assets"]
    Decimal('2')
    """
    problems: list[tuple[str, Any, str]] = []
    out: dict[str, Decimal] = {}
    for code, value in values.items():
        item = ITEMS.get(code)
        if item is None:
            problems.append((f"values.{code}", str(value), "unknown line item code (see domain/statements.py)"))
        elif item.sign == "+" and value < 0:
            problems.append((f"values.{code}", str(value), f"{item.en} ({item.zh}) cannot be negative"))
    if problems:
        return values, problems
    provisional_assets = values.get("total_assets")
    for item in LINE_ITEMS:
        given = values.get(item.code)
        if not item.is_subtotal:
            if given is not None:
                out[item.code] = given
            continue
        parts = [(out.get(code), sign) for code, sign in item.formula]
        if all(value is None for value, _ in parts) or (
            item.code in NEEDS_ALL_PARTS and any(value is None for value, _ in parts)
        ):
            if given is not None:
                out[item.code] = given
            continue
        computed = sum((value * sign for value, sign in parts if value is not None), Decimal(0))
        if given is None:
            if item.sign == "+" and computed < 0:
                missing = [
                    code for (value, _), (code, _) in zip(parts, item.formula, strict=True) if value is None
                ]
                problems.append(
                    (
                        f"values.{item.code}",
                        str(computed),
                        f"{item.en} ({item.zh}) computed from its parts is negative; "
                        f"give it, or its missing parts ({', '.join(missing) or 'none'})",
                    )
                )
            out[item.code] = computed
            continue
        limit = tolerance(provisional_assets if provisional_assets is not None else given, unit)
        gap = given - computed
        if abs(gap) > limit and not (headline_only and _absorb(item.code, gap, values, out)):
            hint = (
                "; if the source does not itemise the rest, mark the statement headline_only"
                if not headline_only and item.code in ABSORBERS
                else ""
            )
            problems.append(
                (
                    f"values.{item.code}",
                    str(given),
                    f"must equal the sum of its parts, {computed} (gap {gap} {unit}, tolerance {_normal(limit)} {unit})"
                    + hint,
                )
            )
        out[item.code] = given
    for code in REQUIRED:
        if code not in out:
            problems.append((f"values.{code}", None, f"{ITEMS[code].en} ({ITEMS[code].zh}) is required"))
    out = {item.code: out[item.code] for item in LINE_ITEMS if item.code in out}  # presentation order
    if problems:
        return out, problems
    assets, claims = out["total_assets"], out["total_liabilities"] + out["total_equity"]
    limit = tolerance(assets, unit)
    if abs(assets - claims) > limit:
        problems.append(
            (
                "values.total_assets",
                str(assets),
                f"balance sheet does not balance: total liabilities + total equity = {claims}, "
                f"gap {assets - claims} {unit} exceeds the tolerance of {_normal(limit)} {unit} "
                f"(0.01% of total assets, at least 1 元)",
            )
        )
    return out, problems


def _absorb(code: str, gap: Decimal, given: dict[str, Decimal], out: dict[str, Decimal]) -> bool:
    """Put ``gap`` of subtotal ``code`` into its first absorber the source did not give (headline-only
    statements); a line that cannot be negative never becomes negative. Updates ``out``; ``False`` if none."""
    signs = dict(ITEMS[code].formula)
    for candidate in ABSORBERS.get(code, ()):
        if candidate in given:
            continue
        share = gap * signs[candidate]
        value = out.get(candidate, Decimal(0)) + share
        if ITEMS[candidate].sign == "+" and value < 0:
            continue
        if ITEMS[candidate].is_subtotal and not _absorb(candidate, share, given, out):
            continue
        out[candidate] = value
        return True
    return False


__all__ = [
    "ABSORBERS",
    "BALANCE_TOLERANCE",
    "ITEMS",
    "LINE_ITEMS",
    "REQUIRED",
    "STATEMENT_LABELS",
    "UNITS",
    "FinancialStatement",
    "LineItem",
    "StatementKind",
    "code_for_label",
    "complete_values",
    "items_of",
    "normal_label",
    "tolerance",
]
