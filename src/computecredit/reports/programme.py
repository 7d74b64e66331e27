"""The programme report a bank sends its head office or regulator: target, progress and pace, the split by
segment, hub and year, eligibility rules, the facilities and their risk; HTML or PDF, in Chinese or English.

Every figure comes from :class:`~computecredit.programmes.Progress`, which the stored records determine:
``computecredit programme progress CODE --as-of DATE --json`` gives the same figures. The report uses the
credit memo's layout (:class:`~computecredit.reports.memo.Memo` and its template).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from computecredit import __version__
from computecredit.domain.borrowers import ChainSegment, Hub
from computecredit.domain.programmes import Programme
from computecredit.programmes import Progress
from computecredit.programmes.eligibility import RULE_FIELDS, applicable
from computecredit.programmes.progress import Slice, elapsed_share
from computecredit.reports import charts
from computecredit.reports.memo import TEMPLATES, Lang, Memo, Section, Table, Writer
from computecredit.reports.pdf import html_to_pdf


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


PERCENT_RULES = frozenset({"rate_cap", "purpose_share", "rd_intensity"})


def _setting(key: str, value: Any, w: Writer) -> str:
    """A rule's setting as the reader expects it: shares and rates in percent, amounts with their unit."""
    if key in PERCENT_RULES:
        return f"{float(value):.2%}"
    if key == "facility_amount":
        return w.money(value)
    if isinstance(value, bool):
        return w.pick("是", "yes") if value else w.pick("否", "no")
    if isinstance(value, list):
        return "、".join(getattr(v, w.lang) for v in value) if w.lang == "zh" else ", ".join(v.en for v in value)
    if hasattr(value, "zh"):
        return str(getattr(value, w.lang))
    return str(value)


def summary_section(r: Progress, w: Writer) -> Section:
    p = r.programme
    target = w.pick("额度" if p.binding else "目标", "quota" if p.binding else "target")
    rows = [
        [w.pick("类型", "Kind"), w.pick(p.kind.zh, p.kind.en)],
        [w.pick("期间", "Period"), f"{p.start} – {p.end}"],
        [w.pick(f"{target}金额", f"Amount ({target})"), w.money(p.amount)],
        [w.pick("已承诺（批准额度）", "Committed (approved limits)"), w.money(r.committed)],
        [w.pick(f"完成{target}比例", f"Share of the {target}"), _pct(r.share_of_target)],
        [w.pick("已提款余额", "Drawn"), w.money(r.drawn)],
        [w.pick(f"剩余{target}", f"Remaining {target}"), w.money(r.remaining)],
        [w.pick("期间已过", "Period elapsed"), _pct(r.elapsed_share)],
        [w.pick("按直线进度应达", "Straight-line expectation"), w.money(r.expected_by_now)],
        [w.pick("进度（实际/应达）", "Pace (committed / expected)"), _pct(r.pace)],
        [w.pick("借款人 / 授信笔数", "Borrowers / facilities"), f"{r.borrowers} / {len(r.members)}"],
    ]
    if p.relending_rate is not None:
        rows.append([w.pick("再贷款利率", "Relending rate"), f"{float(p.relending_rate):.2%}"])
    return Section(w.pick("一、计划概要", "1. Summary"), tables=[w.item_table(rows)])


def rules_section(p: Programme, w: Writer) -> Section:
    rows = [
        [w.pick(rule.zh, rule.en), _setting(rule.key, getattr(p.eligibility, RULE_FIELDS[rule.key]), w)]
        for rule in applicable(p.eligibility)
    ]
    paragraphs = [] if rows else [w.pick("无准入限制。", "No eligibility rules.")]
    source = [w.pick(f"依据：{p.source}", f"Basis: {p.source}")] if p.source else []
    return Section(
        w.pick("二、准入条件", "2. Eligibility"),
        paragraphs=paragraphs + source,
        tables=[Table([w.pick("条件", "rule"), w.pick("设定", "setting")], rows)] if rows else [],
    )


def _slice_table(rows: tuple[Slice, ...], label: str, name: Any, w: Writer) -> Table:
    return Table(
        [label, w.pick("承诺额度", "committed"), w.pick("提款余额", "drawn"), w.pick("笔数", "facilities")],
        [[name(s.key), w.money(s.committed), w.money(s.drawn), str(s.facilities)] for s in rows],
    )


def _year_end_line(r: Progress) -> tuple[list[int], list[float], list[float]]:
    """Cumulative committed and the straight-line expectation at each year end of the period so far."""
    by_year = {int(s.key): float(s.committed) for s in r.by_year}
    years = list(range(r.programme.start.year, r.as_of.year + 1))
    cumulative, expected, running = [], [], 0.0
    for year in years:
        running += by_year.get(year, 0.0)
        cumulative.append(running)
        expected.append(float(r.programme.amount) * elapsed_share(r.programme, min(date(year, 12, 31), r.as_of)))
    return years, cumulative, expected


