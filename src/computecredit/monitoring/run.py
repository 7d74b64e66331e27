"""One monitoring pass over the book on a date: signals, watch list, review tasks, classes, alerts.

:func:`monitor` is pure and deterministic: the same books, market data, rules, date and previous classes
give the same :class:`MonitoringResult` (its :meth:`~MonitoringResult.digest` is equal), which is what
makes ``computecredit monitor run`` idempotent.

- **Watch list**: a borrower whose signals add up to ``watch_list_points`` (or whose assets are 关注 or
  worse) is on the watch list.
- **Re-rating trigger**: at ``review_points`` a rating-review task is raised for the borrower; where it has
  projects, the task asks for the project model to be re-run with the actuals to date.
- **Classification**: each facility is classified (:mod:`.classification`); high or critical signals are
  "factors that may harm performance" (Art. 6, 关注); the debtor rule (Art. 7) is applied per borrower.
- **Alerts**: one per signal at or above the policy's minimum severity, one per review task and one per
  downgrade, each with an owner (by family) and a due date (by severity).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from computecredit.domain.exposures import LoanClass
from computecredit.domain.facilities import ProductType
from computecredit.jsonable import to_jsonable
from computecredit.monitoring.book import BorrowerBook, MarketData
from computecredit.monitoring.classification import (
    RANK,
    Classification,
    ClassificationFacts,
    apply_debtor_rule,
    classify,
    ecl_stage,
)
from computecredit.monitoring.data import EventKind, PaymentRecord
from computecredit.monitoring.reforecast import Reforecast, reforecast
from computecredit.monitoring.rules import (
    SEVERITIES,
    CovenantTest,
    RuleSet,
    Signal,
    chinese_name,
    evaluate,
    points,
)


@dataclass(frozen=True)
class FacilityClass:
    """The class of one facility on the run date, with the previous class and the articles that set it."""

    facility_reference: str
    borrower_uscc: str
    category: LoanClass
    previous: LoanClass | None
    ecl_stage: int
    days_past_due: int
    outstanding: Decimal | None
    reasons: tuple[tuple[str, str], ...]

    @property
    def changed(self) -> bool:
        return self.previous is not None and self.previous is not self.category

    @property
    def downgraded(self) -> bool:
        return RANK[self.category] > RANK[self.previous or LoanClass.NORMAL]


@dataclass(frozen=True)
class WatchEntry:
    borrower_uscc: str
    points: int
    rule_ids: tuple[str, ...]
    worst_class: LoanClass
    review: bool


@dataclass(frozen=True)
class Alert:
    """Something a person must act on by ``due_date``; ``key`` identifies it across re-runs."""

    key: str
    kind: str  # signal | rating_review | classification
    borrower_uscc: str
    subject: str
    severity: str
    owner: str
    due_date: date
    title_zh: str
    title_en: str
    rule_id: str | None = None


@dataclass(frozen=True)
class MonitoringResult:
    as_of: date
    rules_version: str
    signals: tuple[Signal, ...]
    watch_list: tuple[WatchEntry, ...]
    classifications: tuple[FacilityClass, ...]
    alerts: tuple[Alert, ...]
    points: dict[str, int] = field(default_factory=dict)
    reforecasts: tuple[Reforecast, ...] = ()

    @property
    def reviews(self) -> tuple[WatchEntry, ...]:
        return tuple(w for w in self.watch_list if w.review)

    @property
    def changes(self) -> tuple[FacilityClass, ...]:
        return tuple(c for c in self.classifications if c.changed)

    def as_dict(self) -> dict[str, Any]:
        """Plain data (dates as ISO text, classes as values), the shape ``monitor run --json`` prints."""
        return to_jsonable(
            {
                "as_of": self.as_of,
                "rules_version": self.rules_version,
                "signals": [asdict(s) for s in self.signals],
                "breaches": [asdict(s) for s in self.signals if s.rule_id.startswith("FIN-COVENANT")],
                "watch_list": [asdict(w) for w in self.watch_list],
                "reviews": [w.borrower_uscc for w in self.reviews],
                "classifications": [asdict(c) for c in self.classifications],
                "classification_changes": [asdict(c) for c in self.changes],
                "alerts": [asdict(a) for a in self.alerts],
                "points": self.points,
                "reforecasts": [asdict(r) for r in self.reforecasts],
            },
            exact=True,
        )

    def digest(self) -> str:
        """SHA-256 of the result's canonical JSON: equal digests mean equal results."""
        text = json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _months_current(records: Sequence[PaymentRecord]) -> int:
    count = 0
    for record in reversed(records):
        if record.days_past_due > 0:
            break
        count += 1
    return count


