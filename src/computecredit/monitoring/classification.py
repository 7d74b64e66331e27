"""Five-category classification (五级分类) of non-retail credit assets, and the ECL stage it implies.

Rules of 《商业银行金融资产风险分类办法》 (CBIRC/PBOC Order 2023 No. 1, in force 2023-07-01), for
non-retail assets. Each rule gives a *floor* ("at least ..."); the asset takes the worst floor that applies:

- Art. 6 defines the five classes; 次级/可疑/损失 are non-performing (不良). 关注: "factors that may harm
  performance exist, but the debtor can pay now" — here: any early-warning signal of high severity.
- Overdue thresholds (Arts. 9–12): any principal, interest or income overdue ⇒ at least 关注 (the Measures
  except a short operational or technical delay within 7 days; that is the bank's judgement, so here any
  day past due counts unless the record is marked ``technical_delay``); overdue > 90 days ⇒ at least 次级; > 270 days
  ⇒ at least 可疑; > 360 days ⇒ 损失. Credit-impaired (CAS 22 §40) ⇒ at least 次级; impaired with expected
  loss ≥ 50% of the balance ⇒ at least 可疑, ≥ 90% ⇒ 损失; debtor in bankruptcy liquidation ⇒ 损失.
- Art. 7 ¶2: when more than 10% of a non-retail debtor's claims at the bank are non-performing, all its
  claims at the bank are non-performing (:func:`apply_debtor_rule`).
- Arts. 17–22 (restructured assets): observation period from the first repayment date after the change, at
  least two repayment periods and not less than one year (Art. 20); an asset performing before the
  restructuring is at least 关注 after it (Art. 21); a non-performing one is not upgraded during the
  observation period (Art. 21); restructured again within the period ⇒ at least 可疑 (Art. 22).
- Upgrading a non-performing asset (Art. 13): arrears paid and repayments normal for at least two
  repayment periods or six months, whichever is longer — here: a non-performing asset stays at its class
  until it has been current for ``months_current`` ≥ 6.

Article numbers 6, 7 and 17–22 were checked against the published text (建标库 copy of the 2023 Measures);
the overdue and impairment thresholds against the regulators' summary (PBOC/CBIRC, 2023-02-11); the
numbering of Arts. 9–13 follows the same text's order and is marked [U] in docs/monitoring.md.

>>> classify(ClassificationFacts(days_past_due=95)).category.zh
'次级'
>>> [r.article for r in classify(ClassificationFacts(days_past_due=95)).reasons]
['第十条']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from computecredit.domain.exposures import NON_PERFORMING, LoanClass

ORDER: tuple[LoanClass, ...] = (
    LoanClass.NORMAL,
    LoanClass.SPECIAL_MENTION,
    LoanClass.SUBSTANDARD,
    LoanClass.DOUBTFUL,
    LoanClass.LOSS,
)
RANK = {category: index for index, category in enumerate(ORDER)}

SHORT_DELAY_DAYS = 7  # operational or technical delays within 7 days do not count as overdue
OBSERVATION_MIN_DAYS = 365  # Art. 20: not less than one year
UPGRADE_MONTHS = 6  # Art. 13: two repayment periods or six months, whichever is longer


@dataclass(frozen=True)
class Reason:
    """One rule that set a floor: the article, the class it requires, and what in the facts triggered it."""

    article: str
    floor: LoanClass
    text: str


@dataclass(frozen=True)
class ClassificationFacts:
    """What the classification of one asset depends on, as known on the classification date."""

    days_past_due: int = 0
    technical_delay: bool = False
    credit_impaired: bool = False
    ecl_ratio: float | None = None
    bankrupt: bool = False
    adverse_signals: tuple[str, ...] = ()
    restructured_on: date | None = None
    previous_restructured_on: date | None = None
    class_before_restructuring: LoanClass | None = None
    previous: LoanClass | None = None
    months_current: int = 0
    as_of: date | None = None


@dataclass(frozen=True)
class Classification:
    category: LoanClass
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def non_performing(self) -> bool:
        return self.category in NON_PERFORMING


def worst(*categories: LoanClass) -> LoanClass:
    """The most severe of ``categories``.

    >>> worst(LoanClass.NORMAL, LoanClass.DOUBTFUL, LoanClass.SUBSTANDARD).zh
    '可疑'
    """
    return max(categories, key=RANK.__getitem__)


def in_observation(facts: ClassificationFacts) -> bool:
    """Whether a restructured asset is still in its observation period (Art. 20, at least one year)."""
    if facts.restructured_on is None or facts.as_of is None:
        return False
    return (facts.as_of - facts.restructured_on).days < OBSERVATION_MIN_DAYS


def classify(facts: ClassificationFacts) -> Classification:
    """The five-category class of one non-retail asset with the reasons (articles) behind it.

    >>> classify(ClassificationFacts()).category.zh
    '正常'
    >>> classify(ClassificationFacts(days_past_due=5)).category.zh
    '关注'
    >>> classify(ClassificationFacts(days_past_due=5, technical_delay=True)).category.zh
    '正常'
    >>> classify(ClassificationFacts(credit_impaired=True, ecl_ratio=0.6)).category.zh
    '可疑'
    """
    reasons: list[Reason] = []
    dpd = facts.days_past_due
    if dpd > 360:
        reasons.append(Reason("第十二条", LoanClass.LOSS, f"overdue {dpd} days > 360"))
    elif dpd > 270:
        reasons.append(Reason("第十一条", LoanClass.DOUBTFUL, f"overdue {dpd} days > 270"))
    elif dpd > 90:
        reasons.append(Reason("第十条", LoanClass.SUBSTANDARD, f"overdue {dpd} days > 90"))
    elif dpd > 0 and not (facts.technical_delay and dpd <= SHORT_DELAY_DAYS):
        reasons.append(Reason("第九条", LoanClass.SPECIAL_MENTION, f"overdue {dpd} days"))
    if facts.credit_impaired:
        ratio = facts.ecl_ratio or 0.0
        if ratio >= 0.9:
            reasons.append(Reason("第十二条", LoanClass.LOSS, f"credit-impaired, expected loss {ratio:.0%} ≥ 90%"))
        elif ratio >= 0.5:
            reasons.append(
                Reason("第十一条", LoanClass.DOUBTFUL, f"credit-impaired, expected loss {ratio:.0%} ≥ 50%")
            )
        else:
            reasons.append(Reason("第十条", LoanClass.SUBSTANDARD, "credit-impaired (CAS 22 §40)"))
    if facts.bankrupt:
        reasons.append(Reason("第十二条", LoanClass.LOSS, "debtor in bankruptcy liquidation"))
    if facts.adverse_signals:
        reasons.append(
            Reason(
                "第六条",
                LoanClass.SPECIAL_MENTION,
                "factors that may harm performance: " + ", ".join(facts.adverse_signals),
            )
        )
    if facts.restructured_on is not None and in_observation(facts):
        before = facts.class_before_restructuring or LoanClass.NORMAL
        if facts.previous_restructured_on is not None and (
            (facts.restructured_on - facts.previous_restructured_on).days < OBSERVATION_MIN_DAYS
        ):
            reasons.append(
                Reason("第二十二条", LoanClass.DOUBTFUL, "restructured again within the observation period")
            )
        if before in NON_PERFORMING:
            reasons.append(
                Reason(
                    "第二十一条", before, f"restructured while {before.zh}: no upgrade in the observation period"
                )
            )
        else:
            reasons.append(
                Reason(
                    "第二十一条",
                    LoanClass.SPECIAL_MENTION,
                    f"restructured on {facts.restructured_on} (observation period under way)",
                )
            )
    if facts.previous in NON_PERFORMING and facts.months_current < UPGRADE_MONTHS:
        reasons.append(
            Reason(
                "第十三条",
                facts.previous,  # type: ignore[arg-type]
                f"was {facts.previous.zh}; current for {facts.months_current} months < {UPGRADE_MONTHS}",  # type: ignore[union-attr]
            )
        )
    category = worst(LoanClass.NORMAL, *(r.floor for r in reasons))
    return Classification(category, tuple(r for r in reasons if r.floor == category))


def apply_debtor_rule(
    classes: Mapping[str, Classification], balances: Mapping[str, Decimal]
) -> dict[str, Classification]:
    """Art. 7 ¶2: if more than 10% of a debtor's claims are non-performing, all are (at least 次级).

    ``classes`` and ``balances`` are keyed by facility reference and belong to one debtor.

    >>> cls = {"A": Classification(LoanClass.SUBSTANDARD), "B": Classification(LoanClass.NORMAL)}
    >>> out = apply_debtor_rule(cls, {"A": Decimal(20), "B": Decimal(80)})
    >>> out["B"].category.zh, out["B"].reasons[0].article
    ('次级', '第七条')
    """
    total = sum((balances.get(ref, Decimal(0)) for ref in classes), Decimal(0))
    bad = sum((balances.get(ref, Decimal(0)) for ref, c in classes.items() if c.non_performing), Decimal(0))
    if total <= 0 or bad / total <= Decimal("0.10"):
        return dict(classes)
    share = bad / total
    out = {}
    for ref, found in classes.items():
        if found.non_performing:
            out[ref] = found
        else:
            reason = Reason(
                "第七条",
                LoanClass.SUBSTANDARD,
                f"{share:.0%} of the debtor's claims at the bank are non-performing",
            )
            out[ref] = Classification(LoanClass.SUBSTANDARD, (reason,))
    return out


def ecl_stage(category: LoanClass, days_past_due: int) -> int:
    """The expected-credit-loss stage of a class (CAS 22 / IFRS 9 three stages).

    Non-performing assets are credit-impaired (the 2023 Measures treat impaired assets as 不良): stage 3.
    关注 or more than 30 days past due (IFRS 9 §5.5.11 presumption): stage 2. Otherwise stage 1.

    >>> ecl_stage(LoanClass.SPECIAL_MENTION, 0), ecl_stage(LoanClass.NORMAL, 45), ecl_stage(LoanClass.LOSS, 0)
    (2, 2, 3)
    """
    if category in NON_PERFORMING:
        return 3
    if category is LoanClass.SPECIAL_MENTION or days_past_due > 30:
        return 2
    return 1


__all__ = [
    "ORDER",
    "RANK",
    "Classification",
    "ClassificationFacts",
    "Reason",
    "apply_debtor_rule",
    "classify",
    "ecl_stage",
    "in_observation",
    "worst",
]
