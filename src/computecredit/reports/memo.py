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
from computecredit.cli.common import to_jsonable
from computecredit.facilities.proposal import Assessment
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


def _t(key: str, lang: Lang) -> str:
    return T[key][lang]


def _pick(lang: Lang, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _money(amount: Decimal | float | int, lang: Lang) -> str:
    return format_amount(Decimal(str(amount)), lang=lang)


def _pct(value: float, places: int = 2) -> str:
    return f"{value:.{places}%}"


def _draw(enabled: bool, chart: Any, *args: Any) -> str:
    return str(chart(*args)) if enabled else ""


def input_digest(assessment: Assessment) -> str:
    """SHA-256 of the proposal's canonical JSON: the memo's figures are reproducible from these inputs."""
    payload = json.dumps(to_jsonable(assessment.proposal), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def build_memo(assessment: Assessment, lang: Lang = "zh", *, with_charts: bool = True) -> Memo:
    """Lay out the assessment as a memo in ``lang`` (``with_charts=False`` skips drawing the SVG charts)."""
    p = assessment.proposal
    s = assessment.structure
    b = p.borrower
    f = p.facility
    pick = lambda zh, en: _pick(lang, zh, en)  # noqa: E731
    money = lambda x: _money(x, lang)  # noqa: E731
    sections: list[Section] = []

    lpr = p.lpr()
    rate_text = (
        pick(f"保函费率 {_pct(p.proposed_rate())}/年", f"fee {_pct(p.proposed_rate())} a year")
        if p.is_guarantee
        else f"{f.rate.describe()} = {_pct(p.proposed_rate())}"
    )
    pricing = s.pricing
    summary = Table(
        [pick("项目", "item"), pick("内容", "value")],
        [
            [pick("借款人", "Borrower"), pick(b.name_zh, b.name_en)],
            [pick("产品", "Product"), pick(f.product.zh, f.product.en)],
            [pick("申请金额", "Amount requested"), money(f.amount)],
            [pick("建议额度", "Recommended limit"), money(assessment.limit.limit)],
            [
                pick("约束条件", "Binding constraint"),
                pick(assessment.limit.binding.basis_zh, assessment.limit.binding.basis_en),
            ],
            [pick("期限", "Tenor"), pick(f"{f.tenor_months}个月", f"{f.tenor_months} months")],
            [pick("利率/费率", "Rate / fee"), rate_text],
            [pick("评级 / PD", "Rating / PD"), f"{p.rating.grade} / {_pct(float(p.rating.pd))}"],
            ["EAD", money(s.ead.ead)],
            ["LGD", _pct(s.lgd.lgd)],
            [pick("内评法风险权重", "IRB risk weight"), _pct(s.capital.risk_weight)],
            ["RAROC", _pct(pricing.at_proposed.raroc) if pricing and pricing.at_proposed else "—"],
            [pick("审批建议", "Recommendation"), _t(assessment.recommendation, lang)],
        ],
    )
    sections.append(Section(_t("summary", lang), tables=[summary]))

    holders = Table(
        [pick("股东", "shareholder"), pick("持股比例", "share")],
        [[h.holder, _pct(h.share, 1)] for h in p.profile.shareholders],
    )
    profile_rows = [
        [pick("名称", "Name"), pick(b.name_zh, b.name_en)],
        [pick("统一社会信用代码", "USCC"), b.uscc],
        [pick("产业链环节", "Chain segment"), pick(b.segment.zh, b.segment.en)],
        [
            pick("所在地 / 枢纽", "Province / hub"),
            f"{pick(b.province.zh, b.province.en)} / {pick(b.hub.zh, b.hub.en) if b.hub else '—'}",
        ],
        [pick("所有制", "Ownership"), pick(b.ownership.zh, b.ownership.en)],
        [pick("所属集团", "Group"), pick(b.group_name or "—", p.profile.group_en or b.group_name or "—")],
        [pick("员工人数", "Employees"), str(b.employees)],
        [pick("上年营业收入", "Revenue (last year)"), money(b.revenue)],
        [pick("总资产", "Total assets"), money(b.total_assets)],
    ]
    sections.append(
        Section(
            _t("borrower", lang),
            paragraphs=[pick(p.profile.profile_zh, p.profile.profile_en)],
            tables=[Table([pick("项目", "item"), pick("内容", "value")], profile_rows)]
            + ([holders] if holders.rows else []),
        )
    )

    years = sorted(p.profile.financials, key=lambda y: y.year)
    if years:
        fin = Table(
            [
                pick("年度", "year"),
                pick("营业收入", "revenue"),
                "EBITDA",
                pick("净利润", "net income"),
                pick("有息债务", "total debt"),
                pick("债务/EBITDA", "debt/EBITDA"),
            ],
            [
                [
                    str(y.year),
                    money(y.revenue),
                    money(y.ebitda),
                    money(y.net_income),
                    money(y.total_debt),
                    f"{float(y.total_debt / y.ebitda):.2f}x" if y.ebitda > 0 else "—",
                ]
                for y in years
            ],
        )
        yi = UNITS["亿"]
        chart = _draw(
            with_charts,
            charts.trend_chart,
            [y.year for y in years],
            {
                pick("营业收入", "revenue"): [float(y.revenue / yi) for y in years],
                "EBITDA": [float(y.ebitda / yi) for y in years],
                pick("有息债务", "total debt"): [float(y.total_debt / yi) for y in years],
            },
            pick("亿元", "100 million CNY"),
        )
        sections.append(Section(_t("financials", lang), tables=[fin], charts=[Markup(chart)]))

    rating = p.rating
    drivers = sorted(rating.factor_contributions.items(), key=lambda kv: -abs(kv[1]))
    # the expert model stores factor codes; the memo shows each factor's name in the reader's language
    factor_names = {code: pick(f.name_zh, f.name_en) for code, f in load_expert_config().factors.items()}
    sections.append(
        Section(
            _t("rating", lang),
            paragraphs=[
                pick(
                    f"评级 {rating.grade}，违约概率 {_pct(float(rating.pd))}；模型 {rating.model_id} v{rating.model_version}，评级人 {rating.rated_by}。",
                    f"Grade {rating.grade}, PD {_pct(float(rating.pd))}; model {rating.model_id} v{rating.model_version}, rated by {rating.rated_by}.",
                )
            ],
            tables=[
                Table(
                    [pick("评级因素", "driver"), pick("贡献", "contribution"), pick("方向", "direction")],
                    [
                        [
                            factor_names.get(name, name),
                            f"{value:+.2f}",
                            pick("正面", "positive") if value > 0 else pick("负面", "negative"),
                        ]
                        for name, value in drivers
                    ],
                )
            ],
        )
    )

    if p.project is not None:
        pr = p.project
        key = Table(
            [pick("指标", "output"), pick("数值", "value")],
            [
                [pick("项目", "Project"), pick(pr.name, pr.name_en)],
                [pick("总投资", "Capex"), money(pr.capex)],
                ["NPV", money(pr.npv)],
                ["IRR", _pct(pr.irr)],
                [pick("最低DSCR", "Min DSCR"), f"{pr.min_dscr:.2f}x"],
                [pick("平均DSCR", "Average DSCR"), f"{pr.avg_dscr:.2f}x"],
                ["LLCR", f"{pr.llcr:.2f}x" if pr.llcr is not None else "—"],
                [pick("模型最大债务", "Max debt"), money(pr.max_debt) if pr.max_debt is not None else "—"],
                [pick("模型版本", "Engine version"), pr.engine_version],
            ],
        )
        sens = Table(
            [
                pick("情景", "scenario"),
                pick("变动", "change"),
                pick("最低DSCR", "min DSCR"),
                pick("NPV / 股权IRR", "NPV / equity IRR"),
            ],
            [
                [
                    pick(x.name_zh, x.name_en),
                    x.change,
                    f"{x.min_dscr:.2f}x",
                    money(x.npv)
                    if x.npv is not None
                    else (_pct(x.equity_irr) if x.equity_irr is not None else "—"),
                ]
                for x in pr.sensitivities
            ],
        )
        section = Section(_t("project", lang), tables=[key, sens])
        if pr.monte_carlo is not None:
            mc = pr.monte_carlo
            fmt = lambda x: "—" if x is None else f"{x:.2f}"  # noqa: E731
            share = lambda x: "—" if x is None else _pct(x, 1)  # noqa: E731
            section.paragraphs.append(
                pick(
                    f"蒙特卡洛模拟 {mc.runs} 次：{mc.metric} P5 {fmt(mc.p5)}，P50 {fmt(mc.p50)}，P95 {fmt(mc.p95)}；"
                    f"低于1.0的概率 {share(mc.probability_below_one)}；贷款期内违约概率 {share(mc.p_default)}。",
                    f"Monte Carlo, {mc.runs} runs: {mc.metric} P5 {fmt(mc.p5)}, P50 {fmt(mc.p50)}, P95 {fmt(mc.p95)}; "
                    f"probability below 1.0 {share(mc.probability_below_one)}; default over the loan's life {share(mc.p_default)}.",
                )
            )
            section.charts.append(
                Markup(
                    _draw(
                        with_charts,
                        charts.histogram_chart,
                        mc.bin_edges,
                        mc.counts,
                        1.0,
                        mc.metric,
                        pick("模拟次数", "runs"),
                    )
                )
            )
        sections.append(section)

    terms = [
        [pick("产品", "Product"), pick(f.product.zh, f.product.en)],
        [pick("用途", "Purpose"), f.purpose or "—"],
        [pick("金额(建议)", "Amount (recommended)"), money(assessment.limit.limit)],
        [pick("期限", "Tenor"), pick(f"{f.tenor_months}个月", f"{f.tenor_months} months")],
        [pick("利率/费率", "Rate / fee"), rate_text],
        [pick("还款方式", "Repayment"), pick(f.repayment.zh, f.repayment.en)],
    ]
    if f.beneficiary:
        terms.append([pick("受益人", "Beneficiary"), f.beneficiary])
    for g in f.guarantors:
        terms.append(
            [
                pick("保证人", "Guarantor"),
                f"{g.name} ({pick(g.kind.zh, g.kind.en)}) {money(g.amount) if g.amount else ''}",
            ]
        )
    sections.append(
        Section(_t("terms", lang), tables=[Table([pick("条款", "term"), pick("内容", "value")], terms)])
    )

    constraints = assessment.limit.constraints
    binding_index = constraints.index(assessment.limit.binding)
    limit_rows = [
        [pick(c.basis_zh, c.basis_en), money(c.amount), pick("是", "yes") if i == binding_index else "", c.source]
        for i, c in enumerate(constraints)
    ]
    limit_section = Section(
        _t("limit", lang),
        paragraphs=[
            pick(
                f"建议额度取各约束条件的最小值：{money(assessment.limit.limit)}，由“{assessment.limit.binding.basis_zh}”决定。",
                f"The recommended limit is the smallest constraint: {money(assessment.limit.limit)}, set by “{assessment.limit.binding.basis_en}”.",
            )
        ],
        tables=[
            Table(
                [
                    pick("约束", "constraint"),
                    pick("上限", "maximum"),
                    pick("约束生效", "binding"),
                    pick("依据", "source"),
                ],
                limit_rows,
            )
        ],
        charts=[
            Markup(
                _draw(
                    with_charts,
                    charts.limit_chart,
                    [c.key for c in constraints],
                    [float(c.amount / UNITS["亿"]) for c in constraints],
                    binding_index,
                    pick("亿元", "100 million CNY"),
                )
            )
        ],
    )
    wc = assessment.working_capital
    if wc is not None:
        limit_section.tables.append(
            Table(
                [
                    pick("周转项目", "item"),
                    pick("平均余额", "average balance"),
                    pick("周转次数", "times"),
                    pick("周转天数", "days"),
                ],
                [
                    [
                        f"{'−' if i.sign < 0 else '+'} {i.label_zh if lang == 'zh' else i.key}",
                        money(i.average_balance),
                        f"{i.times:.4f}" if i.times is not None else "—",
                        f"{i.days:.2f}",
                    ]
                    for i in wc.turnover
                ]
                + [
                    [
                        pick("营运资金周转次数", "working-capital turnover"),
                        "",
                        f"{wc.turnover_times:.4f}" if wc.turnover_times else "—",
                        f"{wc.cycle_days:.2f}",
                    ],
                    [pick("营运资金量", "working-capital need"), money(wc.working_capital_need), "", ""],
                    [pick("新增流动资金贷款额度", "new WC loan limit"), money(wc.new_wc_loan_limit), "", ""],
                ],
            )
        )
    sections.append(limit_section)

    lgd = s.lgd
    coll_rows = [
        [
            pick(line.label_zh, line.label_en),
            line.description,
            money(line.value),
            _pct(line.haircut, 0),
            f"{line.recovery_months:g}",
            money(line.applied),
            money(line.present_value),
        ]
        for line in lgd.lines
    ]
    coll_rows.append(
        [
            pick("无担保部分", "unsecured remainder"),
            f"LGD {_pct(lgd.unsecured_lgd, 0)}",
            money(lgd.unsecured),
            "",
            "",
            "",
            money(lgd.unsecured_recovery),
        ]
    )
    ead_rows = [[pick("表内已提款", "drawn"), money(s.ead.drawn), "100%", money(s.ead.drawn)]] + [
        [pick(line.label_zh, line.label_en), money(line.amount), _pct(line.ccf, 0), money(line.ead)]
        for line in s.ead.lines
    ]
    sections.append(
        Section(
            _t("collateral", lang),
            paragraphs=[
                pick(
                    f"EAD {money(s.ead.ead)}；经济LGD {_pct(lgd.lgd)}（回收按 {_pct(lgd.discount_rate, 1)} 折现）。",
                    f"EAD {money(s.ead.ead)}; economic LGD {_pct(lgd.lgd)} (recoveries discounted at {_pct(lgd.discount_rate, 1)}).",
                )
            ],
            tables=[
                Table([pick("表内/表外项目", "item"), pick("金额", "amount"), "CCF", "EAD"], ead_rows),
                Table(
                    [
                        pick("押品", "collateral"),
                        pick("说明", "description"),
                        pick("价值", "value"),
                        pick("折扣率", "haircut"),
                        pick("回收月数", "months"),
                        pick("覆盖金额", "applied"),
                        pick("回收现值", "PV"),
                    ],
                    coll_rows,
                ),
            ],
        )
    )

    cap = s.capital
    sections.append(
        Section(
            _t("capital", lang),
            tables=[
                Table(
                    [pick("项目", "item"), pick("数值", "value")],
                    [
                        [pick("内评法 K (借款人)", "IRB K (obligor)"), f"{cap.k_unguaranteed:.4f}"],
                        [pick("内评法 K (保证覆盖部分)", "IRB K (guaranteed part)"), f"{cap.k_guaranteed:.4f}"],
                        [pick("保证认定方法", "Guarantee recognition"), cap.method],
                        [pick("经济资本", "Economic capital"), money(cap.capital)],
                        [pick("预期损失", "Expected loss"), money(cap.expected_loss)],
                        [pick("内评法风险权重", "IRB risk weight"), _pct(cap.risk_weight)],
                        [
                            pick("权重法风险权重", "Standardised risk weight"),
                            f"{_pct(s.standardised.value, 0)} — {pick(s.standardised.label_zh, s.standardised.label_en)}",
                        ],
                        [pick("权重法风险加权资产", "Standardised RWA"), money(s.standardised_rwa)],
                        [pick("依据", "Source"), f"{s.standardised.source}; {s.standardised.article}"],
                    ],
                )
            ],
        )
    )

    if pricing is not None:
        at = pricing.at_proposed or pricing.at_minimum
        rows = [
            [
                pick("LPR", "LPR"),
                f"{pricing.lpr.tenor} {_pct(pricing.lpr.rate)} ({pricing.lpr.effective_date.isoformat()})",
            ],
            [pick("RAROC门槛", "RAROC hurdle"), _pct(pricing.hurdle)],
            [pick("最低利率/费率", "Minimum rate / fee"), _pct(pricing.minimum_rate)],
        ]
        if not p.is_guarantee:
            rows.append(
                [
                    pick("最低利率 = LPR + 点差", "Minimum = LPR + spread"),
                    f"LPR {pricing.minimum_spread_bp:+.0f}bp",
                ]
            )
        if pricing.proposed_rate is not None:
            rows.append([pick("拟定利率/费率", "Proposed rate / fee"), _pct(pricing.proposed_rate)])
            if not p.is_guarantee and pricing.proposed_spread_bp is not None:
                rows.append([pick("拟定点差", "Proposed spread"), f"LPR {pricing.proposed_spread_bp:+.0f}bp"])
        rows += [
            [pick("收入", "Income"), money(at.income)],
            [pick("资金成本", "Funding cost"), money(at.funding_cost)],
            [pick("运营成本", "Operating cost"), money(at.operating_cost)],
            [pick("预期损失", "Expected loss"), money(at.expected_loss)],
            [pick("资本收益", "Return on capital"), money(at.capital_return)],
            [pick("税后风险调整收益", "Risk-adjusted return after tax"), money(at.net_after_tax)],
            [pick("经济资本", "Economic capital"), money(at.economic_capital)],
            ["RAROC", _pct(at.raroc)],
            [
                pick("是否达到门槛", "Meets hurdle"),
                _t("yes" if pricing.meets_hurdle else "no", lang) if pricing.meets_hurdle is not None else "—",
            ],
        ]
        sections.append(
            Section(_t("pricing", lang), tables=[Table([pick("项目", "item"), pick("数值", "value")], rows)])
        )

    base_names = {
        "net_capital": pick("资本净额", "net capital"),
        "tier1_net_capital": pick("一级资本净额", "tier-1 net capital"),
        "loan_book": pick("贷款余额", "loan book"),
    }
    reg_rows = [
        [
            pick(c.label_zh, c.label_en),
            money(c.amount_after),
            f"{base_names[c.base_name]} {money(c.base_amount)}",
            _pct(c.limit_share, 1),
            _pct(c.ratio),
            money(c.headroom),
            _t("breach" if c.breach else "pass", lang),
            c.article,
        ]
        for c in s.concentration
    ]
    sections.append(
        Section(
            _t("regulatory", lang),
            paragraphs=[
                pick(
                    f"以本行资本净额 {money(p.bank.net_capital)}、一级资本净额 {money(p.bank.tier1_net_capital)} 为基数（贷款余额 {money(p.bank.loan_book)} 不作为集中度基数）。",
                    f"Measured against the bank's net capital {money(p.bank.net_capital)} and tier-1 net capital {money(p.bank.tier1_net_capital)} (the loan book of {money(p.bank.loan_book)} is not the base).",
                ),
                pick(
                    f"授信后对该客户风险暴露 {money(s.large_exposure.exposure_after)}，"
                    + ("达到" if s.large_exposure.is_large else "未达到")
                    + f"大额风险暴露标准（一级资本净额的 {_pct(s.large_exposure.share, 1)}，即 {money(s.large_exposure.threshold)}）。",
                    f"Exposure to the customer after the proposal: {money(s.large_exposure.exposure_after)}, "
                    + ("a" if s.large_exposure.is_large else "not a")
                    + f" large exposure (threshold {_pct(s.large_exposure.share, 1)} of tier-1 net capital = {money(s.large_exposure.threshold)}).",
                ),
            ],
            tables=[
                Table(
                    [
                        pick("指标", "limit"),
                        pick("授信后金额", "after proposal"),
                        pick("基数", "base"),
                        pick("上限", "limit"),
                        pick("比例", "ratio"),
                        pick("余量", "headroom"),
                        pick("结论", "status"),
                        pick("依据", "article"),
                    ],
                    reg_rows,
                )
            ],
        )
    )

    cov_rows = []
    covenant_by_key = {c.metric: c for c in f.covenants}
    for r in assessment.covenants:
        label = covenant_by_key[r.key].metric
        cov_rows.append(
            [
                label,
                r.kind,
                f"{'≥' if r.bound == 'min' else '≤'} {r.threshold:g}",
                "—" if r.value is None else f"{r.value:g}",
                "—" if r.headroom is None else _pct(r.headroom, 1),
                _t(r.status, lang),
            ]
        )
    sections.append(
        Section(
            _t("covenants", lang),
            tables=[
                Table(
                    [
                        pick("指标", "metric"),
                        pick("类型", "kind"),
                        pick("阈值", "threshold"),
                        pick("最新值", "latest"),
                        pick("余量", "headroom"),
                        pick("状态", "status"),
                    ],
                    cov_rows,
                )
            ],
        )
    )

    sections.append(
        Section(
            _t("risks", lang),
            tables=[
                Table(
                    [pick("风险", "risk"), pick("缓释措施", "mitigant")],
                    [[pick(r.risk_zh, r.risk_en), pick(r.mitigant_zh, r.mitigant_en)] for r in p.risks],
                )
            ],
        )
    )

    conditions = assessment.conditions_zh if lang == "zh" else assessment.conditions_en
    sections.append(
        Section(
            _t("recommendation", lang),
            paragraphs=[
                pick(
                    f"建议：{_t(assessment.recommendation, lang)}。授信额度 {money(assessment.limit.limit)}，期限 {f.tenor_months} 个月，{rate_text}。",
                    f"Recommendation: {_t(assessment.recommendation, lang)}. Limit {money(assessment.limit.limit)}, tenor {f.tenor_months} months, {rate_text}.",
                ),
                *[pick("条件：", "Condition: ") + c for c in conditions],
            ],
        )
    )

    trace_rows = [
        [pick("提案输入 SHA-256", "proposal inputs SHA-256"), input_digest(assessment)],
        [pick("评级模型", "rating model"), f"{p.rating.model_id} v{p.rating.model_version}"],
    ]
    if p.project is not None:
        trace_rows.append([pick("项目模型", "project engine"), p.project.engine_version])
    trace_rows.append(["computecredit", __version__])
    trace_rows += [[name, digest] for name, digest in sorted(assessment.reference_versions.items())]
    trace_rows.append(["LPR", pricing.lpr.source if pricing else lpr.source])
    sections.append(
        Section(_t("trace", lang), tables=[Table([pick("来源", "input"), pick("版本", "version")], trace_rows)])
    )

    header = [
        (pick("报告编号", "Proposal"), p.id),
        (pick("基准日", "As of"), p.as_of.isoformat()),
        (pick("贷款行", "Bank"), pick(p.bank.name_zh, p.bank.name_en)),
        (pick("客户经理", "Analyst"), p.analyst),
    ]
    return Memo(lang, _t("title", lang), header, _t(assessment.recommendation, lang), sections)


def render_html(assessment: Assessment, lang: Lang = "zh") -> str:
    """The memo as one self-contained HTML page (charts inline as SVG)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("memo.html.j2").render(memo=build_memo(assessment, lang))


def render_pdf(assessment: Assessment, lang: Lang = "zh") -> bytes:
    """The memo as PDF with embedded CJK fonts (headless Chromium; see :mod:`computecredit.reports.pdf`)."""
    return html_to_pdf(render_html(assessment, lang))


__all__ = ["Memo", "Section", "Table", "build_memo", "input_digest", "render_html", "render_pdf"]
