"""The credit memo (授信审批报告): every figure of an :class:`~computecredit.facilities.proposal.Assessment`
laid out for an approver, in Chinese or English, as HTML or PDF.

The memo is built as data first (sections of paragraphs, tables and charts, all strings formatted from
the assessment) and then rendered by one Jinja2 template, so the same figures appear in both languages
and every figure can be traced to the proposal's stored inputs and the reference-table versions listed
in the memo's last section.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from computecredit import __version__
from computecredit.domain.facilities import GuarantorKind
from computecredit.facilities.proposal import Assessment
from computecredit.jsonable import to_jsonable
from computecredit.money import UNITS, format_amount
from computecredit.rating.expert import load_expert_config
from computecredit.reports import charts
from computecredit.reports.pdf import html_to_pdf

Lang = Literal["zh", "en"]
TEMPLATES = Path(__file__).parent / "templates"

T: dict[str, dict[str, str]] = {
    "title": {"zh": "授信审批报告", "en": "Credit memo"},
    "summary": {"zh": "一、审批摘要", "en": "1. Summary"},
    "borrower": {"zh": "二、借款人概况", "en": "2. Borrower"},
    "financials": {"zh": "三、财务趋势", "en": "3. Financial trends"},
    "rating": {"zh": "四、信用评级", "en": "4. Rating"},
    "project": {"zh": "五、项目分析", "en": "5. Project"},
    "terms": {"zh": "六、授信方案", "en": "6. Facility terms"},
    "limit": {"zh": "七、额度测算", "en": "7. Limit derivation"},
    "collateral": {"zh": "八、担保与违约损失率", "en": "8. Collateral and LGD"},
    "capital": {"zh": "九、资本占用", "en": "9. Capital"},
    "pricing": {"zh": "十、定价与RAROC", "en": "10. Pricing and RAROC"},
    "regulatory": {"zh": "十一、监管指标检查", "en": "11. Regulatory checks"},
    "covenants": {"zh": "十二、承诺条款", "en": "12. Covenants"},
    "risks": {"zh": "十三、风险与缓释", "en": "13. Risks and mitigants"},
    "recommendation": {"zh": "十四、审批建议", "en": "14. Recommendation"},
    "trace": {"zh": "附：数据来源与版本", "en": "Appendix: inputs and versions"},
    "approve": {"zh": "同意", "en": "Approve"},
    "approve_with_conditions": {"zh": "有条件同意", "en": "Approve with conditions"},
    "decline": {"zh": "不同意", "en": "Decline"},
    "pass": {"zh": "符合", "en": "pass"},
    "warning": {"zh": "预警", "en": "warning"},
    "breach": {"zh": "突破", "en": "breach"},
    "missing": {"zh": "未提供", "en": "missing"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
}


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Markup] = field(default_factory=list)


@dataclass
class Memo:
    """The memo as data: header fields and sections, all strings in one language."""

    lang: Lang
    title: str
    header: list[tuple[str, str]]
    recommendation: str
    sections: list[Section]


def _pct(value: float, places: int = 2) -> str:
    return f"{value:.{places}%}"


def input_digest(assessment: Assessment) -> str:
    """SHA-256 of the proposal's canonical JSON: the memo's figures are reproducible from these inputs."""
    payload = json.dumps(to_jsonable(assessment.proposal), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Writer:
    """How the memo writes: its language, and whether it draws charts."""

    lang: Lang
    with_charts: bool

    def pick(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def money(self, amount: Decimal | float | int) -> str:
        return format_amount(Decimal(str(amount)), lang=self.lang)

    def t(self, key: str) -> str:
        """A fixed phrase (:data:`T`) in the memo's language."""
        return T[key][self.lang]

    def draw(self, chart: Any, *args: Any) -> Markup:
        return Markup(str(chart(*args)) if self.with_charts else "")

    def item_table(self, rows: list[list[str]]) -> Table:
        """A two-column table: an item and its value."""
        return Table([self.pick("项目", "item"), self.pick("数值", "value")], rows)