def facts_for(
    book: BorrowerBook,
    facility_reference: str,
    as_of: date,
    adverse: tuple[str, ...],
    previous: LoanClass | None,
) -> tuple[ClassificationFacts, PaymentRecord | None]:
    """The classification facts of one facility from its payment history and the borrower's events."""
    records = book.payments_of(facility_reference)
    last = records[-1] if records else None
    restructurings = sorted({r.restructured_on for r in records if r.restructured_on is not None})
    restructured_on = restructurings[-1] if restructurings else None
    before = None
    if restructured_on is not None:
        prior = [r for r in records if r.as_of < restructured_on]
        if prior:
            before = classify(ClassificationFacts(days_past_due=prior[-1].days_past_due)).category
    facts = ClassificationFacts(
        days_past_due=last.days_past_due if last else 0,
        technical_delay=last.technical_delay if last else False,
        credit_impaired=last.credit_impaired if last else False,
        ecl_ratio=last.ecl_ratio if last else None,
        bankrupt=any(e.kind is EventKind.BANKRUPTCY for e in book.events),
        adverse_signals=adverse,
        restructured_on=restructured_on,
        previous_restructured_on=restructurings[-2] if len(restructurings) > 1 else None,
        class_before_restructuring=before,
        previous=previous,
        months_current=_months_current(records),
        as_of=as_of,
    )
    return facts, last


def monitor(
    books: Sequence[BorrowerBook],
    market: MarketData,
    rules: RuleSet,
    as_of: date,
    previous: Mapping[str, LoanClass] | None = None,
    covenant_test: CovenantTest | None = None,
) -> MonitoringResult:
    """Run every rule, classify every facility and raise the alerts, on ``as_of``."""
    previous = previous or {}
    signals = evaluate(books, market, rules, as_of, covenant_test)
    by_borrower: dict[str, list[Signal]] = {}
    for signal in signals:
        by_borrower.setdefault(signal.borrower_uscc, []).append(signal)

    classifications: list[FacilityClass] = []
    for full in sorted(books, key=lambda b: b.uscc):
        book = full.known_at(as_of, rules.statement_lag_days)
        adverse = tuple(
            sorted({s.rule_id for s in by_borrower.get(book.uscc, []) if s.severity in ("high", "critical")})
        )
        found: dict[str, Classification] = {}
        balances: dict[str, Decimal] = {}
        lasts: dict[str, PaymentRecord | None] = {}
        lent = [f for f in book.facilities if f.product is not ProductType.CREDIT_LINE]
        for facility in sorted(lent, key=lambda f: f.reference):
            facts, last = facts_for(book, facility.reference, as_of, adverse, previous.get(facility.reference))
            found[facility.reference] = classify(facts)
            lasts[facility.reference] = last
            outstanding = last.outstanding if last and last.outstanding is not None else facility.amount
            balances[facility.reference] = outstanding
        for reference, result in apply_debtor_rule(found, balances).items():
            last = lasts[reference]
            dpd = last.days_past_due if last else 0
            classifications.append(
                FacilityClass(
                    facility_reference=reference,
                    borrower_uscc=book.uscc,
                    category=result.category,
                    previous=previous.get(reference),
                    ecl_stage=ecl_stage(result.category, dpd),
                    days_past_due=dpd,
                    outstanding=last.outstanding if last else None,
                    reasons=tuple((r.article, r.text) for r in result.reasons),
                )
            )

    borrower_points = {uscc: points(found, rules) for uscc, found in sorted(by_borrower.items())}
    watch_list = []
    for book in sorted(books, key=lambda b: b.uscc):
        score = borrower_points.get(book.uscc, 0)
        classes = [c.category for c in classifications if c.borrower_uscc == book.uscc]
        worst_class = max(classes, key=RANK.__getitem__, default=LoanClass.NORMAL)
        if score >= rules.watch_list_points or RANK[worst_class] >= RANK[LoanClass.SPECIAL_MENTION]:
            watch_list.append(
                WatchEntry(
                    borrower_uscc=book.uscc,
                    points=score,
                    rule_ids=tuple(sorted({s.rule_id for s in by_borrower.get(book.uscc, [])})),
                    worst_class=worst_class,
                    review=score >= rules.review_points,
                )
            )
    reviewed = {w.borrower_uscc for w in watch_list if w.review}
    reforecasts: list[Reforecast] = []
    for full in sorted(books, key=lambda b: b.uscc):
        if full.uscc not in reviewed:
            continue
        book = full.known_at(as_of, rules.statement_lag_days)
        for project in book.projects:
            rerun = reforecast(project.code, project.inputs, book.reports_of(project.code), book.events, as_of)
            if rerun is not None:
                reforecasts.append(rerun)
    alerts = _alerts(signals, watch_list, classifications, books, rules, as_of, reforecasts)
    return MonitoringResult(
        as_of=as_of,
        rules_version=rules.version,
        signals=tuple(signals),
        watch_list=tuple(watch_list),
        classifications=tuple(classifications),
        alerts=tuple(alerts),
        points=borrower_points,
        reforecasts=tuple(reforecasts),
    )


