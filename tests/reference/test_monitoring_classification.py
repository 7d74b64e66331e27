"""Five-category classification against 《商业银行金融资产风险分类办法》 (CBIRC/PBOC Order 2023 No. 1).

Articles: 第六条 (five classes; 关注 = adverse factors while the debtor can still pay), 第七条第二款 (more than
10% of a non-retail debtor's claims non-performing ⇒ all non-performing), 第九条–第十二条 (overdue ⇒ at
least 关注; > 90 days ⇒ 次级; > 270 ⇒ 可疑; > 360 ⇒ 损失; credit impairment ⇒ at least 次级; bankruptcy
liquidation ⇒ 损失), 第十三条 (upgrading a non-performing asset), 第二十条–第二十二条 (restructuring:
observation period of at least one year; at least 关注; no upgrade; restructured again ⇒ at least 可疑).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from computecredit.domain.exposures import LoanClass
from computecredit.monitoring.classification import (
    Classification,
    ClassificationFacts,
    apply_debtor_rule,
    classify,
    ecl_stage,
)


@pytest.mark.parametrize(
    ("dpd", "expected", "article"),
    [
        (0, LoanClass.NORMAL, None),
        (1, LoanClass.SPECIAL_MENTION, "第九条"),
        (90, LoanClass.SPECIAL_MENTION, "第九条"),
        (91, LoanClass.SUBSTANDARD, "第十条"),
        (270, LoanClass.SUBSTANDARD, "第十条"),
        (271, LoanClass.DOUBTFUL, "第十一条"),
        (360, LoanClass.DOUBTFUL, "第十一条"),
        (361, LoanClass.LOSS, "第十二条"),
    ],
)
def test_days_past_due_thresholds(dpd: int, expected: LoanClass, article: str | None) -> None:
    result = classify(ClassificationFacts(days_past_due=dpd))
    assert result.category is expected
    assert [r.article for r in result.reasons] == ([article] if article else [])


def test_short_technical_delay_is_not_overdue() -> None:
    assert classify(ClassificationFacts(days_past_due=7, technical_delay=True)).category is LoanClass.NORMAL
    assert (
        classify(ClassificationFacts(days_past_due=8, technical_delay=True)).category is LoanClass.SPECIAL_MENTION
    )


def test_impairment_and_bankruptcy() -> None:
    assert classify(ClassificationFacts(credit_impaired=True, ecl_ratio=0.2)).category is LoanClass.SUBSTANDARD
    assert classify(ClassificationFacts(credit_impaired=True, ecl_ratio=0.5)).category is LoanClass.DOUBTFUL
    assert classify(ClassificationFacts(credit_impaired=True, ecl_ratio=0.9)).category is LoanClass.LOSS
    assert classify(ClassificationFacts(bankrupt=True)).category is LoanClass.LOSS


def test_adverse_factors_make_special_mention() -> None:
    result = classify(ClassificationFacts(adverse_signals=("EVT-OFFTAKE-TERMINATED",)))
    assert result.category is LoanClass.SPECIAL_MENTION and result.reasons[0].article == "第六条"


def test_debtor_rule_ten_percent() -> None:
    npl, ok = Classification(LoanClass.SUBSTANDARD), Classification(LoanClass.NORMAL)
    at_ten = apply_debtor_rule({"A": npl, "B": ok}, {"A": Decimal(10), "B": Decimal(90)})
    assert at_ten["B"].category is LoanClass.NORMAL  # exactly 10% is not "more than 10%"
    above = apply_debtor_rule({"A": npl, "B": ok}, {"A": Decimal(11), "B": Decimal(89)})
    assert above["B"].category is LoanClass.SUBSTANDARD and above["B"].reasons[0].article == "第七条"


def test_restructuring_observation_period() -> None:
    restructured = ClassificationFacts(restructured_on=date(2025, 6, 30), as_of=date(2025, 12, 31))
    assert classify(restructured).category is LoanClass.SPECIAL_MENTION
    assert classify(restructured).reasons[0].article == "第二十一条"
    after_a_year = ClassificationFacts(restructured_on=date(2025, 6, 30), as_of=date(2026, 7, 1))
    assert classify(after_a_year).category is LoanClass.NORMAL
    was_bad = ClassificationFacts(
        restructured_on=date(2025, 6, 30), as_of=date(2025, 12, 31), class_before_restructuring=LoanClass.DOUBTFUL
    )
    assert classify(was_bad).category is LoanClass.DOUBTFUL
    again = ClassificationFacts(
        restructured_on=date(2025, 12, 1), previous_restructured_on=date(2025, 6, 30), as_of=date(2025, 12, 31)
    )
    assert classify(again).category is LoanClass.DOUBTFUL
    assert "第二十二条" in [r.article for r in classify(again).reasons]


def test_no_upgrade_of_a_non_performing_asset_before_six_months_current() -> None:
    recent = ClassificationFacts(previous=LoanClass.SUBSTANDARD, months_current=3)
    assert classify(recent).category is LoanClass.SUBSTANDARD and classify(recent).reasons[0].article == "第十三条"
    cured = ClassificationFacts(previous=LoanClass.SUBSTANDARD, months_current=6)
    assert classify(cured).category is LoanClass.NORMAL


def test_ecl_stage_follows_the_class() -> None:
    assert [ecl_stage(c, 0) for c in LoanClass] == [1, 2, 3, 3, 3]
    assert ecl_stage(LoanClass.NORMAL, 31) == 2