def _rate_text(a: Assessment, w: Writer) -> str:
    p, f = a.proposal, a.proposal.facility
    if p.is_guarantee:
        return w.pick(f"保函费率 {_pct(p.proposed_rate())}/年", f"fee {_pct(p.proposed_rate())} a year")
    return f"{f.rate.describe()} = {_pct(p.proposed_rate())}"


def _tenor(a: Assessment, w: Writer) -> str:
    months = a.proposal.facility.tenor_months
    return w.pick(f"{months}个月", f"{months} months")


def _booking_text(a: Assessment, w: Writer) -> str:
    """What the book carries for the facility: as booked, or at approval (an undrawn commitment)."""
    b = a.booking
    when = w.pick("批准时未提款", "at approval, undrawn") if a.proposal.exposure is None else w.pick("当前", "now")
    return f"{w.money(b.ead.ead)} / {_pct(b.lgd)} / {_pct(b.pd)} ({when})"


def summary_section(a: Assessment, w: Writer) -> Section:
    """1. The decision at a glance: borrower, product, amounts, rating, EAD, LGD, risk weight, RAROC."""
    p, s, f = a.proposal, a.structure, a.proposal.facility
    pricing = s.pricing
    rows = [
        [w.pick("借款人", "Borrower"), w.pick(p.borrower.name_zh, p.borrower.name_en)],
        [w.pick("产品", "Product"), w.pick(f.product.zh, f.product.en)],
        [w.pick("申请金额", "Amount requested"), w.money(f.amount)],
        [w.pick("建议额度", "Recommended limit"), w.money(a.limit.limit)],
        [w.pick("约束条件", "Binding constraint"), w.pick(a.limit.binding.basis_zh, a.limit.binding.basis_en)],
        [w.pick("期限", "Tenor"), _tenor(a, w)],
        [w.pick("利率/费率", "Rate / fee"), _rate_text(a, w)],
        [w.pick("评级 / PD", "Rating / PD"), f"{p.rating.final_grade} / {_pct(s.risk.pd)}"],
        ["EAD", w.money(s.ead.ead)],
        [w.pick("LGD（押品与保证后）", "LGD (after collateral and guarantees)"), _pct(s.risk.lgd)],
        [w.pick("内评法风险权重", "IRB risk weight"), _pct(s.capital.risk_weight)],
        [w.pick("入账（台账）EAD / LGD / PD", "Booked (the book's) EAD / LGD / PD"), _booking_text(a, w)],
        *[
            [w.pick(f"分析师调整：{o.key.zh}", f"Analyst's override: {o.key.en}"), f"{o.value} — {o.reason}"]
            for o in f.overrides
        ],
        ["RAROC", _pct(pricing.at_proposed.raroc) if pricing and pricing.at_proposed else "—"],
        [w.pick("审批建议", "Recommendation"), w.t(a.recommendation)],
    ]
    return Section(w.t("summary"), tables=[Table([w.pick("项目", "item"), w.pick("内容", "value")], rows)])


def borrower_section(a: Assessment, w: Writer) -> Section:
    """2. Who the borrower is: identity, segment, place, ownership, group, size, shareholders."""
    p, b = a.proposal, a.proposal.borrower
    hub = w.pick(b.hub.zh, b.hub.en) if b.hub else "—"
    rows = [
        [w.pick("名称", "Name"), w.pick(b.name_zh, b.name_en)],
        [w.pick("统一社会信用代码", "USCC"), b.uscc],
        [w.pick("产业链环节", "Chain segment"), w.pick(b.segment.zh, b.segment.en)],
        [w.pick("所在地 / 枢纽", "Province / hub"), f"{w.pick(b.province.zh, b.province.en)} / {hub}"],
        [w.pick("所有制", "Ownership"), w.pick(b.ownership.zh, b.ownership.en)],
        [w.pick("所属集团", "Group"), w.pick(b.group_name or "—", p.profile.group_en or b.group_name or "—")],
        [w.pick("员工人数", "Employees"), str(b.employees)],
        [w.pick("上年营业收入", "Revenue (last year)"), w.money(b.revenue)],
        [w.pick("总资产", "Total assets"), w.money(b.total_assets)],
    ]
    holders = Table(
        [w.pick("股东", "shareholder"), w.pick("持股比例", "share")],
        [[h.holder, _pct(h.share, 1)] for h in p.profile.shareholders],
    )
    return Section(
        w.t("borrower"),
        paragraphs=[w.pick(p.profile.profile_zh, p.profile.profile_en)],
        tables=[Table([w.pick("项目", "item"), w.pick("内容", "value")], rows)]
        + ([holders] if holders.rows else []),
    )