def _alerts(
    signals: Sequence[Signal],
    watch_list: Sequence[WatchEntry],
    classifications: Sequence[FacilityClass],
    books: Sequence[BorrowerBook],
    rules: RuleSet,
    as_of: date,
    reforecasts: Sequence[Reforecast],
) -> list[Alert]:
    policy = rules.alerts
    minimum = SEVERITIES.index(policy.min_severity)

    def due(severity: str) -> date:
        return as_of + timedelta(days=policy.due_days[severity])  # type: ignore[index]

    alerts = [
        Alert(
            key=f"signal:{s.borrower_uscc}:{s.rule_id}:{s.subject}",
            kind="signal",
            borrower_uscc=s.borrower_uscc,
            subject=s.subject,
            severity=s.severity,
            owner=policy.owners[s.family],
            due_date=due(s.severity),
            title_zh=s.evidence_zh,
            title_en=s.evidence_en,
            rule_id=s.rule_id,
        )
        for s in signals
        if SEVERITIES.index(s.severity) >= minimum
    ]
    projects = {book.uscc: [p.code for p in book.projects] for book in books}
    names_zh = {p.code: chinese_name(p.name, p.code) for book in books for p in book.projects}
    for entry in watch_list:
        if not entry.review:
            continue
        rerun = projects.get(entry.borrower_uscc) or []
        rerun_zh = f"；以实际数据重跑项目模型 {'、'.join(names_zh[c] for c in rerun)}" if rerun else ""
        rerun_en = f"; re-run the project model of {', '.join(rerun)} with actuals to date" if rerun else ""
        for found in (r for r in reforecasts if r.project_code in rerun):
            rerun_zh += f"（{names_zh[found.project_code]} 最低DSCR {found.min_dscr_model} → 实际 {found.min_dscr_actuals}）"
            rerun_en += (
                f" ({found.project_code} min DSCR {found.min_dscr_model} → {found.min_dscr_actuals} on actuals)"
            )
        alerts.append(
            Alert(
                key=f"rating_review:{entry.borrower_uscc}",
                kind="rating_review",
                borrower_uscc=entry.borrower_uscc,
                subject=entry.borrower_uscc,
                severity="high",
                owner=policy.owners["review"],
                due_date=due("high"),
                title_zh=f"评级复核：预警分值 {entry.points}（{', '.join(entry.rule_ids)}）{rerun_zh}",
                title_en=f"Rating review: {entry.points} warning points ({', '.join(entry.rule_ids)}){rerun_en}",
            )
        )
    for change in classifications:
        if not (change.changed and change.downgraded):
            continue
        severity = "critical" if change.ecl_stage == 3 else "high"
        before = change.previous.zh if change.previous else "-"
        alerts.append(
            Alert(
                key=f"classification:{change.facility_reference}:{change.category.value}",
                kind="classification",
                borrower_uscc=change.borrower_uscc,
                subject=change.facility_reference,
                severity=severity,
                owner=policy.owners["classification"],
                due_date=due(severity),
                title_zh=f"五级分类下调：{change.facility_reference} {before} → {change.category.zh}",
                title_en=f"Downgraded: {change.facility_reference} {change.previous.en if change.previous else '-'}"
                f" → {change.category.en}",
            )
        )
    return sorted(alerts, key=lambda a: (a.borrower_uscc, a.kind, a.key))


__all__ = ["Alert", "FacilityClass", "MonitoringResult", "WatchEntry", "facts_for", "monitor"]
