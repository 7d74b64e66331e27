"""Eligibility of a facility for a programme: each of the programme's rules (as data) checked on a candidate.

A rule applies only when the programme sets it (:class:`~computecredit.domain.programmes.Eligibility`);
each check returns a :class:`Finding` in both languages with the value it saw, so a refusal names the rule.

>>> from computecredit.domain.programmes import Eligibility
>>> rules = Eligibility(products=["share_buyback_loan"], max_rate="0.0225", max_purpose_share="0.9")
>>> [rule.key for rule in applicable(rules)]
['product', 'rate_cap', 'purpose_share']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from computecredit.domain.borrowers import Borrower, SpecialisedLevel
from computecredit.domain.facilities import Facility
from computecredit.domain.labels import LabelledEnum
from computecredit.domain.programmes import Eligibility, Programme
from computecredit.money import format_amount
from computecredit.rating.master_scale import load_master_scale


@dataclass(frozen=True)
class Candidate:
    """What eligibility looks at: the borrower, the facility with the limit to be tagged, the facility's
    annual rate, the purpose it finances (a buyback's amount), the rating and the innovation assessment."""

    borrower: Borrower
    facility: Facility
    amount: Decimal
    rate: float | None = None
    purpose_amount: Decimal | None = None
    grade: str | None = None
    rd_intensity: float | None = None
    steady_cash_flow: bool | None = None
    innovation_score: float | None = None


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on a candidate, in both languages."""

    rule: str
    passed: bool
    zh: str
    en: str


@dataclass(frozen=True)
class Rule:
    """A rule: its key and name in both languages, when a programme sets it, and its check."""

    key: str
    zh: str
    en: str
    applies: Callable[[Eligibility], bool]
    check: Callable[[Eligibility, Candidate], tuple[bool, str, str]]


def _zh(members: Sequence[LabelledEnum]) -> str:
    return "、".join(m.zh for m in members)


def _en(members: Sequence[LabelledEnum]) -> str:
    return ", ".join(m.en for m in members)


def _listed(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    ticker = c.borrower.ticker
    return (
        ticker is not None,
        f"上市公司（股票代码 {ticker or '无'}）",
        f"listed company (ticker {ticker or 'none'})",
    )


def _segment(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    s = c.borrower.segment
    return (
        s in e.segments,
        f"产业链环节 {s.zh}；适用：{_zh(e.segments)}",
        f"chain segment {s.en}; eligible: {_en(e.segments)}",
    )


def _product(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    p = c.facility.product
    return p in e.products, f"产品 {p.zh}；适用：{_zh(e.products)}", f"product {p.en}; eligible: {_en(e.products)}"


def _hub(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    hub = c.borrower.hub
    zh, en = (hub.zh, hub.en) if hub else ("无", "none")
    return hub in e.hubs, f"算力枢纽 {zh}；适用：{_zh(e.hubs)}", f"compute hub {en}; eligible: {_en(e.hubs)}"


def _sme(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    size = c.borrower.size_class
    return c.borrower.is_sme, f"中小企业（规模 {size.zh}）", f"an SME (size class {size.en})"


def _high_tech(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    held = c.borrower.credentials.high_tech_enterprise
    return (
        held,
        f"高新技术企业证书：{'有' if held else '无'}",
        f"high-tech enterprise certificate: {'held' if held else 'none'}",
    )


def _specialised(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    assert e.min_specialised_level is not None
    order = list(SpecialisedLevel)
    level = c.borrower.credentials.specialised_level
    passed = order.index(level) >= order.index(e.min_specialised_level)
    return (
        passed,
        f"专精特新 {level.zh}，要求不低于 {e.min_specialised_level.zh}",
        f"specialised-SME level {level.en}, at least {e.min_specialised_level.en} required",
    )


def _patents(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    have, need = c.borrower.credentials.invention_patents, e.min_invention_patents or 0
    return (
        have >= need,
        f"发明专利 {have} 项，要求至少 {need} 项",
        f"{have} invention patents, at least {need} required",
    )


def _rd_intensity(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    need = e.min_rd_intensity or 0.0
    if c.rd_intensity is None:
        return (
            False,
            f"研发投入强度未知，要求至少 {need:.1%}",
            f"R&D intensity unknown, at least {need:.1%} required",
        )
    return (
        c.rd_intensity >= need,
        f"研发投入强度 {c.rd_intensity:.1%}，要求至少 {need:.1%}",
        f"R&D intensity {c.rd_intensity:.1%}, at least {need:.1%} required",
    )


def _rate_cap(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    cap = float(e.max_rate or 0)
    if c.rate is None:
        return False, f"利率未知，上限 {cap:.2%}", f"rate unknown, capped at {cap:.2%}"
    return c.rate <= cap + 1e-12, f"利率 {c.rate:.2%}，上限 {cap:.2%}", f"rate {c.rate:.2%}, capped at {cap:.2%}"


def _purpose_share(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    share = e.max_purpose_share or Decimal(0)
    if not c.purpose_amount:
        return (
            False,
            f"未录入用途金额（回购金额），上限为其 {share:.0%}",
            f"purpose amount (buyback) not recorded; cap {share:.0%}",
        )
    cap = c.purpose_amount * share
    return (
        c.amount <= cap,
        f"额度 {format_amount(c.amount, lang='zh')} ≤ 用途金额 {format_amount(c.purpose_amount, lang='zh')} 的 {share:.0%}",
        f"limit {format_amount(c.amount, lang='en')} ≤ {share:.0%} of the purpose amount {format_amount(c.purpose_amount, lang='en')}",
    )


def _tenor(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    months, cap = c.facility.tenor_months, e.max_tenor_months or 0
    return months <= cap, f"期限 {months} 个月，最长 {cap} 个月", f"tenor {months} months, at most {cap}"


def _facility_amount(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    cap = e.max_facility_amount or Decimal(0)
    return (
        c.amount <= cap,
        f"单户额度 {format_amount(c.amount, lang='zh')}，上限 {format_amount(cap, lang='zh')}",
        f"facility limit {format_amount(c.amount, lang='en')}, at most {format_amount(cap, lang='en')}",
    )


def _grade(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    worst = e.worst_grade or ""
    if c.grade is None:
        return False, f"无评级，准入评级 {worst}", f"no rating; admission grade {worst}"
    scale = load_master_scale()
    passed = scale.grade(c.grade).rank <= scale.grade(worst).rank
    return passed, f"评级 {c.grade}，准入评级不低于 {worst}", f"grade {c.grade}, admission grade {worst} or better"


def _cash_flow_or_innovation(e: Eligibility, c: Candidate) -> tuple[bool, str, str]:
    need = e.min_innovation_score or 0.0
    if c.steady_cash_flow:
        return True, "经营现金流稳定", "steady operating cash flow"
    score = c.innovation_score
    shown = "未知" if score is None else f"{score:.0f}"
    return (
        score is not None and score >= need,
        f"经营现金流不稳定，科技创新评分 {shown}，要求至少 {need:.0f}",
        f"no steady operating cash flow; innovation score {'unknown' if score is None else f'{score:.0f}'}, at least {need:.0f} required",
    )


RULES: tuple[Rule, ...] = (
    Rule("listed", "上市公司", "Listed company", lambda e: e.listed_only, _listed),
    Rule("segment", "产业链环节", "Chain segment", lambda e: bool(e.segments), _segment),
    Rule("product", "产品", "Product", lambda e: bool(e.products), _product),
    Rule("hub", "算力枢纽", "Compute hub", lambda e: bool(e.hubs), _hub),
    Rule("sme", "中小企业", "SME", lambda e: e.sme_only, _sme),
    Rule("high_tech", "高新技术企业", "High-tech enterprise", lambda e: e.high_tech_required, _high_tech),
    Rule(
        "specialised_level",
        "专精特新等级",
        "Specialised-SME level",
        lambda e: e.min_specialised_level is not None,
        _specialised,
    ),
    Rule(
        "invention_patents",
        "发明专利数",
        "Invention patents",
        lambda e: e.min_invention_patents is not None,
        _patents,
    ),
    Rule("rd_intensity", "研发投入强度", "R&D intensity", lambda e: e.min_rd_intensity is not None, _rd_intensity),
    Rule("rate_cap", "利率上限", "Rate cap", lambda e: e.max_rate is not None, _rate_cap),
    Rule(
        "purpose_share",
        "占用途金额比例上限",
        "Share of the purpose financed",
        lambda e: e.max_purpose_share is not None,
        _purpose_share,
    ),
    Rule("tenor", "最长期限", "Longest tenor", lambda e: e.max_tenor_months is not None, _tenor),
    Rule(
        "facility_amount",
        "单户额度上限",
        "Largest facility",
        lambda e: e.max_facility_amount is not None,
        _facility_amount,
    ),
    Rule("grade", "准入评级", "Admission grade", lambda e: e.worst_grade is not None, _grade),
    Rule(
        "cash_flow_or_innovation",
        "经营现金流或科技创新评分",
        "Operating cash flow or innovation score",
        lambda e: e.min_innovation_score is not None,
        _cash_flow_or_innovation,
    ),
)


RULE_BY_KEY = {rule.key: rule for rule in RULES}

# The eligibility field each rule reads (what a report shows as the rule's setting).
RULE_FIELDS = {
    "listed": "listed_only",
    "segment": "segments",
    "product": "products",
    "hub": "hubs",
    "sme": "sme_only",
    "high_tech": "high_tech_required",
    "specialised_level": "min_specialised_level",
    "invention_patents": "min_invention_patents",
    "rd_intensity": "min_rd_intensity",
    "rate_cap": "max_rate",
    "purpose_share": "max_purpose_share",
    "tenor": "max_tenor_months",
    "facility_amount": "max_facility_amount",
    "grade": "worst_grade",
    "cash_flow_or_innovation": "min_innovation_score",
}


def applicable(rules: Eligibility) -> list[Rule]:
    """The rules a programme sets, in a fixed order."""
    return [rule for rule in RULES if rule.applies(rules)]


def evaluate(programme: Programme, candidate: Candidate) -> list[Finding]:
    """Every applicable rule's finding for ``candidate`` (passed or not)."""
    return [
        Finding(rule.key, *rule.check(programme.eligibility, candidate))
        for rule in applicable(programme.eligibility)
    ]


def failures(programme: Programme, candidate: Candidate) -> list[Finding]:
    """The findings that make ``candidate`` ineligible (empty: eligible)."""
    return [finding for finding in evaluate(programme, candidate) if not finding.passed]


def quota_left(programme: Programme, committed: Decimal) -> Decimal:
    """What is left of the programme's amount after ``committed`` (never below zero).

    >>> from datetime import date
    >>> p = Programme(code="SB-RELEND", kind="relending_quota", name_zh="回购再贷款", name_en="Buyback relending",
    ...               amount=Decimal("5e8"), start=date(2025, 1, 1), end=date(2027, 12, 31))
    >>> quota_left(p, Decimal("3.2e8")), quota_left(p, Decimal("6e8"))
    (Decimal('1.8E+8'), Decimal('0'))
    """
    return max(programme.amount - committed, Decimal(0))


__all__ = [
    "RULES",
    "RULE_BY_KEY",
    "RULE_FIELDS",
    "Candidate",
    "Finding",
    "Rule",
    "applicable",
    "evaluate",
    "failures",
    "quota_left",
]