def financials_section(a: Assessment, w: Writer) -> Section | None:
    """3. Revenue, EBITDA, net income and debt by year, with leverage (none without financial years)."""
    years = sorted(a.proposal.profile.financials, key=lambda y: y.year)
    if not years:
        return None
    table = Table(
        [
            w.pick("年度", "year"),
            w.pick("营业收入", "revenue"),
            "EBITDA",
            w.pick("净利润", "net income"),
            w.pick("有息债务", "total debt"),
            w.pick("债务/EBITDA", "debt/EBITDA"),
        ],
        [
            [
                str(y.year),
                w.money(y.revenue),
                w.money(y.ebitda),
                w.money(y.net_income),
                w.money(y.total_debt),
                f"{float(y.total_debt / y.ebitda):.2f}x" if y.ebitda > 0 else "—",
            ]
            for y in years
        ],
    )
    yi = UNITS["亿"]
    chart = w.draw(
        charts.trend_chart,
        [y.year for y in years],
        {
            w.pick("营业收入", "revenue"): [float(y.revenue / yi) for y in years],
            "EBITDA": [float(y.ebitda / yi) for y in years],
            w.pick("有息债务", "total debt"): [float(y.total_debt / yi) for y in years],
        },
        w.pick("亿元", "100 million CNY"),
    )
    return Section(w.t("financials"), tables=[table], charts=[chart])


def rating_section(a: Assessment, w: Writer) -> Section:
    """4. Grade, PD, model and rater, and the factors that drove the rating, largest first."""
    rating = a.proposal.rating
    drivers = sorted(rating.factor_contributions.items(), key=lambda kv: -abs(kv[1]))
    # the expert model stores factor codes; the memo shows each factor's name in the reader's language
    factor_names = {code: w.pick(f.name_zh, f.name_en) for code, f in load_expert_config().factors.items()}
    pd = _pct(float(rating.pd))
    return Section(
        w.t("rating"),
        paragraphs=[
            w.pick(
                f"评级 {rating.grade}，违约概率 {pd}；模型 {rating.model_id} v{rating.model_version}，评级人 {rating.rated_by}。",
                f"Grade {rating.grade}, PD {pd}; model {rating.model_id} v{rating.model_version}, rated by {rating.rated_by}.",
            )
        ],
        tables=[
            Table(
                [w.pick("评级因素", "driver"), w.pick("贡献", "contribution"), w.pick("方向", "direction")],
                [
                    [
                        factor_names.get(name, name),
                        f"{value:+.2f}",
                        w.pick("正面", "positive") if value > 0 else w.pick("负面", "negative"),
                    ]
                    for name, value in drivers
                ],
            )
        ],
    )


