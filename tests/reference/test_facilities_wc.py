"""Working-capital need against the 2010 formula, on a hand-worked case.

Source: 《流动资金贷款管理暂行办法》(银监会令2010年第1号) 附件 "流动资金贷款需求量的测算参考". The appendix
gives the formulas without a numeric example, so the case below is worked by hand (360-day year):

    存货周转天数 = 360 × 2000万 / 8000万 = 90      应收账款周转天数 = 360 × 2500万 / 1亿 = 90
    应付账款周转天数 = 360 × 1600万 / 8000万 = 72  预付账款周转天数 = 360 × 400万 / 8000万 = 18
    预收账款周转天数 = 360 × 500万 / 1亿 = 18
    营运资金周转次数 = 360 / (90 + 90 − 72 + 18 − 18) = 360 / 108 = 3.3333
    营运资金量 = 1亿 × (1 − 10%) × (1 + 20%) / 3.3333 = 3240万
    新增流动资金贷款额度 = 3240万 − 1000万 − 1200万 − 240万 = 800万
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from computecredit.facilities.working_capital import parse_inputs, working_capital_need

CASE = Path(__file__).parents[1] / "data" / "facilities" / "wc_hand_worked.yaml"


def test_hand_worked_case() -> None:
    result = working_capital_need(parse_inputs(yaml.safe_load(CASE.read_text())))
    days = {item.key: item.days for item in result.turnover}
    assert days == {
        "inventory": Decimal(90),
        "receivables": Decimal(90),
        "payables": Decimal(72),
        "prepayments": Decimal(18),
        "advances_received": Decimal(18),
    }
    assert result.cycle_days == Decimal(108)
    assert result.turnover_times == Decimal("3.3333")
    assert result.working_capital_need == Decimal("32400000.00")
    assert result.new_wc_loan_limit == Decimal("8000000.00")