def progress_section(r: Progress, w: Writer) -> Section:
    def segment(key: str) -> str:
        found = ChainSegment.parse(key)
        return w.pick(found.zh, found.en) if found else key

    def hub(key: str) -> str:
        found = Hub.parse(key)
        return w.pick(found.zh, found.en) if found else w.pick("枢纽外", "outside the hubs")

    years, cumulative, expected = _year_end_line(r)
    unit = w.pick("亿元", "CNY 100m")
    chart = w.draw(
        charts.trend_chart,
        years,
        {
            w.pick("累计承诺", "committed, cumulative"): [v / 1e8 for v in cumulative],
            w.pick("直线进度", "straight line"): [v / 1e8 for v in expected],
        },
        unit,
    )
    return Section(
        w.pick("三、进度与结构", "3. Progress and composition"),
        tables=[
            _slice_table(r.by_year, w.pick("年度", "year"), str, w),
            _slice_table(r.by_segment, w.pick("产业链环节", "segment"), segment, w),
            _slice_table(r.by_hub, w.pick("算力枢纽", "hub"), hub, w),
        ],
        charts=[chart] if years else [],
    )


def risk_section(r: Progress, w: Writer) -> Section:
    el_share = r.expected_loss / float(r.drawn) if r.drawn else None
    summary = w.item_table(
        [
            [w.pick("预期损失", "Expected loss"), w.money(Decimal(str(round(r.expected_loss, 2))))],
            [w.pick("预期损失/提款余额", "Expected loss / drawn"), _pct(el_share)],
            [w.pick("不良（次级及以下）笔数", "Non-performing (substandard or worse)"), str(r.npl_count)],
            [w.pick("关注名单笔数", "On the watch list"), str(r.watch_count)],
        ]
    )
    flags = {True: w.pick("是", "yes"), False: ""}
    facilities = Table(
        [
            w.pick("授信", "facility"),
            w.pick("借款人", "borrower"),
            w.pick("承诺日", "committed on"),
            w.pick("额度", "limit"),
            w.pick("提款余额", "drawn"),
            w.pick("预期损失", "EL"),
            w.pick("不良", "NPL"),
            w.pick("关注", "watch"),
        ],
        [
            [
                m.facility,
                w.pick(m.borrower_zh, m.borrower_en),
                m.committed_on.isoformat(),
                w.money(m.limit),
                w.money(m.drawn),
                w.money(Decimal(str(round(m.expected_loss, 2)))),
                flags[m.npl],
                flags[m.watch],
            ]
            for m in r.members
        ],
    )
    return Section(w.pick("四、资产质量", "4. Risk"), tables=[summary, facilities])


def trace_section(r: Progress, w: Writer) -> Section:
    command = f"computecredit programme progress {r.programme.code} --as-of {r.as_of} --json"
    return Section(
        w.pick("附：数据来源", "Appendix: source of the figures"),
        paragraphs=[
            w.pick(
                f"本报告数据取自系统存储的授信、敞口、评级与监测记录（截至 {r.as_of}），可由 {command} 复现。"
                "已承诺为计划内授信的批准额度；预期损失为 EAD × PD × LGD（与组合台账一致）。",
                f"The figures come from the stored facilities, exposures, ratings and monitoring records as of "
                f"{r.as_of}; `{command}` reproduces them. Committed is the approved limits of the programme's "
                "facilities; expected loss is EAD × PD × LGD as the book carries them.",
            ),
            f"computecredit {__version__}",
        ],
    )


def build_report(r: Progress, lang: Lang = "zh", *, with_charts: bool = True) -> Memo:
    """The report as data (the memo's layout): header and sections in one language."""
    w = Writer(lang, with_charts)
    p = r.programme
    pace = (
        w.pick("无进度基准", "no pace yet")
        if r.pace is None
        else w.pick("进度超前" if r.pace >= 1 else "进度落后", "ahead of pace" if r.pace >= 1 else "behind pace")
    )
    return Memo(
        lang=lang,
        title=w.pick("专项计划执行报告", "Programme report"),
        header=[
            (w.pick("计划", "Programme"), f"{w.pick(p.name_zh, p.name_en)} ({p.code})"),
            (w.pick("报告日", "As of"), r.as_of.isoformat()),
        ],
        recommendation=f"{_pct(r.share_of_target)} · {pace}",
        sections=[
            summary_section(r, w),
            rules_section(p, w),
            progress_section(r, w),
            risk_section(r, w),
            trace_section(r, w),
        ],
    )


def render_html(r: Progress, lang: Lang = "zh") -> str:
    """The report as one self-contained HTML page (charts inline as SVG)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("memo.html.j2").render(memo=build_report(r, lang))


def render_pdf(r: Progress, lang: Lang = "zh") -> bytes:
    """The report as PDF with embedded CJK fonts (headless Chromium, as the credit memo)."""
    return html_to_pdf(render_html(r, lang))


__all__ = ["build_report", "render_html", "render_pdf"]