def project_section(a: Assessment, w: Writer) -> Section | None:
    """5. The project engine's results: key outputs, sensitivities and Monte Carlo (none without a project)."""
    pr = a.proposal.project
    if pr is None:
        return None
    key = Table(
        [w.pick("指标", "output"), w.pick("数值", "value")],
        [
            [w.pick("项目", "Project"), w.pick(pr.name, pr.name_en)],
            [w.pick("总投资", "Capex"), w.money(pr.capex)],
            ["NPV", w.money(pr.npv)],
            ["IRR", _pct(pr.irr)],
            [w.pick("最低DSCR", "Min DSCR"), f"{pr.min_dscr:.2f}x"],
            [w.pick("平均DSCR", "Average DSCR"), f"{pr.avg_dscr:.2f}x"],
            ["LLCR", f"{pr.llcr:.2f}x" if pr.llcr is not None else "—"],
            [w.pick("模型最大债务", "Max debt"), w.money(pr.max_debt) if pr.max_debt is not None else "—"],
            [w.pick("模型版本", "Engine version"), pr.engine_version],
        ],
    )
    sensitivities = Table(
        [
            w.pick("情景", "scenario"),
            w.pick("变动", "change"),
            w.pick("最低DSCR", "min DSCR"),
            w.pick("NPV / 股权IRR", "NPV / equity IRR"),
        ],
        [
            [
                w.pick(x.name_zh, x.name_en),
                x.change,
                f"{x.min_dscr:.2f}x",
                w.money(x.npv) if x.npv is not None else (_pct(x.equity_irr) if x.equity_irr is not None else "—"),
            ]
            for x in pr.sensitivities
        ],
    )
    section = Section(w.t("project"), tables=[key, sensitivities])
    mc = pr.monte_carlo
    if mc is not None:
        fmt = lambda x: "—" if x is None else f"{x:.2f}"  # noqa: E731
        share = lambda x: "—" if x is None else _pct(x, 1)  # noqa: E731
        section.paragraphs.append(
            w.pick(
                f"蒙特卡洛模拟 {mc.runs} 次：{mc.metric} P5 {fmt(mc.p5)}，P50 {fmt(mc.p50)}，P95 {fmt(mc.p95)}；"
                f"低于1.0的概率 {share(mc.probability_below_one)}；贷款期内违约概率 {share(mc.p_default)}。",
                f"Monte Carlo, {mc.runs} runs: {mc.metric} P5 {fmt(mc.p5)}, P50 {fmt(mc.p50)}, P95 {fmt(mc.p95)}; "
                f"probability below 1.0 {share(mc.probability_below_one)}; default over the loan's life {share(mc.p_default)}.",
            )
        )
        section.charts.append(
            w.draw(charts.histogram_chart, mc.bin_edges, mc.counts, 1.0, mc.metric, w.pick("模拟次数", "runs"))
        )
    return section


def terms_section(a: Assessment, w: Writer) -> Section:
    """6. The facility's terms: product, purpose, amount, tenor, rate, repayment, beneficiary, guarantors."""
    f = a.proposal.facility
    terms = [
        [w.pick("产品", "Product"), w.pick(f.product.zh, f.product.en)],
        [w.pick("用途", "Purpose"), f.purpose or "—"],
        [w.pick("金额(建议)", "Amount (recommended)"), w.money(a.limit.limit)],
        [w.pick("期限", "Tenor"), _tenor(a, w)],
        [w.pick("利率/费率", "Rate / fee"), _rate_text(a, w)],
        [w.pick("还款方式", "Repayment"), w.pick(f.repayment.zh, f.repayment.en)],
    ]
    if f.beneficiary:
        terms.append([w.pick("受益人", "Beneficiary"), f.beneficiary])
    for g in f.guarantors:
        terms.append(
            [
                w.pick("保证人", "Guarantor"),
                f"{g.name} ({w.pick(g.kind.zh, g.kind.en)}) {w.money(g.amount) if g.amount else ''}",
            ]
        )
    return Section(w.t("terms"), tables=[Table([w.pick("条款", "term"), w.pick("内容", "value")], terms)])


def _working_capital_table(a: Assessment, w: Writer) -> Table | None:
    """The working-capital turnover derivation (流动资金贷款管理办法) behind a working-capital limit."""
    wc = a.working_capital
    if wc is None:
        return None
    turnover = [
        [
            f"{'−' if i.sign < 0 else '+'} {i.label_zh if w.lang == 'zh' else i.key}",
            w.money(i.average_balance),
            f"{i.times:.4f}" if i.times is not None else "—",
            f"{i.days:.2f}",
        ]
        for i in wc.turnover
    ]
    totals = [
        [
            w.pick("营运资金周转次数", "working-capital turnover"),
            "",
            f"{wc.turnover_times:.4f}" if wc.turnover_times else "—",
            f"{wc.cycle_days:.2f}",
        ],
        [w.pick("营运资金量", "working-capital need"), w.money(wc.working_capital_need), "", ""],
        [w.pick("新增流动资金贷款额度", "new WC loan limit"), w.money(wc.new_wc_loan_limit), "", ""],
    ]
    return Table(
        [
            w.pick("周转项目", "item"),
            w.pick("平均余额", "average balance"),
            w.pick("周转次数", "times"),
            w.pick("周转天数", "days"),
        ],
        turnover + totals,
    )


