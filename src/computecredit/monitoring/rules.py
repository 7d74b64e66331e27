"""Early-warning rules as data, evaluated on a borrower's book: each signal names its evidence.

Rules live in ``reference/data/early_warning_rules.yaml`` (thresholds, severities, sources); this module
knows only the *checks* a rule may use. Three families:

- ``financial``: statement ratios beyond a level (``metric_level``), covenant headroom shrinking or
  breached (``covenant``, tested by the function the caller passes in), days past due (``days_past_due``);
- ``operational``: an operating-report figure below the model's plan (``below_plan``), stalled
  (``stall``), dropping (``drop``), beyond a level (``report_level``), PUE above the hub rule (``pue_limit``);
- ``market_event``: the rental-price index of the borrower's chips falling (``market_change``), an event of
  a kind (``event``), an export-control update touching its chips (``export_control``), an event's ratio
  or amount beyond a level (``event_ratio``, ``event_amount``).

>>> rules = load_rules()
>>> sorted({rule.family for rule in rules.rules})
['financial', 'market_event', 'operational']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, Protocol, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from computecredit.domain import Covenant
from computecredit.domain.users import Role
from computecredit.errors import InputError, from_validation_error
from computecredit.monitoring.book import BorrowerBook, MarketData
from computecredit.monitoring.classification import SHORT_DELAY_DAYS
from computecredit.monitoring.data import EventKind, MarketSeries, OperatingReport
from computecredit.reference import load_yaml
from computecredit.reference import version as table_version

RULES_TABLE = "early_warning_rules.yaml"

Family = Literal["financial", "operational", "market_event"]
Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high", "critical")
Operator = Literal["<", "<=", ">", ">="]

# The fields each check needs, checked when the rule table is loaded.
CHECK_FIELDS: dict[str, tuple[str, ...]] = {
    "metric_level": ("metric", "operator", "threshold"),
    "covenant": ("statuses",),
    "days_past_due": ("threshold",),
    "below_plan": ("field", "plan_field", "threshold", "periods"),
    "stall": ("field", "periods", "threshold", "ceiling"),
    "drop": ("field", "periods", "threshold"),
    "report_level": ("field", "operator", "threshold", "periods"),
    "pue_limit": (),
    "market_change": ("series", "periods", "operator", "threshold"),
    "event": ("kinds", "within_days"),
    "export_control": ("within_days",),
    "event_ratio": ("kinds", "operator", "threshold"),
    "event_amount": ("kinds", "threshold", "within_days"),
}


class Rule(BaseModel):
    """One early-warning rule: which check, its parameters, severity, bilingual text and source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Z][A-Z0-9\-]{2,40}$")
    family: Family
    check: str
    severity: Severity
    zh: str = Field(min_length=2)
    en: str = Field(min_length=2)
    source: str = Field(min_length=2)
    metric: str | None = None
    field: str | None = None
    plan_field: str | None = None
    operator: Operator | None = None
    threshold: float | None = None
    ceiling: float | None = None
    relative: bool = False
    periods: int | None = Field(None, ge=1, le=36)
    series: MarketSeries | None = None
    kinds: tuple[EventKind, ...] = ()
    within_days: int | None = Field(None, ge=1)
    statuses: tuple[Literal["warning", "breach"], ...] = ()

    @model_validator(mode="after")
    def _check_known(self) -> Self:
        if self.check not in CHECK_FIELDS:
            raise ValueError(f"check {self.check!r} is not one of {', '.join(CHECK_FIELDS)}")
        missing = [name for name in CHECK_FIELDS[self.check] if getattr(self, name) in (None, ())]
        if missing:
            raise ValueError(f"check {self.check!r} needs {', '.join(missing)}")
        return self


class AlertPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_severity: Severity
    due_days: dict[Severity, int]
    # The role that owns an alert, by family or kind; the service gives it to a person of that role at the
    # borrower's branch (computecredit.services.monitoring.route_alerts).
    owners: dict[str, Role]