def limit_section(a: Assessment, w: Writer) -> Section:
    """7. Every constraint on the limit, the binding one marked, and the working-capital derivation if any."""
    limit = a.limit
    constraints = limit.constraints
    binding_index = constraints.index(limit.binding)
    rows = [
        [
            w.pick(c.basis_zh, c.basis_en),
            w.money(c.amount),
            w.pick("是", "yes") if i == binding_index else "",
            c.source,
        ]
        for i, c in enumerate(constraints)
    ]
    section = Section(
        w.t("limit"),
        paragraphs=[
            w.pick(
                f"建议额度取各约束条件的最小值：{w.money(limit.limit)}，由“{limit.binding.basis_zh}”决定。",
                f"The recommended limit is the smallest constraint: {w.money(limit.limit)}, set by “{limit.binding.basis_en}”.",
            )
        ],
        tables=[
            Table(
                [
                    w.pick("约束", "constraint"),
                    w.pick("上限", "maximum"),
                    w.pick("约束生效", "binding"),
                    w.pick("依据", "source"),
                ],
                rows,
            )
        ],
        charts=[
            w.draw(
                charts.limit_chart,
                [c.key for c in constraints],
                [float(c.amount / UNITS["亿"]) for c in constraints],
                binding_index,
                w.pick("亿元", "100 million CNY"),
            )
        ],
    )
    working_capital = _working_capital_table(a, w)
    if working_capital is not None:
        section.tables.append(working_capital)
    return section


def collateral_section(a: Assessment, w: Writer) -> Section:
    """8. EAD by on- and off-balance item, and the economic LGD from each collateral line's recovery."""
    s = a.structure
    lgd = s.lgd
    collateral_rows = [
        [
            w.pick(line.label_zh, line.label_en),
            line.description,
            w.money(line.value),
            _pct(line.haircut, 0),
            f"{line.recovery_months:g}",
            w.money(line.applied),
            w.money(line.present_value),
        ]
        for line in lgd.lines
    ]
    collateral_rows.append(
        [
            w.pick("无担保部分", "unsecured remainder"),
            f"LGD {_pct(lgd.unsecured_lgd, 0)}",
            w.money(lgd.unsecured),
            "",
            "",
            "",
            w.money(lgd.unsecured_recovery),
        ]
    )
    ead_rows = [[w.pick("表内已提款", "drawn"), w.money(s.ead.drawn), "100%", w.money(s.ead.drawn)]] + [
        [w.pick(line.label_zh, line.label_en), w.money(line.amount), _pct(line.ccf, 0), w.money(line.ead)]
        for line in s.ead.lines
    ]
    paragraphs = [
        w.pick(
            f"EAD {w.money(s.ead.ead)}；经济LGD {_pct(lgd.lgd)}（回收按 {_pct(lgd.discount_rate, 1)} 折现）。",
            f"EAD {w.money(s.ead.ead)}; economic LGD {_pct(lgd.lgd)} (recoveries discounted at {_pct(lgd.discount_rate, 1)}).",
        )
    ]
    if lgd.capital_lgd != lgd.lgd:
        paragraphs.append(
            w.pick(
                f"资本计量LGD {_pct(lgd.capital_lgd)}：知识产权质押不是内评初级法认可的押品（巴塞尔III CRE32.5），"
                "只降低经济LGD（预期损失、定价、减值），不减少资本占用。",
                f"Capital LGD {_pct(lgd.capital_lgd)}: an IP pledge is not collateral the foundation IRB approach "
                "recognises (Basel III CRE32.5); it lowers the economic LGD (expected loss, pricing, ECL), not capital.",
            )
        )
    tables = []
    cap = s.capital
    if cap.guarantor is not None:
        kind = GuarantorKind.parse(cap.guarantor_kind or "")
        treatment = {
            "loss_sharing": (
                "不减资本（非合格保证或保证人未评级），仅降低预期损失",
                "no capital relief (not an eligible guarantee, or the guarantor is unrated); expected loss only",
            ),
            "substitution": ("保证人违约概率替代", "guarantor PD substitution"),
            "double_default": ("双重违约", "double default"),
        }[cap.method]
        tables.append(
            Table(
                [
                    w.pick("保证人/风险分担方", "guarantor / risk sharer"),
                    w.pick("类型", "kind"),
                    w.pick("承担损失比例", "share of the loss borne"),
                    w.pick("覆盖EAD", "EAD covered"),
                    w.pick("资本处理", "capital"),
                    w.pick("预期损失（分担前→后）", "expected loss (before → after)"),
                    w.pick("入账LGD", "booking LGD"),
                ],
                [
                    [
                        cap.guarantor,
                        w.pick(kind.zh, kind.en) if kind is not None else "—",
                        _pct(cap.covered_share or 0.0, 0),
                        w.money(cap.covered),
                        w.pick(*treatment),
                        f"{w.money(cap.expected_loss_before)} → {w.money(cap.expected_loss)}",
                        _pct(s.risk.lgd),
                    ]
                ],
            )
        )
    return Section(
        w.t("collateral"),
        paragraphs=paragraphs,
        tables=[
            Table([w.pick("表内/表外项目", "item"), w.pick("金额", "amount"), "CCF", "EAD"], ead_rows),
            Table(
                [
                    w.pick("押品", "collateral"),
                    w.pick("说明", "description"),
                    w.pick("价值", "value"),
                    w.pick("折扣率", "haircut"),
                    w.pick("回收月数", "months"),
                    w.pick("覆盖金额", "applied"),
                    w.pick("回收现值", "PV"),
                ],
                collateral_rows,
            ),
            *tables,
        ],
    )


def capital_section(a: Assessment, w: Writer) -> Section:
    """9. IRB K and risk weight, economic capital, expected loss, and the standardised risk weight."""
    s = a.structure
    cap = s.capital
    rows = [
        [w.pick("内评法 K (借款人)", "IRB K (obligor)"), f"{cap.k_unguaranteed:.4f}"],
        [w.pick("内评法 K (保证覆盖部分)", "IRB K (guaranteed part)"), f"{cap.k_guaranteed:.4f}"],
        [w.pick("保证认定方法", "Guarantee recognition"), cap.method],
        [w.pick("经济资本", "Economic capital"), w.money(cap.capital)],
        [w.pick("预期损失", "Expected loss"), w.money(cap.expected_loss)],
        [w.pick("内评法风险权重", "IRB risk weight"), _pct(cap.risk_weight)],
        [
            w.pick("权重法风险权重", "Standardised risk weight"),
            f"{_pct(s.standardised.value, 0)} — {w.pick(s.standardised.label_zh, s.standardised.label_en)}",
        ],
        [w.pick("权重法风险加权资产", "Standardised RWA"), w.money(s.standardised_rwa)],
        [w.pick("依据", "Source"), f"{s.standardised.source}; {s.standardised.article}"],
    ]
    return Section(w.t("capital"), tables=[w.item_table(rows)])


def pricing_section(a: Assessment, w: Writer) -> Section | None:
    """10. LPR, hurdle, minimum and proposed rate, the RAROC build-up (none without pricing)."""
    pricing = a.structure.pricing
    if pricing is None:
        return None
    guarantee = a.proposal.is_guarantee
    at = pricing.at_proposed or pricing.at_minimum
    rows = [
        ["LPR", f"{pricing.lpr.tenor} {_pct(pricing.lpr.rate)} ({pricing.lpr.effective_date.isoformat()})"],
        [w.pick("RAROC门槛", "RAROC hurdle"), _pct(pricing.hurdle)],
        [w.pick("最低利率/费率", "Minimum rate / fee"), _pct(pricing.minimum_rate)],
    ]
    if not guarantee:
        rows.append(
            [w.pick("最低利率 = LPR + 点差", "Minimum = LPR + spread"), f"LPR {pricing.minimum_spread_bp:+.0f}bp"]
        )
    if pricing.proposed_rate is not None:
        rows.append([w.pick("拟定利率/费率", "Proposed rate / fee"), _pct(pricing.proposed_rate)])
        if not guarantee and pricing.proposed_spread_bp is not None:
            rows.append([w.pick("拟定点差", "Proposed spread"), f"LPR {pricing.proposed_spread_bp:+.0f}bp"])
    meets = "—" if pricing.meets_hurdle is None else w.t("yes" if pricing.meets_hurdle else "no")
    rows += [
        [w.pick("收入", "Income"), w.money(at.income)],
        [w.pick("资金成本", "Funding cost"), w.money(at.funding_cost)],
        [w.pick("运营成本", "Operating cost"), w.money(at.operating_cost)],
        [w.pick("预期损失", "Expected loss"), w.money(at.expected_loss)],
        [w.pick("资本收益", "Return on capital"), w.money(at.capital_return)],
        [w.pick("税后风险调整收益", "Risk-adjusted return after tax"), w.money(at.net_after_tax)],
        [w.pick("经济资本", "Economic capital"), w.money(at.economic_capital)],
        ["RAROC", _pct(at.raroc)],
        [w.pick("是否达到门槛", "Meets hurdle"), meets],
    ]
    return Section(w.t("pricing"), tables=[w.item_table(rows)])