class RuleSet(BaseModel):
    """The whole rule table: points per severity, watch-list and review thresholds, alert routing, rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = ""
    statement_lag_days: int = Field(ge=0, le=366)
    severity_points: dict[Severity, int]
    watch_list_points: int = Field(ge=1)
    review_points: int = Field(ge=1)
    pue_limits: dict[str, float]
    alerts: AlertPolicy
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        ids = [rule.id for rule in self.rules]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"rule ids must be unique; repeated: {', '.join(duplicates)}")
        if "national" not in self.pue_limits:
            raise ValueError("pue_limits needs a 'national' entry for projects outside the hubs")
        return self

    def rule(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.id == rule_id)


def load_rules(document: dict[str, Any] | None = None, *, source: str = RULES_TABLE) -> RuleSet:
    """The rule set from ``document`` (a parsed YAML mapping) or the bundled reference table."""
    if document is None:
        document = {**load_yaml(RULES_TABLE), "version": table_version(RULES_TABLE)}
    body = {k: v for k, v in document.items() if k not in ("source", "sources", "notes")}
    try:
        return RuleSet.model_validate(body)
    except ValueError as exc:
        raise from_validation_error(exc, source=source) from None  # type: ignore[arg-type]


@dataclass(frozen=True)
class Signal:
    """One early-warning signal: the rule, whom it is about, when, why (evidence) and the data behind it."""

    rule_id: str
    family: str
    severity: Severity
    borrower_uscc: str
    subject: str
    observed_on: date
    evidence_zh: str
    evidence_en: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.borrower_uscc, self.rule_id, self.subject)


class CovenantOutcome(Protocol):
    """What a covenant test returns (``facilities.covenants.CovenantResult`` has this shape)."""

    @property
    def status(self) -> str: ...

    @property
    def headroom(self) -> float | None: ...


CovenantTest = Callable[[Covenant, "float | None"], CovenantOutcome]


@dataclass(frozen=True)
class Context:
    """What a check sees: the book as known on ``as_of``, the market, the rule set and the covenant test."""

    book: BorrowerBook
    market: MarketData
    rules: RuleSet
    as_of: date
    covenant_test: CovenantTest | None


def _compare(value: float, operator: str, threshold: float) -> bool:
    return {
        "<": value < threshold,
        "<=": value <= threshold,
        ">": value > threshold,
        ">=": value >= threshold,
    }[operator]


# Names of the metrics and report fields in Chinese evidence (the rules' own names are in the rules table).
NAMES_ZH = {
    "current_ratio": "流动比率",
    "debt_to_assets": "资产负债率",
    "interest_cover": "利息保障倍数",
    "leverage": "有息负债/EBITDA",
    "net_margin": "净利率",
    "revenue_growth": "营业收入增长率",
    "operating_cash_flow": "经营活动现金流",
    "dscr": "偿债覆盖率",
    "utilisation": "利用率",
    "contracted_share": "已签约占比",
    "realised_price": "实现价格",
    "uptime": "可用率",
    "statements_delay_days": "报表延迟天数",
}
STATUS_ZH = {"pass": "满足", "warning": "预警", "breach": "违反", "missing": "无数据"}
UNITS_ZH = {"CNY/GPU-hour": "元/卡时", "CNY/kWh": "元/千瓦时"}


def _zh(code: str) -> str:
    return NAMES_ZH.get(code, code)


def chinese_name(name: str, code: str) -> str:
    """A project in Chinese text: its name's Chinese part (names read "贺兰智算中心一期 Helan ..."), else its code.

    >>> chinese_name("贺兰智算中心一期 Helan phase 1", "nx1"), chinese_name("Merchant cluster", "mc")
    ('贺兰智算中心一期', 'mc')
    """
    chinese = re.split(r"[A-Za-z]", name, maxsplit=1)[0].strip()
    return chinese if re.search(r"[\u4e00-\u9fff]", chinese) else code


def _project_zh(ctx: Context, code: str) -> str:
    project = next((p for p in ctx.book.projects if p.code == code), None)
    return code if project is None else chinese_name(project.name, code)


def _signal(
    rule: Rule, ctx: Context, subject: str, observed_on: date, detail: tuple[str, str], **data: Any
) -> Signal:
    """A signal with its evidence in both languages (``detail``: Chinese, English)."""
    return Signal(
        rule_id=rule.id,
        family=rule.family,
        severity=rule.severity,
        borrower_uscc=ctx.book.uscc,
        subject=subject,
        observed_on=observed_on,
        evidence_zh=f"{rule.zh}：{detail[0]}",
        evidence_en=f"{rule.en}: {detail[1]}",
        data=data,
    )


# --- financial -------------------------------------------------------------------------------------


def _metric_level(rule: Rule, ctx: Context) -> list[Signal]:
    assert rule.metric and rule.operator and rule.threshold is not None
    value = ctx.book.metrics().get(rule.metric)
    if value is None or not _compare(value, rule.operator, rule.threshold):
        return []
    statement = ctx.book.statements[-1]
    assert statement.period_end is not None
    return [
        _signal(
            rule,
            ctx,
            f"FY{statement.fiscal_year}",
            statement.period_end,
            (
                f"{_zh(rule.metric)} = {value:.4g} {rule.operator} {rule.threshold:g}（{statement.fiscal_year}年报）",
                f"{rule.metric} = {value:.4g} {rule.operator} {rule.threshold:g} (FY{statement.fiscal_year})",
            ),
            metric=rule.metric,
            value=value,
            threshold=rule.threshold,
            fiscal_year=statement.fiscal_year,
        )
    ]


def _covenant(rule: Rule, ctx: Context) -> list[Signal]:
    if ctx.covenant_test is None:
        return []
    values = ctx.book.covenant_values()
    found = []
    for facility in ctx.book.facilities:
        for covenant in facility.covenants:
            outcome = ctx.covenant_test(covenant, values.get(covenant.metric))
            if outcome.status not in rule.statuses:
                continue
            headroom = "" if outcome.headroom is None else f", headroom {outcome.headroom:.1%}"
            headroom_zh = "" if outcome.headroom is None else f"，余量 {outcome.headroom:.1%}"
            value = values.get(covenant.metric)
            found.append(
                _signal(
                    rule,
                    ctx,
                    f"{facility.reference}:{covenant.metric}",
                    ctx.as_of,
                    (
                        f"{facility.reference} {_zh(covenant.metric)} = {value} 对比 {covenant.operator.value} "
                        f"{covenant.threshold}（{STATUS_ZH.get(outcome.status, outcome.status)}{headroom_zh}）",
                        f"{facility.reference} {covenant.metric} = {value} vs "
                        f"{covenant.operator.value} {covenant.threshold} ({outcome.status}{headroom})",
                    ),
                    facility=facility.reference,
                    metric=covenant.metric,
                    value=values.get(covenant.metric),
                    threshold=float(covenant.threshold),
                    status=outcome.status,
                    headroom=outcome.headroom,
                )
            )
    return found


def _days_past_due(rule: Rule, ctx: Context) -> list[Signal]:
    assert rule.threshold is not None
    found = []
    for facility in ctx.book.facilities:
        last = ctx.book.latest_payment(facility.reference)
        if last is None or last.days_past_due < rule.threshold:
            continue
        if last.technical_delay and last.days_past_due <= SHORT_DELAY_DAYS:
            continue  # an operational or technical delay of a few days is not a warning (classification alike)
        found.append(
            _signal(
                rule,
                ctx,
                facility.reference,
                last.as_of,
                (
                    f"{facility.reference} 截至 {last.as_of} 逾期 {last.days_past_due} 天",
                    f"{facility.reference} {last.days_past_due} days past due on {last.as_of}",
                ),
                facility=facility.reference,
                days_past_due=last.days_past_due,
                overdue_amount=last.overdue_amount,
            )
        )
    return found


# --- operational -----------------------------------------------------------------------------------


def _plan_value(report: OperatingReport, plan_field: str, ctx: Context) -> float | None:
    value = getattr(report, plan_field, None)
    if value is not None:
        return float(value)
    # Fall back on the plan in the project's inputs: {"plan": {"planned_utilisation": {"2025": 0.5}}}.
    project = next((p for p in ctx.book.projects if p.code == report.project_code), None)
    plan = (project.inputs.get("plan", {}) if project else {}).get(plan_field, {})
    found = plan.get(str(report.period_end.year)) if isinstance(plan, dict) else None
    return float(found) if found is not None else None


def _per_project(ctx: Context, rule: Rule) -> list[tuple[str, list[OperatingReport]]]:
    assert rule.field
    out = []
    for project in ctx.book.projects:
        reports = [r for r in ctx.book.reports_of(project.code) if getattr(r, rule.field) is not None]
        if reports:
            out.append((project.code, reports))
    return out


def _below_plan(rule: Rule, ctx: Context) -> list[Signal]:
    assert rule.field and rule.plan_field and rule.threshold is not None and rule.periods
    found = []
    for code, reports in _per_project(ctx, rule):
        tail = reports[-rule.periods :]
        if len(tail) < rule.periods:
            continue
        gaps = []
        for report in tail:
            plan = _plan_value(report, rule.plan_field, ctx)
            actual = getattr(report, rule.field)
            if plan is None:
                break
            gap = (plan - actual) / plan if rule.relative else plan - actual
            if gap <= rule.threshold:
                break
            gaps.append((report.period_end, actual, plan, gap))
        if len(gaps) == rule.periods:
            last_end, actual, plan, gap = gaps[-1]
            unit = f"{gap:.0%} below plan" if rule.relative else f"{gap:.2f} below plan"
            unit_zh = f"低于计划 {gap:.0%}" if rule.relative else f"低于计划 {gap:.2f}"
            found.append(
                _signal(
                    rule,
                    ctx,
                    code,
                    last_end,
                    (
                        f"{_project_zh(ctx, code)} {_zh(rule.field)} {actual:.4g}，计划 {plan:.4g}（{unit_zh}），连续 {rule.periods} 期",
                        f"{code} {rule.field} {actual:.4g} vs plan {plan:.4g} ({unit}) for {rule.periods} period(s)",
                    ),
                    project=code,
                    field=rule.field,
                    actual=[g[1] for g in gaps],
                    plan=[g[2] for g in gaps],
                    periods=[g[0] for g in gaps],
                )
            )
    return found


def _stall(rule: Rule, ctx: Context) -> list[Signal]:
    assert rule.field and rule.periods and rule.threshold is not None and rule.ceiling is not None
    found = []
    for code, reports in _per_project(ctx, rule):
        tail = reports[-(rule.periods + 1) :]
        if len(tail) < rule.periods + 1:
            continue
        values = [getattr(r, rule.field) for r in tail]
        gain = values[-1] - values[0]
        if gain <= rule.threshold and values[-1] < rule.ceiling:
            found.append(
                _signal(
                    rule,
                    ctx,
                    code,
                    tail[-1].period_end,
                    (
                        f"{_project_zh(ctx, code)} {_zh(rule.field)} {rule.periods} 期内 {values[0]:.2f} → {values[-1]:.2f}，"
                        f"低于 {rule.ceiling:.2f}",
                        f"{code} {rule.field} {values[0]:.2f} → {values[-1]:.2f} over {rule.periods} periods, "
                        f"below {rule.ceiling:.2f}",
                    ),
                    project=code,
                    field=rule.field,
                    values=values,
                    periods=[r.period_end for r in tail],
                )
            )
    return found


def _drop(rule: Rule, ctx: Context) -> list[Signal]:
    assert rule.field and rule.periods and rule.threshold is not None
    found = []
    for code, reports in _per_project(ctx, rule):
        if len(reports) < rule.periods + 1:
            continue
        before, now = reports[-(rule.periods + 1)], reports[-1]
        drop = getattr(before, rule.field) - getattr(now, rule.field)
        if drop >= rule.threshold:
            found.append(
                _signal(
                    rule,
                    ctx,
                    code,
                    now.period_end,
                    (
                        f"{_project_zh(ctx, code)} {_zh(rule.field)} 由 {getattr(before, rule.field):.2f}（{before.period_end}）"
                        f"降至 {getattr(now, rule.field):.2f}（{now.period_end}），下降 {drop:.2f}",
                        f"{code} {rule.field} fell {drop:.2f} from {getattr(before, rule.field):.2f} "
                        f"({before.period_end}) to {getattr(now, rule.field):.2f} ({now.period_end})",
                    ),
                    project=code,
                    field=rule.field,
                    before=getattr(before, rule.field),
                    after=getattr(now, rule.field),
                    periods=[before.period_end, now.period_end],
                )
            )
    return found


def _report_level(rule: Rule, ctx: Context) -> list[Signal]:
    assert rule.field and rule.operator and rule.threshold is not None and rule.periods
    found = []
    for code, reports in _per_project(ctx, rule):
        tail = reports[-rule.periods :]
        values = [getattr(r, rule.field) for r in tail]
        if len(tail) == rule.periods and all(_compare(v, rule.operator, rule.threshold) for v in values):
            found.append(
                _signal(
                    rule,
                    ctx,
                    code,
                    tail[-1].period_end,
                    (
                        f"{_project_zh(ctx, code)} {_zh(rule.field)} {values[-1]:.4g} {rule.operator} {rule.threshold:g}，"
                        f"连续 {rule.periods} 期",
                        f"{code} {rule.field} {values[-1]:.4g} {rule.operator} {rule.threshold:g} "
                        f"for {rule.periods} period(s)",
                    ),
                    project=code,
                    field=rule.field,
                    values=values,
                    threshold=rule.threshold,
                )
            )
    return found


def pue_limit(hub: str | None, limits: dict[str, float]) -> tuple[float, str]:
    """The PUE limit for a project in ``hub`` (a :class:`~computecredit.domain.Hub` value) or outside one.

    >>> pue_limit("ningxia", {"ningxia": 1.25, "national": 1.5})
    (1.25, 'ningxia')
    >>> pue_limit(None, {"ningxia": 1.25, "national": 1.5})
    (1.5, 'national')
    """
    if hub is not None and hub in limits:
        return limits[hub], hub
    return limits["national"], "national"


def _pue(rule: Rule, ctx: Context) -> list[Signal]:
    found = []
    for project in ctx.book.projects:
        reports = [r for r in ctx.book.reports_of(project.code) if r.pue is not None]
        if not reports:
            continue
        last = reports[-1]
        assert last.pue is not None
        limit, scope = pue_limit(project.hub.value if project.hub else None, ctx.rules.pue_limits)
        if last.pue > limit:
            found.append(
                _signal(
                    rule,
                    ctx,
                    project.code,
                    last.period_end,
                    (
                        f"{_project_zh(ctx, project.code)} PUE {last.pue:.2f} > {limit:.2f}（{'全国' if scope == 'national' else '枢纽'}限值）",
                        f"{project.code} PUE {last.pue:.2f} > {limit:.2f} ({scope} limit)",
                    ),
                    project=project.code,
                    pue=last.pue,
                    limit=limit,
                    scope=scope,
                )
            )
    return found


# --- market and events -----------------------------------------------------------------------------


def _market_change(rule: Rule, ctx: Context) -> list[Signal]:
    assert rule.series and rule.periods and rule.operator and rule.threshold is not None
    if rule.series is MarketSeries.GPU_RENTAL_INDEX:
        keys = sorted(ctx.book.chips)
    else:
        keys = sorted(
            {p.province.value for p in ctx.book.projects if p.province} | {ctx.book.borrower.province.value}
        )
    found = []
    for key in keys:
        points = ctx.market.points(rule.series, key, ctx.as_of)
        if len(points) < rule.periods + 1:
            continue
        before, now = points[-(rule.periods + 1)], points[-1]
        change = now.value / before.value - 1
        if _compare(change, rule.operator, rule.threshold):
            found.append(
                _signal(
                    rule,
                    ctx,
                    key,
                    now.period_end,
                    (
                        f"{rule.series.zh} {key} {before.value:g} → {now.value:g} {UNITS_ZH.get(now.unit, now.unit)}"
                        f"（{change:+.0%}，{before.period_end} 至 {now.period_end}）",
                        f"{rule.series.en} {key} {before.value:g} → {now.value:g} {now.unit} "
                        f"({change:+.0%}, {before.period_end} to {now.period_end})",
                    ),
                    series=rule.series.value,
                    key=key,
                    before=before.value,
                    after=now.value,
                    change=round(change, 6),
                    periods=[before.period_end, now.period_end],
                    source=now.source,
                )
            )
    return found


def _recent(ctx: Context, rule: Rule, kinds: Sequence[EventKind]) -> list[Any]:
    horizon = ctx.as_of - timedelta(days=rule.within_days) if rule.within_days else date.min
    return [e for e in ctx.book.events if e.kind in kinds and e.event_date > horizon]


def _event_signal(rule: Rule, ctx: Context, event: Any, detail: tuple[str, str]) -> Signal:
    return _signal(
        rule,
        ctx,
        f"{event.kind.value}:{event.event_date}:{event.counterparty or ''}",
        event.event_date,
        detail,
        kind=event.kind.value,
        event_date=event.event_date,
        counterparty=event.counterparty,
        amount=event.amount,
        ratio=event.ratio,
        description=event.description,
        source=event.source,
    )


def _event(rule: Rule, ctx: Context) -> list[Signal]:
    return [
        _event_signal(
            rule,
            ctx,
            e,
            (f"{e.event_date} {e.kind.zh}：{e.description}", f"{e.event_date} {e.kind.en}: {e.description}"),
        )
        for e in _recent(ctx, rule, rule.kinds)
    ]


def _export_control(rule: Rule, ctx: Context) -> list[Signal]:
    chips = ctx.book.chips
    found = []
    for event in _recent(ctx, rule, (EventKind.EXPORT_CONTROL,)):
        touched = sorted(event.chip_set & chips)
        if touched:
            found.append(
                _event_signal(
                    rule,
                    ctx,
                    event,
                    (
                        f"{event.event_date} 涉及 {'、'.join(touched)}：{event.description}",
                        f"{event.event_date} touches {', '.join(touched)}: {event.description}",
                    ),
                )
            )
    return found


def _event_ratio(rule: Rule, ctx: Context) -> list[Signal]:
    assert rule.operator and rule.threshold is not None
    latest = [e for e in ctx.book.events if e.kind in rule.kinds and e.ratio is not None]
    if not latest:
        return []
    event = latest[-1]  # the latest figure is the one that counts (a pledge ratio can fall back)
    if event.ratio is None or not _compare(event.ratio, rule.operator, rule.threshold):
        return []
    return [
        _event_signal(
            rule,
            ctx,
            event,
            (
                f"{event.event_date} 比例 {event.ratio:.0%} {rule.operator} {rule.threshold:.0%}",
                f"{event.event_date} ratio {event.ratio:.0%} {rule.operator} {rule.threshold:.0%}",
            ),
        )
    ]


def _event_amount(rule: Rule, ctx: Context) -> list[Signal]:
    assert rule.threshold is not None
    assets = ctx.book.borrower.total_assets
    found = []
    for event in _recent(ctx, rule, rule.kinds):
        if event.amount is None or assets <= 0:
            continue
        share = float(event.amount / assets)
        if share >= rule.threshold:
            found.append(
                _event_signal(
                    rule,
                    ctx,
                    event,
                    (
                        f"{event.event_date} 涉案金额占总资产 {share:.1%} ≥ {rule.threshold:.0%}",
                        f"{event.event_date} claim {share:.1%} of total assets ≥ {rule.threshold:.0%}",
                    ),
                )
            )
    return found


CHECKS: dict[str, Callable[[Rule, Context], list[Signal]]] = {
    "metric_level": _metric_level,
    "covenant": _covenant,
    "days_past_due": _days_past_due,
    "below_plan": _below_plan,
    "stall": _stall,
    "drop": _drop,
    "report_level": _report_level,
    "pue_limit": _pue,
    "market_change": _market_change,
    "event": _event,
    "export_control": _export_control,
    "event_ratio": _event_ratio,
    "event_amount": _event_amount,
}


def evaluate(
    books: Sequence[BorrowerBook],
    market: MarketData,
    rules: RuleSet,
    as_of: date,
    covenant_test: CovenantTest | None = None,
) -> list[Signal]:
    """Every signal the rules raise on ``books`` as known on ``as_of``, sorted by borrower, rule, subject.

    Deterministic: the same books, market, rules and date give the same signals in the same order.
    """
    signals: list[Signal] = []
    for full in books:
        ctx = Context(full.known_at(as_of, rules.statement_lag_days), market, rules, as_of, covenant_test)
        for rule in rules.rules:
            signals.extend(CHECKS[rule.check](rule, ctx))
    return sorted(signals, key=lambda s: (s.borrower_uscc, s.rule_id, s.subject))


def points(signals: Sequence[Signal], rules: RuleSet) -> int:
    """Warning points of a borrower's signals: the sum of each signal's severity points."""
    return sum(rules.severity_points[s.severity] for s in signals)


def check_rules_file(document: Any, source: str) -> RuleSet:
    """Validate a user-supplied rule table (YAML already parsed); :class:`InputError` names the field."""
    if not isinstance(document, dict):
        raise InputError("(root)", type(document).__name__, "a rule table is a mapping", source=source)
    return load_rules(document, source=source)


__all__ = [
    "CHECKS",
    "CHECK_FIELDS",
    "RULES_TABLE",
    "SEVERITIES",
    "AlertPolicy",
    "CovenantOutcome",
    "CovenantTest",
    "Rule",
    "RuleSet",
    "Signal",
    "check_rules_file",
    "evaluate",
    "load_rules",
    "points",
    "pue_limit",
]