def regulatory_section(a: Assessment, w: Writer) -> Section:
    """11. Concentration limits against the bank's capital, and whether this is a large exposure."""
    bank, s = a.proposal.bank, a.structure
    large = s.large_exposure
    base_names = {
        "net_capital": w.pick("资本净额", "net capital"),
        "tier1_net_capital": w.pick("一级资本净额", "tier-1 net capital"),
        "loan_book": w.pick("贷款余额", "loan book"),
    }
    rows = [
        [
            w.pick(c.label_zh, c.label_en),
            w.money(c.amount_after),
            f"{base_names[c.base_name]} {w.money(c.base_amount)}",
            _pct(c.limit_share, 1),
            _pct(c.ratio),
            w.money(c.headroom),
            w.t("breach" if c.breach else "pass"),
            c.article,
        ]
        for c in s.concentration
    ]
    return Section(
        w.t("regulatory"),
        paragraphs=[
            w.pick(
                f"以本行资本净额 {w.money(bank.net_capital)}、一级资本净额 {w.money(bank.tier1_net_capital)} 为基数（贷款余额 {w.money(bank.loan_book)} 不作为集中度基数）。",
                f"Measured against the bank's net capital {w.money(bank.net_capital)} and tier-1 net capital {w.money(bank.tier1_net_capital)} (the loan book of {w.money(bank.loan_book)} is not the base).",
            ),
            w.pick(
                f"授信后对该客户风险暴露 {w.money(large.exposure_after)}，"
                + ("达到" if large.is_large else "未达到")
                + f"大额风险暴露标准（一级资本净额的 {_pct(large.share, 1)}，即 {w.money(large.threshold)}）。",
                f"Exposure to the customer after the proposal: {w.money(large.exposure_after)}, "
                + ("a" if large.is_large else "not a")
                + f" large exposure (threshold {_pct(large.share, 1)} of tier-1 net capital = {w.money(large.threshold)}).",
            ),
        ],
        tables=[
            Table(
                [
                    w.pick("指标", "limit"),
                    w.pick("授信后金额", "after proposal"),
                    w.pick("基数", "base"),
                    w.pick("上限", "limit"),
                    w.pick("比例", "ratio"),
                    w.pick("余量", "headroom"),
                    w.pick("结论", "status"),
                    w.pick("依据", "article"),
                ],
                rows,
            )
        ],
    )


def covenants_section(a: Assessment, w: Writer) -> Section:
    """12. Each covenant: threshold, latest value, headroom and status."""
    covenant_by_key = {c.metric: c for c in a.proposal.facility.covenants}
    rows = [
        [
            covenant_by_key[r.key].metric,
            r.kind,
            f"{'≥' if r.bound == 'min' else '≤'} {r.threshold:g}",
            "—" if r.value is None else f"{r.value:g}",
            "—" if r.headroom is None else _pct(r.headroom, 1),
            w.t(r.status),
        ]
        for r in a.covenants
    ]
    headers = [
        w.pick("指标", "metric"),
        w.pick("类型", "kind"),
        w.pick("阈值", "threshold"),
        w.pick("最新值", "latest"),
        w.pick("余量", "headroom"),
        w.pick("状态", "status"),
    ]
    return Section(w.t("covenants"), tables=[Table(headers, rows)])


def risks_section(a: Assessment, w: Writer) -> Section:
    """13. The analyst's risks and their mitigants."""
    rows = [[w.pick(r.risk_zh, r.risk_en), w.pick(r.mitigant_zh, r.mitigant_en)] for r in a.proposal.risks]
    return Section(w.t("risks"), tables=[Table([w.pick("风险", "risk"), w.pick("缓释措施", "mitigant")], rows)])


def recommendation_section(a: Assessment, w: Writer) -> Section:
    """14. The recommendation with limit, tenor and rate, and its conditions."""
    months = a.proposal.facility.tenor_months
    decision, limit, rate = w.t(a.recommendation), w.money(a.limit.limit), _rate_text(a, w)
    conditions = a.conditions_zh if w.lang == "zh" else a.conditions_en
    return Section(
        w.t("recommendation"),
        paragraphs=[
            w.pick(
                f"建议：{decision}。授信额度 {limit}，期限 {months} 个月，{rate}。",
                f"Recommendation: {decision}. Limit {limit}, tenor {months} months, {rate}.",
            ),
            *[w.pick("条件：", "Condition: ") + c for c in conditions],
        ],
    )


def trace_section(a: Assessment, w: Writer) -> Section:
    """Appendix: the inputs' digest and the versions of every model and reference table used."""
    p = a.proposal
    rows = [
        [w.pick("提案输入 SHA-256", "proposal inputs SHA-256"), input_digest(a)],
        [w.pick("评级模型", "rating model"), f"{p.rating.model_id} v{p.rating.model_version}"],
    ]
    if p.project is not None:
        rows.append([w.pick("项目模型", "project engine"), p.project.engine_version])
    rows.append(["computecredit", __version__])
    rows += [[name, digest] for name, digest in sorted(a.reference_versions.items())]
    pricing = a.structure.pricing
    rows.append(["LPR", pricing.lpr.source if pricing else p.lpr().source])
    return Section(w.t("trace"), tables=[Table([w.pick("来源", "input"), w.pick("版本", "version")], rows)])


# The memo's sections in order; a builder returns None where its section does not apply to the deal.
SECTIONS = (
    summary_section,
    borrower_section,
    financials_section,
    rating_section,
    project_section,
    terms_section,
    limit_section,
    collateral_section,
    capital_section,
    pricing_section,
    regulatory_section,
    covenants_section,
    risks_section,
    recommendation_section,
    trace_section,
)


def build_memo(assessment: Assessment, lang: Lang = "zh", *, with_charts: bool = True) -> Memo:
    """Lay out the assessment as a memo in ``lang`` (``with_charts=False`` skips drawing the SVG charts).

    >>> [T[build.__name__.removesuffix("_section")]["en"] for build in SECTIONS][:3]
    ['1. Summary', '2. Borrower', '3. Financial trends']
    """
    w = Writer(lang, with_charts)
    sections = [section for build in SECTIONS if (section := build(assessment, w)) is not None]
    p = assessment.proposal
    header = [
        (w.pick("报告编号", "Proposal"), p.id),
        (w.pick("基准日", "As of"), p.as_of.isoformat()),
        (w.pick("贷款行", "Bank"), w.pick(p.bank.name_zh, p.bank.name_en)),
        (w.pick("客户经理", "Analyst"), p.analyst),
    ]
    return Memo(lang, w.t("title"), header, w.t(assessment.recommendation), sections)


def render_html(assessment: Assessment, lang: Lang = "zh") -> str:
    """The memo as one self-contained HTML page (charts inline as SVG)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("memo.html.j2").render(memo=build_memo(assessment, lang))


def render_pdf(assessment: Assessment, lang: Lang = "zh") -> bytes:
    """The memo as PDF with embedded CJK fonts (headless Chromium; see :mod:`computecredit.reports.pdf`)."""
    return html_to_pdf(render_html(assessment, lang))


__all__ = ["Memo", "Section", "Table", "Writer", "build_memo", "input_digest", "render_html", "render_pdf"]
